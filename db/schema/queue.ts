import { pgTable, text, timestamp, integer, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';

/** Storage of the inline queue driver (used when no REDIS_URL is set). */
export const queueJobs = pgTable(
  'queue_jobs',
  {
    queue: text('queue').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    data: jsonb('data').$type<unknown>().notNull(),
    state: text('state', { enum: ['waiting', 'active', 'completed', 'failed'] }).notNull().default('waiting'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(1),
    backoffMs: integer('backoff_ms').notNull().default(1000),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.queue, t.id] }), index('queue_jobs_claim_idx').on(t.queue, t.state, t.runAt)],
);
