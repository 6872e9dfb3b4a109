import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { gmail_v1 } from 'googleapis';
import type { Deps } from '../../context';
import { emails, mailboxes } from '../../../../db/schema';
import { getMessage, getProfile, listHistory, listInbox, listSentSince } from '../../gmail/messages';
import { recordManualSend } from '../mailboxes/manual-sends';
import { mailboxGmail } from '../mailboxes/gmail';
import { ingestInbound, type IngestResult } from './ingest';

export const INBOX_SYNC_QUEUE = 'inbox-sync';
const SYNC_EVERY_MS = 60_000;
/** An expired history id falls back to re-reading at most this many recent inbox messages… */
const RESCAN_MAX_MESSAGES = 500;
/** …none older than this. Replays are harmless (events are deduplicated by Message-ID). */
const RESCAN_MAX_AGE_MS = 14 * 86_400_000;
/**
 * After an expired history id, SENT is listed from this long before the last sync (a send made
 * while the last sync ran is after its cursor but may be before its timestamp)…
 */
const SENT_OVERLAP_MS = 3_600_000;
/** …and never further back than the budget's rolling day (older sends spend nothing), up to this many. */
const SENT_LOOKBACK_MS = 24 * 3_600_000 + SENT_OVERLAP_MS;
const SENT_RESCAN_MAX = 2_000;
const READ_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'];

export interface SyncReport {
  mode: 'history' | 'rescan';
  seen: number;
  results: IngestResult[];
  /** Messages the rep sent from Gmail itself (not through Lumina) found by this sync: they spend the budget. */
  manualSends: number;
  historyId: string;
}

/**
 * Full mode: every minute each mailbox that may read mail (gmail.readonly, or the sandbox
 * mailbox) gets a sync job; the job id is the mailbox, so a slow sync is never doubled (the
 * queue port ignores an add while that job waits or runs, and takes it again once it finished).
 */
export function registerInboxSync(deps: Deps, { everyMs = SYNC_EVERY_MS } = {}) {
  deps.queue.process<{ mailboxId: string }>(INBOX_SYNC_QUEUE, async (job) => void (await syncMailbox(deps, job.data.mailboxId)), { concurrency: 2 });
  const tick = () => void enqueueSyncs(deps).catch((err) => deps.logger.error({ err }, 'inbox sync scheduling failed'));
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return async () => clearInterval(timer);
}

export async function enqueueSyncs(deps: Pick<Deps, 'db' | 'queue' | 'config'>) {
  const rows = await deps.db.select().from(mailboxes).where(and(eq(mailboxes.status, 'active'), inArray(mailboxes.provider, ['gmail', 'sandbox'])));
  for (const m of rows.filter((row) => canRead(row, deps.config))) {
    await deps.queue.enqueue(INBOX_SYNC_QUEUE, 'sync', { mailboxId: m.id }, { jobId: `sync-${m.id}` });
  }
}

/**
 * Reads what arrived since the stored history id and ingests it (classify, match, effect).
 * No stored id, or one Gmail no longer keeps (404), means a bounded re-scan of the inbox; after
 * a 404 the sends the history would have shown are found by listing SENT since the last sync.
 */
export async function syncMailbox(deps: Pick<Deps, 'db' | 'queue' | 'logger' | 'config'>, mailboxId: string): Promise<SyncReport | undefined> {
  const [mailbox] = await deps.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId));
  if (!mailbox || mailbox.status !== 'active' || !canRead(mailbox, deps.config)) return undefined;
  const gmail = await mailboxGmail(deps, mailbox, { timeoutMs: 20_000 });

  let mode: SyncReport['mode'] = 'history';
  let found: { ids: string[]; sentIds?: string[]; historyId: string } | undefined;
  if (mailbox.historyId) found = await listHistory(gmail, mailbox.historyId);
  if (!found) {
    mode = 'rescan';
    found = await rescanInbox(gmail);
    // The history expired (a mailbox not synced for days, or Gmail keeping less): what the rep
    // sent from Gmail since the last sync still spends the budget.
    if (mailbox.historyId && mailbox.lastSyncedAt) {
      const since = Math.max(mailbox.lastSyncedAt.getTime() - SENT_OVERLAP_MS, Date.now() - SENT_LOOKBACK_MS);
      found.sentIds = await listSentSince(gmail, since, SENT_RESCAN_MAX);
    }
  }

  const results: IngestResult[] = [];
  for (const id of found.ids) {
    const result = await ingestGmailMessage(deps, gmail, mailbox.workspaceId, id, mode === 'rescan' ? Date.now() - RESCAN_MAX_AGE_MS : 0);
    if (result) results.push(result);
  }
  const manual = await recordManualSends(deps, gmail, mailbox, found.sentIds ?? []);
  await deps.db.update(mailboxes).set({ historyId: found.historyId, lastSyncedAt: new Date() }).where(eq(mailboxes.id, mailbox.id));
  deps.logger.info({ mailboxId, mode, seen: found.ids.length, manual, recorded: results.filter((r) => r.status === 'recorded').length }, 'inbox synced');
  return { mode, seen: found.ids.length, results, manualSends: manual, historyId: found.historyId };
}

