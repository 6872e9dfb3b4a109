import { and, eq, lte, sql, or, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { queueJobs } from '../../../db/schema';
import { rowsOf } from '../../../db/prepared';
import {
  backoffDelay, PermanentJobError, RetryLaterError,
  type EnqueueOptions, type JobHandler, type ProcessOptions, type QueuePort,
} from './queue';

export interface InlineQueueOptions {
  /** How often an idle worker looks for due jobs. */
  pollMs?: number;
  /** A claimed job whose worker died is taken again after this long. */
  lockMs?: number;
}

/**
 * Embedded mode after a crash: the PGlite database lives inside one process, so a job still
 * `active` when that process starts was held by a process that died. Its lock is let go at
 * once instead of lapsing on its own (lockMs, a minute by default).
 */
export async function releaseDeadProcessJobs(db: Db): Promise<number> {
  const rows = await db.update(queueJobs).set({ lockedUntil: sql`now()` }).where(eq(queueJobs.state, 'active')).returning({ id: queueJobs.id });
  return rows.length;
}

/**
 * Jobs persisted in Postgres (or PGlite) and run in this process. Claims use
 * FOR UPDATE SKIP LOCKED so several processes can share one Postgres; PGlite has a
 * single connection, so claims are also serialised in-process.
 */
export function createInlineQueue(db: Db, { pollMs = 50, lockMs = 60_000 }: InlineQueueOptions = {}): QueuePort {
  const workers: Array<{ stop(): Promise<void> }> = [];
  let claimChain: Promise<unknown> = Promise.resolve();
  const serialise = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = claimChain.then(fn, fn);
    claimChain = next.catch(() => undefined);
    return next;
  };

  async function claim(queue: string) {
    return serialise(async () => {
      const rows = await db.execute(sql`
        update ${queueJobs} set state = 'active', attempts = attempts + 1,
          locked_until = now() + (${lockMs} * interval '1 millisecond')
        where (queue, id) = (
          select queue, id from ${queueJobs}
          where queue = ${queue}
            and ((state = 'waiting' and run_at <= now()) or (state = 'active' and locked_until < now()))
          order by run_at limit 1 for update skip locked)
        returning id, name, data, attempts, max_attempts, backoff_ms`);
      return rowsOf<ClaimedRow>(rows)[0];
    });
  }

  return {
    driver: 'inline',

    async enqueue(queue, name, data, options: EnqueueOptions = {}) {
      const id = options.jobId ?? crypto.randomUUID();
      const runAt = new Date(Date.now() + (options.delayMs ?? 0));
      // A live job with the same id wins; a finished one is replaced, as BullMQ does after removal.
      await db
        .insert(queueJobs)
        .values({ queue, id, name, data: data as object, maxAttempts: options.attempts ?? 1, backoffMs: options.backoffMs ?? 1000, runAt })
        .onConflictDoUpdate({
          target: [queueJobs.queue, queueJobs.id],
          set: { name, data: data as object, state: 'waiting', attempts: 0, maxAttempts: options.attempts ?? 1, backoffMs: options.backoffMs ?? 1000, runAt, lastError: null, finishedAt: null, lockedUntil: null },
          setWhere: sql`${queueJobs.state} in ('completed', 'failed')`,
        });
      return { id };
    },

    async enqueueMany(queue, jobs) {
      // One JSON parameter per 1,000 jobs (binding each value separately costs more than the write).
      for (let start = 0; start < jobs.length; start += 1000) {
        const now = Date.now();
        const rows = jobs.slice(start, start + 1000).map(({ name, data, options = {} }) => ({
          id: options.jobId ?? crypto.randomUUID(), name, data,
          max_attempts: options.attempts ?? 1, backoff_ms: options.backoffMs ?? 1000, run_at: new Date(now + (options.delayMs ?? 0)).toISOString(),
        }));
        await db.execute(sql`
          insert into ${queueJobs} as j (queue, id, name, data, max_attempts, backoff_ms, run_at)
          select ${queue}, r.id, r.name, r.data, r.max_attempts, r.backoff_ms, r.run_at
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, name text, data jsonb, max_attempts int, backoff_ms int, run_at timestamptz)
          on conflict (queue, id) do update set name = excluded.name, data = excluded.data, state = 'waiting', attempts = 0,
            max_attempts = excluded.max_attempts, backoff_ms = excluded.backoff_ms, run_at = excluded.run_at, last_error = null, finished_at = null, locked_until = null
          where j.state in ('completed', 'failed')`);
      }
    },

    process<T>(queue: string, handler: JobHandler<T>, { concurrency = 1 }: ProcessOptions = {}) {
      let stopped = false;
      let wake: (() => void) | undefined;
      const running = new Set<Promise<void>>();
      const loops = Array.from({ length: concurrency }, async () => {
        while (!stopped) {
          const job = await claim(queue).catch(() => undefined);
          if (!job) {
            await new Promise<void>((r) => { const t = setTimeout(r, pollMs); wake = () => { clearTimeout(t); r(); }; });
            continue;
          }
          const run = runJob(job).finally(() => running.delete(run));
          running.add(run);
          await run;
        }
      });

      async function runJob(job: ClaimedRow) {
        const where = and(eq(queueJobs.queue, queue), eq(queueJobs.id, job.id));
        try {
          await handler({ id: job.id, name: job.name, data: job.data as T, attempt: job.attempts, maxAttempts: job.max_attempts });
          await db.update(queueJobs).set({ state: 'completed', finishedAt: new Date(), lockedUntil: null }).where(where);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const final = err instanceof PermanentJobError || job.attempts >= job.max_attempts;
          const delay = err instanceof RetryLaterError ? err.delayMs : backoffDelay(job.backoff_ms, job.attempts);
          await db
            .update(queueJobs)
            .set(final
              ? { state: 'failed', lastError: message, finishedAt: new Date(), lockedUntil: null }
              : { state: 'waiting', lastError: message, runAt: new Date(Date.now() + delay), lockedUntil: null })
            .where(where);
        }
      }

      workers.push({
        async stop() {
          stopped = true;
          wake?.();
          await Promise.all(loops);
          await Promise.all(running);
        },
      });
    },

    async has(queue, jobId) {
      const rows = await db
        .select({ id: queueJobs.id })
        .from(queueJobs)
        .where(and(eq(queueJobs.queue, queue), eq(queueJobs.id, jobId), or(eq(queueJobs.state, 'waiting'), eq(queueJobs.state, 'active'))));
      return rows.length > 0;
    },

    async remove(queue, jobId) {
      const rows = await serialise(() =>
        db
          .delete(queueJobs)
          .where(and(eq(queueJobs.queue, queue), eq(queueJobs.id, jobId), eq(queueJobs.state, 'waiting')))
          .returning({ id: queueJobs.id }),
      );
      return rows.length > 0;
    },

    async counts(queue) {
      const rows = await db.execute(sql`
        select state, (state = 'waiting' and run_at > now()) as delayed, count(*)::int as n
        from ${queueJobs} where queue = ${queue} group by 1, 2`);
      const counts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
      for (const r of rowsOf<{ state: string; delayed: boolean; n: number }>(rows)) {
        const key = r.delayed ? 'delayed' : (r.state as keyof typeof counts);
        counts[key] += Number(r.n);
      }
      return counts;
    },

    async ping() {
      await db.select({ n: sql`1` }).from(queueJobs).where(and(isNull(queueJobs.finishedAt), lte(queueJobs.runAt, sql`now()`))).limit(1);
    },

    async close() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
  };
}

interface ClaimedRow { id: string; name: string; data: unknown; attempts: number; max_attempts: number; backoff_ms: number }

