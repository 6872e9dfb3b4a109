import { mailboxSchema, reportManualSendResponse, type ReportManualSendRequest, type ReportManualSendResponse } from '../../shared/contracts/mailboxes';
import { paginationSchema } from '../../shared/errors';
import type { RuntimeError, RuntimeResult } from '../../shared/messages';
import type { KeyValueStore } from '../state/kv';
import type { StoredSession } from '../state/session';
import { isRetryable, type ApiClient } from './api-client';

/**
 * The outbox of Gmail sends seen in light mode. A report is written to storage before it is
 * posted and removed only once the API has answered for good, so a report made offline, while
 * the API is down or answering 5xx, or cut short by the service worker dying, is posted again
 * later: on the next report, on the alarm, on start-up and when the network comes back. The
 * API counts a Gmail message once by its id, so posting it twice is harmless.
 */
export interface QueuedManualSend {
  /** The tab's Gmail account, when the content script knew it. */
  account?: string;
  /** With `sentAt` stamped when first seen: a retry an hour later still counts at the real time. */
  report: ReportManualSendRequest & { sentAt: string };
  attempts: number;
  /** Epoch ms before which the alarm leaves it alone (a new report or the network coming back do not wait). */
  nextAttemptAt: number;
  lastError?: string;
}

export const OUTBOX_PREFIX = 'manualSend:';
/** The API refuses a `sentAt` older than 30 days; a report that old is no use to the budget any more. */
const MAX_AGE_MS = 29 * 86_400_000;
/** A runaway page cannot fill the extension's storage: the oldest reports go first. */
const MAX_QUEUED = 500;

export interface OutboxOptions {
  store: KeyValueStore;
  api: ApiClient;
  session: StoredSession | undefined;
  now?: () => number;
  /** Wait after the n-th failed attempt, in ms. */
  backoffMs?: (attempts: number) => number;
  /** Ignore the backoff: a new report came in, or the network is back. */
  retryNow?: boolean;
}

/** Puts one Gmail send in the outbox (idempotent on its Gmail id); answers its entry. */
export async function queueManualSend(store: KeyValueStore, msg: { account?: string; report: ReportManualSendRequest }, now = Date.now()): Promise<QueuedManualSend> {
  const key = outboxKey(msg.report.gmailMessageId);
  const existing = await store.get<QueuedManualSend>(key);
  if (existing) return existing;
  const entry: QueuedManualSend = {
    ...(msg.account ? { account: msg.account } : {}),
    report: { ...msg.report, sentAt: msg.report.sentAt ?? new Date(now).toISOString() },
    attempts: 0,
    nextAttemptAt: now,
  };
  await store.set({ [key]: entry });
  await trimOutbox(store);
  return entry;
}

/**
 * Posts every report in the outbox that is due. One pass at a time within this worker. Answers
 * each report's result by Gmail id (a report left waiting answers its last error).
 */
export function flushManualSends(options: OutboxOptions): Promise<Map<string, RuntimeResult<ReportManualSendResponse>>> {
  const run = passes.then(() => flushPass(options));
  passes = run.catch(() => undefined);
  return run;
}

let passes: Promise<unknown> = Promise.resolve();

async function flushPass({ store, api, session, now = Date.now, backoffMs = defaultBackoff, retryNow = false }: OutboxOptions) {
  const results = new Map<string, RuntimeResult<ReportManualSendResponse>>();
  const queued = Object.entries(await store.getByPrefix<QueuedManualSend>(OUTBOX_PREFIX));
  const due = queued.filter(([, q]) => retryNow || q.nextAttemptAt <= now());
  if (!due.length) return results;
  // Signed out: they wait for the sign-in (the next report or alarm after it posts them).
  if (!session) {
    for (const [, q] of due) results.set(q.report.gmailMessageId, fail({ code: 'UNAUTHORIZED', message: 'Sign in to Lumina so sends from Gmail count against the budget; this one is kept until then.' }));
    return results;
  }
  const list = await api.request({ path: '/api/mailboxes?limit=100', schema: paginationSchema(mailboxSchema) });
  const mine = list.ok ? list.data.data.filter((m) => m.userId === session.user.id) : [];
  for (const [key, q] of due) {
    if (now() - Date.parse(q.report.sentAt) > MAX_AGE_MS) {
      await store.remove(key);
      continue;
    }
    let res: RuntimeResult<ReportManualSendResponse>;
    if (!list.ok) res = list;
    else {
      const account = q.account?.toLowerCase();
      const box = account ? mine.find((m) => m.email.toLowerCase() === account) : mine.length === 1 ? mine[0] : undefined;
      res = box
        ? await api.request({ method: 'POST', path: `/api/mailboxes/${encodeURIComponent(box.id)}/manual-sends`, body: q.report, schema: reportManualSendResponse })
        : fail({ code: 'NOT_FOUND', message: `No Lumina mailbox of yours for ${q.account ?? 'this Gmail account'}` });
    }
    results.set(q.report.gmailMessageId, res);
    if (res.ok || !keepsWaiting(res.error)) await store.remove(key);
    else {
      const attempts = q.attempts + 1;
      await store.set({ [key]: { ...q, attempts, nextAttemptAt: now() + backoffMs(attempts), lastError: res.error.message } satisfies QueuedManualSend });
    }
  }
  return results;
}

/** Worth trying again: the API was out of reach or failing, or the session ran out (sign in again). */
function keepsWaiting(error: RuntimeError): boolean {
  return isRetryable(error) || error.code === 'UNAUTHORIZED' || error.code === 'BAD_RESPONSE';
}

async function trimOutbox(store: KeyValueStore) {
  const all = Object.entries(await store.getByPrefix<QueuedManualSend>(OUTBOX_PREFIX));
  if (all.length <= MAX_QUEUED) return;
  const oldest = all.sort(([, a], [, b]) => Date.parse(a.report.sentAt) - Date.parse(b.report.sentAt)).slice(0, all.length - MAX_QUEUED);
  await store.remove(oldest.map(([k]) => k));
}

const outboxKey = (gmailMessageId: string) => `${OUTBOX_PREFIX}${gmailMessageId.toLowerCase()}`;

/** 30 s, 1 min, 2 min … up to 30 min: an API that is down for a while is not hammered. */
const defaultBackoff = (attempts: number) => Math.min(30 * 60_000, 30_000 * 2 ** (attempts - 1));

function fail(error: RuntimeError): RuntimeResult<never> {
  return { ok: false, error };
}
