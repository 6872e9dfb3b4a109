import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { emails, sendJobs } from '../../../../db/schema';
import type { Deps } from '../../context';
import { enqueueSend, SEND_QUEUE } from './send.worker';

export interface SweepOptions {
  /** Rows younger than this are left alone: their accept may still be enqueueing them. */
  graceMs?: number;
  pageSize?: number;
}

/**
 * Postgres is the record of work; the queue is only a way to get to it. Every email still
 * PENDING_SEND or SENDING whose job the queue no longer holds (Redis flushed, a job that
 * failed on a dead worker, an enqueue lost after accept) is enqueued again. The worker's
 * guarded transitions and its Message-ID search make a spare job harmless.
 */
export async function sweepSends(deps: Deps, { graceMs = 30_000, pageSize = 500 }: SweepOptions = {}) {
  const { db, queue } = deps;
  const olderThan = new Date(Date.now() - graceMs);
  let requeued = 0;
  let after = '';
  for (;;) {
    const page = await db
      .select({ id: emails.id, dueAt: sendJobs.dueAt })
      .from(emails)
      .innerJoin(sendJobs, eq(sendJobs.emailId, emails.id))
      .where(and(inArray(emails.status, ['PENDING_SEND', 'SENDING']), lt(sendJobs.updatedAt, olderThan), gt(emails.id, after || '00000000-0000-0000-0000-000000000000')))
      .orderBy(asc(emails.id))
      .limit(pageSize);
    for (const row of page) {
      if (await queue.has(SEND_QUEUE, row.id)) continue;
      await enqueueSend(queue, row.id, row.dueAt);
      requeued++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  if (requeued) deps.logger.warn({ requeued }, 'sweeper re-enqueued sends whose job was gone');
  return { requeued };
}

/** Runs the sweep every intervalMs in a worker process; returns the stop function. */
export function startSweeper(deps: Deps, { intervalMs = 30_000, ...options }: SweepOptions & { intervalMs?: number } = {}) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return; // a slow sweep is never overlapped by the next
    running = sweepSends(deps, options)
      .catch((err) => deps.logger.error({ err }, 'sweep failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
