import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { invites, memberships, sessions, users, workspaces } from '../../../../db/schema';
import { domainJoinOf } from '../auth/service';
import type { WorkspaceSettings } from '../../../../shared/contracts/auth';
import { ApiError, notFound } from '../../lib/api-error';
import { countRows, listPage, type PageQuery } from '../../lib/pagination';
import type { SessionInfo } from '../../context';
import type { Role } from '../../../../shared/contracts/auth';
import type { Invite, Member } from '../../../../shared/contracts/admin';
import { recordAudit } from './audit';
import { offboardMailboxes, revokeOffboarded } from './offboard';
import type { Deps } from '../../context';

export async function listMembers(db: Db, workspaceId: string, page: PageQuery) {
  const where = eq(memberships.workspaceId, workspaceId);
  const { rows, total } = await listPage(db, page, {
    rows: db
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where)
      .orderBy(asc(memberships.createdAt), asc(users.email)),
    from: memberships,
    where,
  });
  const data: Member[] = rows.map((r) => ({ ...r, joinedAt: r.joinedAt.toISOString() }));
  return { rows: data, total };
}

export const countMembers = (db: Db, workspaceId: string) => countRows(db, memberships, eq(memberships.workspaceId, workspaceId));

/** Changes a member's role. A workspace always keeps at least one admin. */
export async function changeRole(db: Db, actor: SessionInfo, userId: string, role: Role): Promise<Member> {
  return db.transaction(async (tx) => {
    const member = await lockMember(tx, actor.workspaceId, userId);
    if (member.role === 'admin' && role !== 'admin') await ensureAnotherAdmin(tx, actor.workspaceId);
    if (member.role !== role) {
      await tx.update(memberships).set({ role }).where(eq(memberships.id, member.id));
      await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'member.role_changed', target: member.email, data: { userId, from: member.role, to: role } });
    }
    return { userId, email: member.email, name: member.name, role, joinedAt: member.createdAt.toISOString() };
  });
}

/**
 * Removes a member and signs them out of this workspace. The last admin cannot be removed.
 * Their mailboxes here are disconnected (revoked at Google, sealed tokens deleted) and their
 * open sends failed or moved to `moveSendsTo` (see offboard.ts); the audit row says what happened.
 */
export async function removeMember(deps: Pick<Deps, 'db' | 'config' | 'logger'>, actor: SessionInfo, userId: string, options: { moveSendsTo?: string } = {}) {
  const off = await deps.db.transaction(async (tx) => {
    const member = await lockMember(tx, actor.workspaceId, userId);
    if (member.role === 'admin') await ensureAnotherAdmin(tx, actor.workspaceId);
    await tx.delete(memberships).where(eq(memberships.id, member.id));
    await tx.delete(sessions).where(and(eq(sessions.workspaceId, actor.workspaceId), eq(sessions.userId, userId)));
    const off = await offboardMailboxes(tx, actor.workspaceId, userId, options.moveSendsTo);
    const { sealed: _sealed, ...summary } = off;
    await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'member.removed', target: member.email, data: { userId, role: member.role, ...summary, ...(options.moveSendsTo ? { moveSendsTo: options.moveSendsTo } : {}) } });
    return { ...off, email: member.email };
  });
  if (off.sealed.length) {
    const revoked = await revokeOffboarded(deps, off);
    await recordAudit(deps.db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'mailbox.revoked', target: off.email, data: { mailboxes: off.mailboxes, revoked } });
  }
}

export async function listInvites(db: Db, workspaceId: string, page: PageQuery) {
  const where = eq(invites.workspaceId, workspaceId);
  const { rows, total } = await listPage(db, page, { rows: db.select().from(invites).where(where).orderBy(desc(invites.createdAt), desc(invites.id)), from: invites, where });
  return { rows: rows.map(toInvite), total };
}

/**
 * Invites an address with a role: it joins this workspace on first sign-in. A pending
 * invite to the same address is replaced; a current member or an accepted invite is a conflict.
 */
export async function createInvite(db: Db, actor: SessionInfo, input: { email: string; role: Role }): Promise<Invite> {
  return db.transaction(async (tx) => {
    const [already] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(users.email, input.email)));
    if (already) throw new ApiError('CONFLICT', `${input.email} is already a member of this workspace`);
    const [row] = await tx
      .insert(invites)
      .values({ workspaceId: actor.workspaceId, email: input.email, role: input.role, invitedBy: actor.userId })
      .onConflictDoUpdate({
        target: [invites.workspaceId, invites.email],
        set: { role: input.role, invitedBy: actor.userId, createdAt: new Date(), expiresAt: sql`now() + interval '7 days'` },
        setWhere: and(eq(invites.workspaceId, actor.workspaceId), eq(invites.email, input.email)),
      })
      .returning();
    if (row!.acceptedAt) throw new ApiError('CONFLICT', `${input.email} already accepted an invite`);
    await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'invite.created', target: input.email, data: { role: input.role } });
    return toInvite(row!);
  });
}

export async function revokeInvite(db: Db, actor: SessionInfo, id: string) {
  await db.transaction(async (tx) => {
    const [gone] = await tx.delete(invites).where(and(eq(invites.workspaceId, actor.workspaceId), eq(invites.id, id))).returning();
    if (!gone) throw notFound('Invite');
    await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'invite.revoked', target: gone.email, data: { role: gone.role } });
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function lockMember(tx: Tx, workspaceId: string, userId: string) {
  const [member] = await tx
    .select({ id: memberships.id, role: memberships.role, createdAt: memberships.createdAt, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .for('update', { of: memberships });
  if (!member) throw notFound('Member');
  return member;
}

/** Locks the workspace's admin rows so two concurrent demotions cannot both pass the check. */
async function ensureAnotherAdmin(tx: Tx, workspaceId: string) {
  const admins = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'admin')))
    .for('update');
  if (admins.length <= 1) throw new ApiError('CONFLICT', 'A workspace needs at least one admin: promote someone else first');
}

function toInvite(row: typeof invites.$inferSelect): Invite {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy,
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Joining by domain as the workspace has it (its own setting, else the server's default). */
export async function readWorkspaceSettings(db: Db, workspaceId: string, serverDefault: boolean): Promise<WorkspaceSettings> {
  const [ws] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const join = domainJoinOf(ws?.settings, serverDefault);
  return { joinByDomain: join.on, joinByDomainRole: join.role };
}

/** Changes who may join by domain; audited before → after in the same transaction. */
export async function writeWorkspaceSettings(db: Db, actor: SessionInfo, patch: Partial<WorkspaceSettings>, serverDefault: boolean): Promise<WorkspaceSettings> {
  return db.transaction(async (tx) => {
    const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, actor.workspaceId)).for('update');
    const join = domainJoinOf(ws?.settings, serverDefault);
    const before: WorkspaceSettings = { joinByDomain: join.on, joinByDomainRole: join.role };
    const after: WorkspaceSettings = { ...before, ...patch };
    await tx.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify(after)}::jsonb` }).where(eq(workspaces.id, actor.workspaceId));
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'settings.changed', target: 'joinByDomain', data: { before, after } });
    }
    return after;
  });
}