/**
 * Mail in the SENT label that Lumina did not send — the rep wrote it in Gmail — is recorded as a
 * manual send (once per Gmail id), so the rolling-24 h budget counts it. Ours are told apart by
 * their Message-ID (written at accept, before the send) or Gmail id.
 */
async function recordManualSends(deps: Pick<Deps, 'db'>, gmail: gmail_v1.Gmail, mailbox: typeof mailboxes.$inferSelect, sentIds: string[]): Promise<number> {
  let recorded = 0;
  for (const id of sentIds) {
    const message = await getMessage(gmail, id);
    if (!message?.raw) continue;
    const messageId = headerBlock(Buffer.from(message.raw, 'base64url')).get('message-id') ?? null;
    const [ours] = await deps.db
      .select({ id: emails.id })
      .from(emails)
      .where(and(eq(emails.workspaceId, mailbox.workspaceId), or(eq(emails.providerMessageId, id), messageId ? eq(emails.messageId, messageId) : sql`false`)))
      .limit(1);
    if (ours) continue;
    // The extension may have reported it already (light mode's path, same Gmail id): counted once.
    const sentAt = new Date(Number(message.internalDate ?? Date.now()));
    if (await recordManualSend(deps.db, { workspaceId: mailbox.workspaceId, mailboxId: mailbox.id, providerMessageId: id, sentAt })) recorded++;
  }
  return recorded;
}

/** Connected (tokens stored) and allowed to read: gmail.readonly, or a sandbox mailbox on the emulator. */
function canRead(m: typeof mailboxes.$inferSelect, config: Deps['config']) {
  if (!m.accessTokenEnc && !m.refreshTokenEnc) return false;
  if (m.provider === 'sandbox') return Boolean(config.google.apiRoot);
  return m.scopes.some((s) => READ_SCOPES.includes(s));
}

async function rescanInbox(gmail: gmail_v1.Gmail) {
  // The cursor is taken before listing, so anything arriving meanwhile is read next time.
  const { historyId } = await getProfile(gmail);
  const ids = await listInbox(gmail, RESCAN_MAX_MESSAGES);
  return { ids: ids.reverse(), historyId };
}

async function ingestGmailMessage(deps: Pick<Deps, 'db' | 'queue' | 'logger' | 'config'>, gmail: gmail_v1.Gmail, workspaceId: string, id: string, notBefore: number) {
  const message = await getMessage(gmail, id);
  if (!message) return undefined; // deleted since it was listed
  const labels = message.labelIds ?? [];
  if (!message.raw || labels.includes('SENT') || labels.includes('DRAFT')) return undefined;
  if (Number(message.internalDate ?? Date.now()) < notBefore) return undefined;
  const raw = Buffer.from(message.raw, 'base64url');
  const head = headerBlock(raw);
  const date = head.get('date');
  return ingestInbound(deps, workspaceId, {
    raw: new Uint8Array(raw),
    threadId: message.threadId,
    providerMessageId: message.id,
    messageId: head.get('message-id') ?? null,
    inReplyTo: head.get('in-reply-to') ?? null,
    references: head.get('references') ?? null,
    from: head.get('from') ?? null,
    subject: head.get('subject') ?? null,
    snippet: message.snippet ?? null,
    date: date && !Number.isNaN(Date.parse(date)) ? new Date(date) : new Date(Number(message.internalDate ?? Date.now())),
  });
}

/** The top-level headers (unfolded, first value wins): enough to match before the classifier parses the rest. */
function headerBlock(raw: Buffer): Map<string, string> {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!map.has(name)) map.set(name, line.slice(i + 1).trim());
  }
  return map;
}
