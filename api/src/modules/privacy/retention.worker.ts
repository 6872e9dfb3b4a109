import { and, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Deps } from '../../context';
import type { Db } from '../../../../db/client';
import { emailEvents, workspaces } from '../../../../db/schema';
import { retentionDaysOf } from './settings';

export const RETENTION_QUEUE = 'retention';
const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** How often a process asks for today's run (the job id is the day, so it runs once a day). */
  checkMs: number;
  /** Events cleared per statement: keeps each transaction (and its locks) short on a big table. */
  batch: number;
  /** The clock, injectable for tests. */
  now: () => Date;
}
export const defaultRetentionSettings: RetentionSettings = { checkMs: 60 * 60_000, batch: 5_000, now: () => new Date() };

/**
 * Clears the raw user agent and IP of opens and clicks older than each workspace's
 * `rawEventRetentionDays`. The events themselves stay (type, time, machine flag, link), so
 * every count and rollup is unchanged; only what could identify a reader's device goes.
 */
export async function purgeRawEventData(db: Db, now: Date, batch = defaultRetentionSettings.batch): Promise<{ workspaces: number; cleared: number }> {
  const rows = await db.select({ id: workspaces.id, settings: workspaces.settings }).from(workspaces).where(sql`${workspaces.settings}->'rawEventRetentionDays' is not null`);
  let cleared = 0;
  let touched = 0;
  for (const ws of rows) {
    const days = retentionDaysOf(ws.settings);
    if (days === null) continue;
    touched++;
    const before = new Date(now.getTime() - days * DAY_MS);
    const stale = and(
      eq(emailEvents.workspaceId, ws.id),
      inArray(emailEvents.type, ['open', 'click']),
      lt(emailEvents.occurredAt, before),
      or(isNotNull(emailEvents.userAgent), isNotNull(emailEvents.ip)),
    );
    for (;;) {
      const done = await db
        .update(emailEvents)
        .set({ userAgent: null, ip: null })
        .where(inArray(emailEvents.id, db.select({ id: emailEvents.id }).from(emailEvents).where(stale).limit(batch)))
        .returning({ id: emailEvents.id });
      cleared += done.length;
      if (done.length < batch) break;
    }
  }
  return { workspaces: touched, cleared };
}

/** The daily job: a timer asks for the day's run; the day in the job id makes it run once across processes. */
export function registerRetentionWorker(deps: Deps, settings: Partial<RetentionSettings> = {}): (() => Promise<void>) & { check(): void } {
  const s = { ...defaultRetentionSettings, ...settings };
  deps.queue.process(RETENTION_QUEUE, async () => {
    const result = await purgeRawEventData(deps.db, s.now(), s.batch);
    if (result.cleared) deps.logger.info(result, 'retention: cleared raw user agents and IPs');
  });
  let asked = '';
  const ask = () => {
    const day = s.now().toISOString().slice(0, 10);
    if (day === asked) return; // once a day per process; the day's job id merges the processes' asks
    asked = day;
    return deps.queue
      .enqueue(RETENTION_QUEUE, 'purge', {}, { jobId: `retention-${day}` })
      .catch((err) => {
        asked = '';
        deps.logger.warn({ err }, 'could not queue the retention run');
      });
  };
  void ask();
  const timer = setInterval(ask, s.checkMs);
  timer.unref();
  return Object.assign(async () => clearInterval(timer), { check: () => void ask() });
}
