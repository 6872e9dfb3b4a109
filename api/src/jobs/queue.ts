/**
 * The queue port: the one interface jobs go through. Two drivers implement it —
 * BullMQ on Redis (REDIS_URL) and the inline driver on Postgres/PGlite — and the same
 * contract tests run against both.
 */
export interface EnqueueOptions {
  /** Natural key of the job (e.g. the email id); a second enqueue with a live id is ignored. */
  jobId?: string;
  /** The id was minted for this job (a new UUID): no finished job can hold it, so none is looked for. */
  fresh?: boolean;
  delayMs?: number;
  /** Total tries, the first included. Default 1. */
  attempts?: number;
  /** Exponential backoff base: try n waits backoffMs * 2^(n-1). Default 1000. */
  backoffMs?: number;
}

export interface JobContext<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<T = unknown> = (job: JobContext<T>) => Promise<void>;

export interface ProcessOptions {
  concurrency?: number;
}

export interface QueuePort {
  readonly driver: 'bullmq' | 'inline';
  enqueue<T>(queue: string, name: string, data: T, options?: EnqueueOptions): Promise<{ id: string }>;
  /** Many enqueues in one write (a scheduler tick's sends): each as enqueue would. */
  enqueueMany<T>(queue: string, jobs: Array<{ name: string; data: T; options?: EnqueueOptions }>): Promise<void>;
  process<T>(queue: string, handler: JobHandler<T>, options?: ProcessOptions): void;
  /** Is a job with this id still waiting, delayed or running? (The sweeper uses it.) */
  has(queue: string, jobId: string): Promise<boolean>;
  /** Drop a waiting job; false when it is already running or gone. */
  remove(queue: string, jobId: string): Promise<boolean>;
  counts(queue: string): Promise<Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>>;
  ping(): Promise<void>;
  /** Stop taking work, let running jobs finish, release connections. */
  close(): Promise<void>;
}

/**
 * Thrown by a handler for a failure that retrying cannot fix (bad data, a revoked grant):
 * the job fails at once whatever attempts remain.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/**
 * Thrown by a handler to ask for a specific retry delay (a provider's Retry-After)
 * instead of the exponential backoff. Counts as an attempt.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(message: string, readonly delayMs: number) {
    super(message);
  }
}

export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
