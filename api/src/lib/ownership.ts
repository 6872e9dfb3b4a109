import type { MiddlewareHandler } from 'hono';
import { and, eq } from 'drizzle-orm';
import type { AppEnv, SessionInfo } from '../context';
import type { Db } from '../../../db/client';
import { campaigns, emails, prospects, templates } from '../../../db/schema';
import { ApiError } from './api-error';

/**
 * The one ownership rule (DESIGN §3.10), enforced on the server for every mutating route:
 * admins change everything in their workspace; members change what they own, and edit the
 * workspace's shared prospects (removing a prospect someone else owns takes an admin);
 * viewers change nothing. A row whose owner has left (owner null) is the admins'.
 */
export type OwnedResource = 'email' | 'template' | 'campaign' | 'prospect';
export type Change = 'edit' | 'delete';

export function mayChange(session: Pick<SessionInfo, 'role' | 'userId'>, resource: OwnedResource, ownerId: string | null, change: Change = 'edit'): boolean {
  if (session.role === 'admin') return true;
  if (session.role !== 'member') return false;
  if (resource === 'prospect' && change === 'edit') return true; // prospects are the workspace's shared list
  return ownerId !== null && ownerId === session.userId;
}

/** Loads the row's owner in the caller's workspace: 404 when it is not there, 403 when the rule says no. */
export async function assertMayChange(db: Db, session: SessionInfo, resource: OwnedResource, id: string, change: Change = 'edit'): Promise<void> {
  const { table, owner } = OWNER[resource];
  const [row] = await db.select({ ownerId: owner }).from(table).where(and(eq(table.workspaceId, session.workspaceId), eq(table.id, id)));
  if (!row) throw new ApiError('NOT_FOUND', `${LABEL[resource]} not found`);
  if (!mayChange(session, resource, row.ownerId, change)) {
    throw new ApiError('FORBIDDEN', session.role === 'viewer' ? 'Viewers cannot make changes' : `Only its owner or an admin can change this ${resource}`);
  }
}

/** The guard as route middleware: `ownerOnly('campaign')` checks the `:id` path parameter. */
export function ownerOnly(resource: OwnedResource, { param = 'id', change = 'edit' as Change } = {}): MiddlewareHandler<AppEnv> {
  return async function ownerOnly(c, next) {
    const id = c.req.param(param);
    if (id && UUID.test(id)) await assertMayChange(c.get('deps').db, c.get('session'), resource, id, change);
    await next();
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OWNER = {
  email: { table: emails, owner: emails.userId },
  template: { table: templates, owner: templates.ownerId },
  campaign: { table: campaigns, owner: campaigns.ownerId },
  prospect: { table: prospects, owner: prospects.ownerId },
} as const;
const LABEL: Record<OwnedResource, string> = { email: 'Email', template: 'Template', campaign: 'Campaign', prospect: 'Prospect' };
