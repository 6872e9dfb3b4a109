import { and, eq, lt, or, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { gmail_v1 } from 'googleapis';
import type { Db } from '../../../../db/client';
import { emailEvents, emails, mailboxes, prospects, sendJobs, users, webhooks, workspaces } from '../../../../db/schema';
import type { Deps } from '../../context';
import { buildMime } from '../../gmail/mime';
import { findByMessageId, sendRaw, type ProviderIds } from '../../gmail/messages';
import { mailboxGmail, markNeedsReauth, reauthReason } from '../mailboxes/gmail';
import { clickUrl, openPixelUrl, unsubscribeUrl } from '../tracking/tokens';
import { budgetFreesAt, effectiveCap, nextWindowOpening, sentInLastDay } from './schedule';
import { preparedQuery, preparedSql, rowsOf } from '../../../../db/prepared';
import { publishEvents } from '../webhooks/publish';
import { failOpenSends } from './fail-sends';
import { normalizeAddress, suppressedSql } from '../suppressions/service';
import { recipientCheckerFor } from '../deliverability/recipients';
import { flagUndeliverable } from '../prospects/service';
import { trackingBase } from '../tracking/domain';
import { classifyGmailError, type GmailFailure } from './send-errors';
import { PermanentJobError, RetryLaterError, type JobContext, type QueuePort } from '../../jobs/queue';

export const SEND_QUEUE = 'send';

// The worker decides every retry itself (RetryLaterError with its own delay) and counts Gmail
// tries in emails.attempts, so waiting for a window or for budget never uses up a send try.
const QUEUE_ATTEMPTS = 100_000;

export interface SendSettings {
  /** Gmail tries before an email is FAILED. */
  maxAttempts: number;
  /** Exponential backoff base and ceiling between tries. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Per Gmail request; a request that takes longer has an unknown outcome. */
  requestTimeoutMs: number;
  /** A SENDING claim older than this belongs to a dead worker and may be retaken (> requestTimeoutMs). */
  leaseMs: number;
  /**
   * After an unknown outcome, the least wait before searching the mailbox: a request we gave up
   * on may still be finishing at Google, and a search that runs before it lands would miss it.
   */
  settleMs: number;
  concurrency: number;
  /** Least time between two sends of one mailbox when the second is a sequence step, plus up to the jitter. */
  minGapMs: number;
  gapJitterMs: number;
}

export const defaultSendSettings: SendSettings = {
  minGapMs: 60_000,
  gapJitterMs: 30_000,
  maxAttempts: 6,
  backoffMs: 15_000,
  maxBackoffMs: 30 * 60_000,
  requestTimeoutMs: 30_000,
  leaseMs: 3 * 60_000,
  settleMs: 60_000,
  concurrency: 8,
};

export type GmailFor = (mailbox: MailboxRow) => gmail_v1.Gmail | Promise<gmail_v1.Gmail>;
type MailboxRow = typeof mailboxes.$inferSelect;
type EmailRow = typeof emails.$inferSelect;

export interface SendJobData {
  emailId: string;
}

/** Enqueues the send of an accepted email; the job id is the email id, so a live job is never doubled. */
export function enqueueSend(queue: QueuePort, emailId: string, dueAt: Date = new Date(), { fresh = false } = {}) {
  return queue.enqueue<SendJobData>(SEND_QUEUE, 'send', { emailId }, {
    jobId: emailId,
    fresh,
    delayMs: Math.max(0, dueAt.getTime() - Date.now()),
    attempts: QUEUE_ATTEMPTS,
    backoffMs: 1000,
  });
}

/** Enqueues many accepted emails at once (fresh ids), in one write where the queue can. */
export function enqueueSends(queue: QueuePort, sends: Array<{ id: string; dueAt: Date }>) {
  if (!sends.length) return Promise.resolve();
  const now = Date.now();
  return queue.enqueueMany<SendJobData>(
    SEND_QUEUE,
    sends.map(({ id, dueAt }) => ({
      name: 'send',
      data: { emailId: id },
      options: { jobId: id, fresh: true, delayMs: Math.max(0, dueAt.getTime() - now), attempts: QUEUE_ATTEMPTS, backoffMs: 1000 },
    })),
  );
}

/**
 * Embedded mode after a crash: the send leases still held belong to the process that died
 * (PGlite lives inside one process, so no live worker can hold one). They are released at once
 * rather than after leaseMs (3 min): each email stays SENDING, so its next try searches the
 * mailbox for our Message-ID before sending — a message the dead process got to Gmail is
 * marked SENT, never sent again.
 */
export async function releaseDeadProcessLeases(db: Db): Promise<number> {
  const rows = await db.update(sendJobs).set({ state: 'queued', lastError: 'released after a restart', updatedAt: new Date() }).where(eq(sendJobs.state, 'claimed')).returning({ emailId: sendJobs.emailId });
  return rows.length;
}

/**
 * Starts the send worker on the queue port (the queue's close stops it). Gmail clients come
 * from mailboxGmail: Google, or the emulator under GOOGLE_API_ROOT.
 */
export function registerSendWorker(deps: Deps, settings: Partial<SendSettings> = {}, gmailFor?: GmailFor) {
  const s = { ...defaultSendSettings, ...settings };
  const clientFor: GmailFor = gmailFor ?? cachedClients((mailbox) => mailboxGmail(deps, mailbox, { timeoutMs: s.requestTimeoutMs }));
  deps.queue.process<SendJobData>(SEND_QUEUE, (job) => runSend(deps, clientFor, s, job), { concurrency: s.concurrency });
}

/**
 * One look at one email. Exactly-once lives in Postgres: every step is a guarded status
 * transition, and a try whose earlier attempt may have reached Gmail first searches the
 * mailbox for our Message-ID.
 */
export async function runSend(deps: Deps, gmailFor: GmailFor, s: SendSettings, job: JobContext<SendJobData>): Promise<void> {
  try {
    await sendOnce(deps, gmailFor, s, job.data.emailId);
  } catch (err) {
    if (err instanceof RetryLaterError || err instanceof PermanentJobError) throw err;
    // Our own failure (database down…): look again later without spending a Gmail try.
    deps.logger.error({ err, emailId: job.data.emailId }, 'send worker error');
    throw new RetryLaterError(err instanceof Error ? err.message : String(err), backoff(s, Math.min(job.attempt, 8)));
  }
}

async function sendOnce(deps: Deps, gmailFor: GmailFor, s: SendSettings, emailId: string) {
  const { db } = deps;
  const loaded = await load(db, emailId);
  if (!loaded || !['PENDING_SEND', 'SENDING'].includes(loaded.email.status)) return; // cancelled, done, or gone
  const { email, mailbox, fromName } = loaded;

  if (!mailbox) return failPermanently(db, email, 'The sending mailbox was removed');
  if (mailbox.status !== 'active') {
    return failPermanently(db, email, mailbox.status === 'needs_reauth' ? reauthReason(mailbox.email) : `Mailbox ${mailbox.email} is disabled`);
  }
  if (loaded.suppressed) return failPermanently(db, email, 'RECIPIENT_SUPPRESSED: the address is on the suppression list');
  // Before a campaign sends (issue 17): a recipient whose domain no longer takes mail is skipped with the reason.
  if (email.campaignId && email.status === 'PENDING_SEND' && deps.config.recipientDnsCheck) {
    const address = normalizeAddress(/<([^>]+)>/.exec(email.to)?.[1] ?? email.to);
    const verdict = (await recipientCheckerFor(deps.config).check([address])).get(address);
    if (verdict && !verdict.deliverable) {
      // The prospects list shows it too ("Domain takes no mail"), so nobody queues them again unaware.
      if (email.prospectId) await flagUndeliverable(db, email.workspaceId, email.prospectId);
      return failPermanently(db, email, `RECIPIENT_UNDELIVERABLE: ${verdict.message!.replace(/; not imported$/, '')}; not sent`);
    }
  }

  const gmail = await gmailFor(mailbox);
  const mayHaveSent = email.status === 'SENDING';
  const claimed = mayHaveSent ? await reclaimAfterUnknownOutcome(db, s, email) : await claimFresh(db, s, email, mailbox, loaded.recipientZone);
  if (!claimed) return; // cancelled between the read and the claim: the guarded update settled it

  if (mayHaveSent) {
    const found = await findOwnMessage(gmail, s, claimed).catch((err: unknown) => handleFailure(deps, s, claimed, mailbox, classifyGmailError(err), true));
    if (found) return markSent(deps, claimed.id, found);
    // The check after the last try (see handleFailure): not in the mailbox, so it was not delivered.
    if (claimed.attempts > s.maxAttempts) return failPermanently(db, claimed, `Gmail did not answer after ${claimed.attempts - 1} tries; not delivered (the mailbox holds no copy)`);
  }

  const base = await trackingBase(deps, claimed.workspaceId); // the workspace's own tracking domain, else PUBLIC_URL
  const unsubscribe = unsubscribeUrl(base, deps.config.trackingSecret, claimed.id);
  // Launching needs an address (settings/sending.ts), and clearing it while a campaign runs is refused.
  const postalAddress = loaded.postalAddress || deps.config.postalAddressDefault;
  const mime = await buildMime({
    from: { name: fromName, address: mailbox.email },
    to: claimed.to,
    subject: claimed.subject,
    html: claimed.bodyHtml,
    text: claimed.bodyText,
    messageId: claimed.messageId,
    inReplyTo: claimed.inReplyTo,
    references: claimed.references,
    unsubscribeUrl: unsubscribe,
    footer: claimed.campaignId && postalAddress ? { postalAddress, unsubscribeUrl: unsubscribe } : undefined,
    tracking: {
      openPixelUrl: claimed.trackOpens ? openPixelUrl(base, deps.config.trackingSecret, claimed.id) : undefined,
      clickUrl: claimed.trackClicks ? (i, url) => clickUrl(base, deps.config.trackingSecret, claimed.id, i, url) : undefined,
    },
  });
  if (mime.warnings.length) deps.logger.warn({ emailId, warnings: mime.warnings, bytes: mime.bytes }, 'large email');

  let sent: ProviderIds;
  try {
    sent = await sendRaw(gmail, { raw: mime.raw, threadId: claimed.threadId }, { timeoutMs: s.requestTimeoutMs });
  } catch (err) {
    return handleFailure(deps, s, claimed, mailbox, classifyGmailError(err), false);
  }
  await markSent(deps, claimed.id, sent);
}

/**
 * PENDING_SEND → SENDING, under the mailbox's row lock so concurrent workers cannot
 * overspend its budget. Outside the send window, over the rolling 24-hour cap, or before
 * its scheduled time, the email stays PENDING_SEND (still cancellable) and the job waits.
 */
async function claimFresh(db: Db, s: SendSettings, email: EmailRow, mailbox: MailboxRow, recipientZone: string | null): Promise<EmailRow | undefined> {
  const now = new Date();
  if (email.scheduledAt && email.scheduledAt > now) return waitUntil(db, email.id, email.scheduledAt, 'scheduled');
  // The window's days and hours are the recipient's when we know their zone: 9–17 means their 9–17.
  const window = windowFor(mailbox.sendWindow ?? null, recipientZone);
  const opening = nextWindowOpening(window, now);
  if (opening > now) return waitUntil(db, email.id, opening, `outside the send window (${window!.start}–${window!.end} ${window!.tz})`);
  // Sequence sends are spread, not burst: a gap (plus jitter) after the mailbox's last send,
  // checked under the mailbox lock so two workers cannot both take the same slot.
  const spaced = Boolean(email.campaignLeadId) && s.minGapMs > 0;

  const cap = effectiveCap(mailbox, now);
  const outcome = await db.transaction(async (tx) => {
    // NO KEY UPDATE: claims on one mailbox queue behind each other, while accepts (whose
    // foreign key check on the mailbox takes KEY SHARE) go on writing new emails for it.
    const lock = tx.execute(sql`select id from ${mailboxes} where id = ${mailbox.id} for no key update`);
    if (spaced) {
      await lock;
      const slot = await gapEndsAt(tx as unknown as Db, mailbox.id, email.id, s, now);
      if (slot) return { gap: slot };
    }
    // After the lock, one statement counts the budget and claims: a fresh snapshot, so it sees
    // every claim committed by whoever held the lock before us. Both are sent at once (one round
    // trip); on the transaction's one connection the claim only starts once the lock is held.
    const claim = tx.execute(sql`
      with used as (
        select ${sentInLastDay(mailbox.id, cap, now)}
             + (select count(*)::int from ${emails} where status = 'SENDING' and mailbox_id = ${mailbox.id}) as n),
      claimed as (
        update ${emails} set status = 'SENDING', attempts = attempts + 1, updated_at = ${now.toISOString()}::timestamptz
        where id = ${email.id} and status = 'PENDING_SEND' and (select n from used) < ${cap}
        returning id),
      job as (
        update ${sendJobs} set state = 'claimed', attempts = attempts + 1, updated_at = ${now.toISOString()}::timestamptz, last_error = null
        where email_id in (select id from claimed) returning email_id)
      select (select n from used) as used, (select count(*)::int from job) as claimed`);
    const [row] = rowsOf<{ used: number; claimed: number }>((await Promise.all([lock, claim]))[1]);
    const used = Number(row?.used ?? 0);
    if (used >= cap) return { wait: await budgetFreesAt(tx as unknown as Db, mailbox.id, cap, used, now) };
    return { claimed: Number(row?.claimed ?? 0) > 0 };
  });
  if ('gap' in outcome && outcome.gap) return waitUntil(db, email.id, outcome.gap, `spacing sequence sends (${Math.round(s.minGapMs / 1000)} s apart)`);
  if ('wait' in outcome && outcome.wait) return waitUntil(db, email.id, outcome.wait, `daily cap of ${cap} reached`);
  return 'claimed' in outcome && outcome.claimed ? { ...email, status: 'SENDING', attempts: email.attempts + 1, updatedAt: now } : undefined;
}

/**
 * An email left SENDING: a try that ended without knowing whether Gmail took the message,
 * or a worker that died mid-send. Taken back only once its lease is released or expired,
 * so two live workers never hold it at once.
 */
async function reclaimAfterUnknownOutcome(db: Db, s: SendSettings, email: EmailRow): Promise<EmailRow> {
  const now = new Date();
  const claimed = await db.transaction(async (tx) => {
    const [job] = await tx
      .update(sendJobs)
      .set({ state: 'claimed', attempts: sql`${sendJobs.attempts} + 1`, updatedAt: now })
      .where(and(
        eq(sendJobs.emailId, email.id),
        or(eq(sendJobs.state, 'queued'), and(eq(sendJobs.state, 'claimed'), lt(sendJobs.updatedAt, new Date(now.getTime() - s.leaseMs)))),
      ))
      .returning({ updatedAt: sendJobs.updatedAt });
    if (!job) return undefined;
    const [row] = await tx
      .update(emails)
      .set({ attempts: sql`${emails.attempts} + 1`, updatedAt: now })
      .where(and(eq(emails.id, email.id), eq(emails.status, 'SENDING')))
      .returning();
    return row;
  });
  if (claimed) return claimed;
  const [job] = await db.select({ updatedAt: sendJobs.updatedAt }).from(sendJobs).where(eq(sendJobs.emailId, email.id));
  const leaseLeft = job ? job.updatedAt.getTime() + s.leaseMs - now.getTime() : s.leaseMs;
  throw new RetryLaterError('another worker holds the send lease', Math.max(100, leaseLeft + 50));
}

/** Our Message-ID in the mailbox means an earlier try did send: never send it again. */
function findOwnMessage(gmail: gmail_v1.Gmail, s: SendSettings, email: EmailRow) {
  return findByMessageId(gmail, email.messageId, { timeoutMs: s.requestTimeoutMs });
}

/**
 * SENT, provider ids and the `sent` event in one statement (atomic); a no-op unless the
 * email is still ours. The workspace's `email.sent` webhooks hear of it once, with the event.
 */
async function markSent(deps: Deps, emailId: string, provider: { id: string | null; threadId: string | null }) {
  const now = new Date().toISOString();
  const data = { providerMessageId: provider.id, threadId: provider.threadId };
  const [event] = await markSentQuery(deps.db).execute({ emailId, providerId: provider.id, threadId: provider.threadId, now, dedupeKey: `sent:${emailId}`, data: JSON.stringify(data) });
  if (event?.hooked) publishEvents(deps, [{ id: Number(event.id), workspaceId: event.workspace_id, emailId, type: 'sent', occurredAt: new Date(now), data }]);
}

// `hooked` says whether any webhook listens for email.sent, so most sends skip the fan-out's lookup.
const markSentQuery = preparedSql<{ id: number; workspace_id: string; hooked: boolean }>('send_mark_sent', () => {
  const ph = sql.placeholder;
  return sql`
    with sent as (
      update ${emails} set status = 'SENT', provider_message_id = ${ph('providerId')}, thread_id = ${ph('threadId')},
        sent_at = ${ph('now')}::timestamptz, failure_reason = null, updated_at = ${ph('now')}::timestamptz
      where id = ${ph('emailId')} and status = 'SENDING'
      returning workspace_id),
    job as (
      update ${sendJobs} set state = 'done', last_error = null, updated_at = ${ph('now')}::timestamptz
      where email_id = ${ph('emailId')} and exists (select 1 from sent))
    insert into ${emailEvents} (workspace_id, email_id, type, occurred_at, dedupe_key, data)
      select workspace_id, ${ph('emailId')}, 'sent', ${ph('now')}::timestamptz, ${ph('dedupeKey')}, ${ph('data')}::jsonb
      from sent
    on conflict do nothing
    returning id, workspace_id,
      exists (select 1 from ${webhooks} w where w.workspace_id = ${emailEvents.workspaceId} and w.active and 'email.sent' = any(w.events)) as hooked`;
});

/**
 * What a failed Gmail call leads to. Rate limits say the message was not taken: back to
 * PENDING_SEND. 5xx, timeouts and network errors leave the outcome unknown: the email stays
 * SENDING with its lease released, and the next try searches before sending.
 */
async function handleFailure(deps: Deps, s: SendSettings, email: EmailRow, mailbox: MailboxRow, f: GmailFailure, duringSearch: boolean): Promise<never> {
  const { db } = deps;
  deps.logger.warn({ emailId: email.id, attempt: email.attempts, kind: f.kind, message: f.message }, 'gmail call failed');
  if (f.kind === 'invalid_grant') {
    await markNeedsReauth(deps, mailbox.id);
    throw new PermanentJobError(f.message);
  }
  if (f.kind === 'permanent') {
    const reason = duringSearch
      ? `Could not check whether an earlier try was delivered (${f.message}); not sent again, to avoid a duplicate`
      : `Gmail refused the message: ${f.message}`;
    return failPermanently(db, email, reason);
  }
  const lastTry = email.attempts >= s.maxAttempts;
  if (f.kind === 'rate_limited' && !duringSearch) {
    if (lastTry) return failPermanently(db, email, `Gmail kept rate-limiting after ${email.attempts} tries: ${f.message}`);
    await release(db, email.id, 'PENDING_SEND', f.message);
  } else {
    // The last send's outcome is unknown: one more turn only searches the mailbox (sendOnce), so a
    // message Gmail did take ends SENT, not FAILED with a retry button that would send it twice.
    if (lastTry && duringSearch) {
      return failPermanently(db, email, `Gmail did not answer after ${email.attempts} tries (${f.message}); whether an earlier try was delivered is unknown`);
    }
    await release(db, email.id, 'SENDING', f.message);
  }
  const unknownOutcome = !(f.kind === 'rate_limited' && !duringSearch);
  const delay = Math.max(f.retryAfterMs ?? backoff(s, email.attempts), unknownOutcome ? s.settleMs : 0);
  await db.update(sendJobs).set({ dueAt: new Date(Date.now() + delay) }).where(eq(sendJobs.emailId, email.id));
  throw new RetryLaterError(f.message, delay);
}

async function release(db: Db, emailId: string, status: 'PENDING_SEND' | 'SENDING', error: string) {
  const now = new Date();
  await db.transaction(async (tx) => {
    if (status === 'PENDING_SEND') {
      await tx.update(emails).set({ status, updatedAt: now }).where(and(eq(emails.id, emailId), eq(emails.status, 'SENDING')));
    }
    await tx.update(sendJobs).set({ state: 'queued', lastError: error, updatedAt: now }).where(eq(sendJobs.emailId, emailId));
  });
}

/** FAILED with a reason people can read, then a permanent job failure (no retry). */
async function failPermanently(db: Db, email: EmailRow, reason: string): Promise<never> {
  await db.transaction((tx) => failOpenSends(tx, eq(emails.id, email.id), reason));
  throw new PermanentJobError(reason);
}

/** The mailbox's window, read in the recipient's zone when that zone is known and valid. */
export function windowFor(window: NonNullable<MailboxRow['sendWindow']> | null, recipientZone: string | null | undefined) {
  if (!window || !recipientZone || !DateTime.local().setZone(recipientZone).isValid) return window;
  return { ...window, tz: recipientZone };
}

/**
 * When a sequence email may go, if the mailbox sent (or is sending) too recently: its last
 * send plus the minimum gap plus a jitter (so the sends do not tick like a metronome).
 */
async function gapEndsAt(db: Db, mailboxId: string, emailId: string, s: SendSettings, now: Date): Promise<Date | undefined> {
  const since = new Date(now.getTime() - s.minGapMs).toISOString();
  const [row] = rowsOf<{ last: string | Date | null; busy: boolean }>(await db.execute(sql`select
      (select max(sent_at) from ${emails} where mailbox_id = ${mailboxId} and sent_at > ${since}::timestamptz) as last,
      exists (select 1 from ${emails} where mailbox_id = ${mailboxId} and status = 'SENDING' and id <> ${emailId}) as busy`));
  if (!row?.last && !row?.busy) return undefined;
  const from = row.last ? new Date(row.last).getTime() : now.getTime();
  return new Date(from + s.minGapMs + Math.floor(Math.random() * (s.gapJitterMs + 1)));
}

async function waitUntil(db: Db, emailId: string, at: Date, why: string): Promise<never> {
  await db.update(sendJobs).set({ dueAt: at, lastError: `waiting: ${why}`, updatedAt: new Date() }).where(eq(sendJobs.emailId, emailId));
  throw new RetryLaterError(`waiting: ${why}`, Math.max(0, at.getTime() - Date.now()));
}

/**
 * Every look at an email starts here: prepared once (db/prepared.ts). It also says whether the
 * recipient is suppressed — asked again at send time, as an unsubscribe may have landed since
 * the accept (both sides are stored normalized: normalizeAddress).
 */
const emailToSend = preparedQuery((db) =>
  db
    .select({
      email: emails,
      mailbox: mailboxes,
      fromName: users.name,
      recipientZone: prospects.timeZone,
      suppressed: suppressedSql(emails.workspaceId, emails.to).mapWith(Boolean),
      // Campaign mail's CAN-SPAM footer: the workspace's own address (the server's POSTAL_ADDRESS stands in).
      postalAddress: sql<string | null>`(select w.settings->>'postalAddress' from ${workspaces} w where w.id = ${emails.workspaceId})`,
    })
    .from(emails)
    .leftJoin(mailboxes, eq(mailboxes.id, emails.mailboxId))
    .leftJoin(users, eq(users.id, emails.userId))
    .leftJoin(prospects, and(eq(prospects.id, emails.prospectId), eq(prospects.workspaceId, emails.workspaceId)))
    .where(eq(emails.id, sql.placeholder('emailId')))
    .prepare('send_load_email'),
);

async function load(db: Db, emailId: string) {
  const [row] = await emailToSend(db).execute({ emailId });
  return row;
}

/**
 * One googleapis client per mailbox while its sealed tokens and status stay the same (the
 * client refreshes its own access token); a refresh saved by another process, a reconnect
 * or a revoked grant changes the row and so builds a new client.
 */
function cachedClients(build: GmailFor, max = 500): GmailFor {
  const cache = new Map<string, { key: string; client: Promise<gmail_v1.Gmail> }>();
  return (mailbox) => {
    const key = `${mailbox.status}|${mailbox.accessTokenEnc}|${mailbox.refreshTokenEnc}`;
    const hit = cache.get(mailbox.id);
    if (hit?.key === key) return hit.client;
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    const client = Promise.resolve(build(mailbox));
    client.catch(() => cache.delete(mailbox.id));
    cache.set(mailbox.id, { key, client });
    return client;
  };
}

function backoff(s: SendSettings, attempt: number) {
  const base = Math.min(s.maxBackoffMs, s.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4)); // jitter: a storm's retries do not arrive together
}
