import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { preparedQuery } from '../../../../db/prepared';
import { invites, memberships, sessions, users, workspaces } from '../../../../db/schema';
import { randomToken, sha256 } from '../../lib/crypto';
import { notFound } from '../../lib/api-error';
import type { SessionInfo } from '../../context';
import { recordAudit } from '../admin/audit';
import type { Role, SessionResponse } from '../../../../shared/contracts/auth';

// Addresses at these domains are people, not companies: each gets a workspace of their own.
const PERSONAL_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'proton.me', 'example.com']);

/** Whether a workspace takes colleagues by e-mail domain, and as what: its own setting, else the server's default. */
export function domainJoinOf(settings: Record<string, unknown> | undefined, serverDefault: boolean): { on: boolean; role: 'member' | 'viewer' } {
  const on = typeof settings?.joinByDomain === 'boolean' ? settings.joinByDomain : serverDefault;
  const role: 'member' | 'viewer' = settings?.joinByDomainRole === 'viewer' ? 'viewer' : 'member'; // never admin by domain alone
  return { on, role };
}

/**
 * Finds or creates the user and their workspace membership. A pending, unexpired invite
 * decides the workspace and role, and is used up; without one, colleagues (same company
 * domain) join the domain's workspace only where it takes people by domain (the workspace's
 * `joinByDomain` setting, else JOIN_BY_DOMAIN; off by default); anyone else gets a workspace
 * of their own, as its admin.
 */
export async function findOrCreateMember(db: Db, input: { email: string; name?: string; googleSub?: string }, options: { joinByDomainDefault?: boolean } = {}) {
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    let [user] = await tx.select().from(users).where(eq(users.email, email));
    if (!user) {
      [user] = await tx.insert(users).values({ email, name: input.name ?? null, googleSub: input.googleSub ?? null }).returning();
    } else if ((input.name && !user.name) || (input.googleSub && !user.googleSub)) {
      [user] = await tx.update(users).set({ name: user.name ?? input.name, googleSub: user.googleSub ?? input.googleSub }).where(eq(users.id, user.id)).returning();
    }
    const [existing] = await tx
      .select({ workspace: workspaces, role: memberships.role })
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(eq(memberships.userId, user!.id))
      .orderBy(memberships.createdAt)
      .limit(1);
    if (existing) return { user: user!, workspace: existing.workspace, role: existing.role };

    // Single use: the update claims the invite only while it is still open and unexpired.
    const [invite] = await tx
      .update(invites)
      .set({ acceptedAt: new Date() })
      .where(eq(invites.id, sql`(select i.id from ${invites} i where i.email = ${email} and i.accepted_at is null and i.expires_at > now() order by i.created_at desc limit 1)`))
      .returning();
    let workspaceId = invite?.workspaceId;
    let role: Role = invite?.role ?? 'member';
    if (invite) {
      await recordAudit(tx, { workspaceId: invite.workspaceId, actorId: user!.id, action: 'invite.accepted', target: email, data: { inviteId: invite.id, role: invite.role, invitedBy: invite.invitedBy } });
    }
    if (!workspaceId) {
      const domain = email.split('@')[1] ?? email;
      const name = PERSONAL_DOMAINS.has(domain) ? `${input.name ?? email}'s workspace` : domain;
      const candidates = PERSONAL_DOMAINS.has(domain) ? [] : await tx.select().from(workspaces).where(eq(workspaces.name, name)).orderBy(workspaces.createdAt).limit(20);
      const open = candidates.find((w) => domainJoinOf(w.settings, options.joinByDomainDefault ?? false).on);
      if (open) {
        workspaceId = open.id;
        role = domainJoinOf(open.settings, options.joinByDomainDefault ?? false).role;
        await recordAudit(tx, { workspaceId, actorId: user!.id, action: 'member.joined_by_domain', target: email, data: { role } });
      } else {
        workspaceId = (await tx.insert(workspaces).values({ name }).returning())[0]!.id;
        role = 'admin';
      }
    }
    await tx.insert(memberships).values({ workspaceId, userId: user!.id, role });
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    return { user: user!, workspace: workspace!, role };
  });
}

export async function createSession(db: Db, member: Awaited<ReturnType<typeof findOrCreateMember>>, ttlMs: number): Promise<SessionResponse> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.insert(sessions).values({ tokenHash: sha256(token), userId: member.user.id, workspaceId: member.workspace.id, expiresAt });
  await recordAudit(db, { workspaceId: member.workspace.id, actorId: member.user.id, action: 'auth.signed_in', target: member.user.email, data: { role: member.role } });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { id: member.user.id, email: member.user.email, name: member.user.name },
    workspace: { id: member.workspace.id, name: member.workspace.name, role: member.role, gmailMode: member.workspace.gmailMode },
  };
}

// Every authenticated request runs this one.
const sessionByHash = preparedQuery((db) =>
  db
    .select({ sessionId: sessions.id, userId: sessions.userId, workspaceId: sessions.workspaceId, role: memberships.role, email: users.email })
    .from(sessions)
    .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .limit(1)
    .prepare('session_by_hash'),
);

export async function resolveSession(db: Db, token: string): Promise<SessionInfo | undefined> {
  const [row] = await sessionByHash(db).execute({ tokenHash: sha256(token), now: new Date().toISOString() }); // prepared: parameters bind as text
  return row;
}

export async function getWorkspace(db: Db, workspaceId: string) {
  const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw notFound('Workspace');
  return ws;
}

/** Signs a session out (audited, once: a second sign-out of the same session writes nothing). */
export async function deleteSession(db: Db, session: Pick<SessionInfo, 'sessionId' | 'userId' | 'workspaceId' | 'email'>) {
  const gone = await db.delete(sessions).where(eq(sessions.id, session.sessionId)).returning({ id: sessions.id });
  if (gone.length) await recordAudit(db, { workspaceId: session.workspaceId, actorId: session.userId, action: 'auth.signed_out', target: session.email });
}
