import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { preparedQuery } from '../../../../db/prepared';
import { invites, memberships, sessions, users, workspaces } from '../../../../db/schema';
import { randomToken, sha256 } from '../../lib/crypto';
import { notFound } from '../../lib/api-error';
import type { SessionInfo } from '../../context';
import type { Role, SessionResponse } from '../../../../shared/contracts/auth';

// Addresses at these domains are people, not companies: each gets a workspace of their own.
const PERSONAL_DOMAINS = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'proton.me', 'example.com']);

/**
 * Finds or creates the user and their workspace membership. Colleagues (same company
 * domain) share a workspace; a pending invite decides the workspace and role; the first
 * user of a workspace is its admin.
 */
export async function findOrCreateMember(db: Db, input: { email: string; name?: string; googleSub?: string }) {
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

    const [invite] = await tx.select().from(invites).where(and(eq(invites.email, email), isNull(invites.acceptedAt))).limit(1);
    let workspaceId = invite?.workspaceId;
    let role: Role = invite?.role ?? 'member';
    if (invite) await tx.update(invites).set({ acceptedAt: new Date() }).where(eq(invites.id, invite.id));
    if (!workspaceId) {
      const domain = email.split('@')[1] ?? email;
      const name = PERSONAL_DOMAINS.has(domain) ? `${input.name ?? email}'s workspace` : domain;
      const [ws] = PERSONAL_DOMAINS.has(domain) ? [] : await tx.select().from(workspaces).where(eq(workspaces.name, name)).limit(1);
      workspaceId = ws?.id ?? (await tx.insert(workspaces).values({ name }).returning())[0]!.id;
      const anyone = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.workspaceId, workspaceId)).limit(1);
      role = anyone.length === 0 ? 'admin' : 'member';
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

export async function deleteSession(db: Db, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
