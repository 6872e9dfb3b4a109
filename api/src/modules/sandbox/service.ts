import { and, eq } from 'drizzle-orm';
import type { Config } from '../../env';
import type { Deps, SessionInfo } from '../../context';
import { mailboxes } from '../../../../db/schema';
import { GMAIL_SCOPES, sealTokens } from '../../gmail/oauth';
import { ApiError } from '../../lib/api-error';
import { recordAudit } from '../admin/audit';
import type { SandboxMessage } from '../../../../shared/contracts/sandbox';
import { INBOX_SYNC_QUEUE } from '../replies/inbox-sync.worker';

/**
 * Sandbox mail: with sandbox login on, no Google credentials and GOOGLE_API_ROOT pointing at
 * a Gmail emulator (the runtime starts one in embedded mode), every sandbox-login user gets a
 * `provider: 'sandbox'` mailbox for their own address on the emulator. Sending goes through
 * googleapis exactly as with Google; only these helpers know the emulator's control API.
 */
export function sandboxMailEnabled(config: Pick<Config, 'sandboxLogin' | 'google'>): boolean {
  return config.sandboxLogin && !config.google.clientId && Boolean(config.google.apiRoot);
}

/** Gives the member a working sandbox mailbox (tokens issued by the emulator, sealed at rest). */
export async function ensureSandboxMailbox(deps: Pick<Deps, 'config' | 'db'>, member: { workspaceId: string; userId: string; email: string }) {
  const { config, db } = deps;
  const email = member.email.toLowerCase();
  const [existing] = await db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, member.workspaceId), eq(mailboxes.email, email)));
  if (existing && (existing.status === 'active' || existing.provider !== 'sandbox')) return existing;
  const scope = GMAIL_SCOPES.full.join(' ');
  const tokens = await control<{ access_token: string; refresh_token: string; expiry_date: number }>(config, '/__control/tokens', {
    method: 'POST',
    body: { email: sandboxAccount(member.workspaceId, email), scope },
  });
  const sealed = sealTokens(config, tokens);
  if (existing) {
    // Signing in again reconnects a sandbox mailbox a test (or a fault) left needing reauth.
    const [row] = await db.update(mailboxes).set({ ...sealed, status: 'active' }).where(eq(mailboxes.id, existing.id)).returning();
    await recordAudit(db, { workspaceId: member.workspaceId, actorId: member.userId, action: 'mailbox.reconnected', target: email, data: { provider: 'sandbox' } });
    return row!;
  }
  const [row] = await db
    .insert(mailboxes)
    .values({ workspaceId: member.workspaceId, userId: member.userId, provider: 'sandbox', email, scopes: scope.split(' '), ...sealed })
    .onConflictDoNothing()
    .returning();
  if (row) await recordAudit(db, { workspaceId: member.workspaceId, actorId: member.userId, action: 'mailbox.connected', target: email, data: { provider: 'sandbox' } });
  return row ?? (await db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, member.workspaceId), eq(mailboxes.email, email))))[0]!;
}

/**
 * Sandbox mail is keyed by mailbox: the emulator account behind a sandbox mailbox is its
 * workspace's own (`ana+ws-<id>@acme.test`), so one address with a mailbox in two
 * workspaces is two mailboxes that never see each other's mail.
 */
export function sandboxAccount(workspaceId: string, email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}+ws-${workspaceId.replace(/-/g, '').slice(0, 16)}${email.slice(at)}`;
}

/** What the caller's sandbox mailbox sent (an admin: every sandbox mailbox of the workspace), newest first. */
export async function listSandboxMessages(deps: Pick<Deps, 'config' | 'db'>, viewer: Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>): Promise<SandboxMessage[]> {
  const boxes = await deps.db
    .select({ email: mailboxes.email })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, viewer.workspaceId), eq(mailboxes.provider, 'sandbox'), viewer.role === 'admin' ? undefined : eq(mailboxes.userId, viewer.userId)));
  const lists = await Promise.all(
    boxes.map(async (b) => {
      const account = sandboxAccount(viewer.workspaceId, b.email);
      const sent = await control<{ data: Array<Omit<SandboxMessage, 'sentAt'> & { internalDate: number }> }>(deps.config, `/__control/sent?mailbox=${encodeURIComponent(account)}`);
      return sent.data.map((m) => ({ ...m, mailbox: b.email }));
    }),
  );
  return lists
    .flat()
    .sort((a, b) => b.internalDate - a.internalDate)
    .map(({ internalDate, ...m }) => ({ ...m, sentAt: new Date(internalDate).toISOString() }));
}

export type InboundKind = 'reply' | 'auto-reply' | 'bounce';

/** Injects inbound mail answering one of the caller's sandbox messages; anyone else's id is 404. */
export async function injectInbound(deps: Pick<Deps, 'config' | 'db' | 'queue'>, viewer: Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>, messageId: string, kind: InboundKind, body: object) {
  const own = await listSandboxMessages(deps, viewer);
  const answered = own.find((m) => m.id === messageId);
  if (!answered) throw new ApiError('NOT_FOUND', 'Sandbox message not found');
  const injected = await control<{ id: string; threadId: string }>(deps.config, `/__control/messages/${messageId}/${kind}`, { method: 'POST', body });
  // Read the mailbox now rather than at the next minute's sync: whoever injected it is watching for it.
  await syncSoon(deps, viewer.workspaceId, answered.mailbox);
  return { id: injected.id, threadId: injected.threadId, kind: kind === 'auto-reply' ? ('auto_reply' as const) : kind };
}

async function syncSoon(deps: Pick<Deps, 'db' | 'queue'>, workspaceId: string, address: string) {
  const [box] = await deps.db
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.provider, 'sandbox'), eq(mailboxes.email, address)));
  if (box) await deps.queue.enqueue(INBOX_SYNC_QUEUE, 'sync', { mailboxId: box.id }, { jobId: `sync-${box.id}` });
}

async function control<T>(config: Pick<Config, 'google'>, path: string, init: { method?: string; body?: object } = {}): Promise<T> {
  const url = `${config.google.apiRoot!.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.body ? { 'content-type': 'application/json' } : undefined,
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new ApiError('SERVICE_UNAVAILABLE', 'The sandbox mail server (Gmail emulator) is not reachable');
  }
  if (res.status === 404) throw new ApiError('NOT_FOUND', 'Sandbox message not found');
  if (!res.ok) throw new ApiError('SERVICE_UNAVAILABLE', `The sandbox mail server answered ${res.status}`);
  return (await res.json()) as T;
}
