import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { campaigns, mailboxes, prospects, templates } from '../../../db/schema';
import { ApiError } from './api-error';

const TABLES = { prospect: prospects, mailbox: mailboxes, campaign: campaigns, template: templates } as const;
const LABEL = { prospect: 'Prospect', mailbox: 'Mailbox', campaign: 'Campaign', template: 'Template' } as const;
export type OwnedKind = keyof typeof TABLES;

/**
 * An id named in a request body must be a row of the caller's workspace: an unknown id, or
 * another workspace's, is a 404 naming the field — never a foreign-key 500, never stored.
 * `refs` maps a body field (`prospectId`) to the kind of row it names and its value(s).
 */
export async function assertOwnedIds(
  db: Db,
  workspaceId: string,
  refs: Record<string, { kind: OwnedKind; id: string | string[] | null | undefined }>,
): Promise<void> {
  for (const [field, { kind, id }] of Object.entries(refs)) {
    const ids = [...new Set((Array.isArray(id) ? id : [id]).filter((v): v is string => !!v))];
    if (ids.length === 0) continue;
    const table = TABLES[kind];
    const found = await db.select({ id: table.id }).from(table).where(and(eq(table.workspaceId, workspaceId), inArray(table.id, ids)));
    if (found.length !== ids.length) {
      throw new ApiError('NOT_FOUND', `${LABEL[kind]} not found`, [{ path: field, message: `no ${kind} with this id in your workspace` }]);
    }
  }
}
