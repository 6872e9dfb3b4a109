import { Queue, Worker, UnrecoverableError, type Job, type MinimalJob } from 'bullmq';
import { Redis } from 'ioredis';
import {
  backoffDelay, PermanentJobError, RetryLaterError,
  type EnqueueOptions, type JobHandler, type ProcessOptions, type QueuePort,
} from './queue';

export interface BullQueueOptions {
  /** Prefix of every Redis key, so tests can run side by side on one Redis. */
  prefix?: string;
  onError?: (err: Error) => void;
  /** How long a worker's lock on a running job lasts before another worker may take it over. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died (stalled). */
  stalledIntervalMs?: number;
}

/** The production driver: BullMQ on Redis. Exactly-once lives in Postgres; job ids only save work. */
export function createBullQueue(redisUrl: string, { prefix = 'lumina', onError = () => {}, lockDurationMs, stalledIntervalMs }: BullQueueOptions = {}): QueuePort {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', onError);
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  // Each worker blocks on a connection of its own; BullMQ leaves closing a given one to us.
  const workerConnections: Redis[] = [];

  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      q.on('error', onError);
      queues.set(name, q);
    }
    return q;
  };

  return {
    driver: 'bullmq',

    async enqueue(queue, name, data, options: EnqueueOptions = {}) {
      const q = queueFor(queue);
      // BullMQ keeps finished jobs for a while (removeOnComplete/removeOnFail below), and a kept
      // job's id silently blocks a new one. The port replaces a finished job, as the inline
      // driver does — the sweeper and the inbox sync (one fixed id per mailbox) rely on it.
      if (options.jobId && !options.fresh) {
        const existing = await q.getJob(options.jobId);
        const state = existing ? await existing.getState() : undefined;
        if (state === 'completed' || state === 'failed') await existing!.remove().catch(() => {});
      }
      const job = await q.add(name, data, {
        jobId: options.jobId,
        delay: options.delayMs,
        attempts: options.attempts ?? 1,
        backoff: { type: 'lumina', delay: options.backoffMs ?? 1000 },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      });
      return { id: job.id ?? options.jobId ?? '' };
    },

    async enqueueMany(queue, jobs) {
      const q = queueFor(queue);
      for (const { options = {} } of jobs) {
        if (!options.jobId || options.fresh) continue;
        const existing = await q.getJob(options.jobId);
        const state = existing ? await existing.getState() : undefined;
        if (state === 'completed' || state === 'failed') await existing!.remove().catch(() => {});
      }
      for (let start = 0; start < jobs.length; start += 1000) {
        await q.addBulk(
          jobs.slice(start, start + 1000).map(({ name, data, options = {} }) => ({
            name,
            data,
            opts: {
              jobId: options.jobId,
              delay: options.delayMs,
              attempts: options.attempts ?? 1,
              backoff: { type: 'lumina', delay: options.backoffMs ?? 1000 },
              removeOnComplete: { count: 1000 },
              removeOnFail: { count: 5000 },
            },
          })),
        );
      }
    },

    process<T>(queue: string, handler: JobHandler<T>, { concurrency = 1 }: ProcessOptions = {}) {
      const workerConnection = connection.duplicate();
      workerConnections.push(workerConnection);
      const worker = new Worker(
        queue,
        async (job: Job) => {
          const attempt = job.attemptsMade + 1;
          const maxAttempts = job.opts.attempts ?? 1;
          try {
            await handler({ id: job.id!, name: job.name, data: job.data as T, attempt, maxAttempts });
          } catch (err) {
            if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
            throw err;
          }
        },
        {
          connection: workerConnection,
          prefix,
          concurrency,
          ...(lockDurationMs ? { lockDuration: lockDurationMs } : {}),
          ...(stalledIntervalMs ? { stalledInterval: stalledIntervalMs } : {}),
          settings: {
            // A RetryLaterError carries the provider's own delay (Retry-After); otherwise exponential.
            backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) =>
              err instanceof RetryLaterError ? err.delayMs : backoffDelay(job?.opts.backoff && typeof job.opts.backoff === 'object' ? job.opts.backoff.delay ?? 1000 : 1000, attemptsMade),
          },
        },
      );
      worker.on('error', onError);
      workers.push(worker);
    },

    async has(queue, jobId) {
      const job = await queueFor(queue).getJob(jobId);
      if (!job) return false;
      const state = await job.getState();
      return state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children';
    },

    async remove(queue, jobId) {
      const job = await queueFor(queue).getJob(jobId);
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
      try {
        await job.remove();
        return true;
      } catch {
        return false; // taken by a worker between the check and the removal
      }
    },

    async counts(queue) {
      const c = await queueFor(queue).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
    },

    async ping() {
      await connection.ping();
    },

    async close() {
      await Promise.all(workers.splice(0).map((w) => w.close()));
      for (const c of workerConnections.splice(0)) c.disconnect();
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      connection.disconnect();
    },
  };
}
