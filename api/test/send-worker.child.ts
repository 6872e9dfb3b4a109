// The send worker alone in its own process, on a database the parent test shares (Postgres via
// DATABASE_URL, or a PGlite data directory via PGLITE_DIR), on the inline queue or on BullMQ
// (QUEUE_DRIVER=bullmq, REDIS_URL, BULL_PREFIX): the crash test SIGKILLs it in the middle of a send.
import pino from 'pino';
import { openDb } from '../../db/client';
import { loadConfig } from '../src/env';
import type { Deps } from '../src/context';
import { createInlineQueue } from '../src/jobs/inline';
import { createBullQueue } from '../src/jobs/bullmq';
import { registerSendWorker } from '../src/modules/emails/send.worker';

const config = loadConfig(process.env);
const dbHandle = await openDb({ databaseUrl: config.databaseUrl, dataDir: process.env.PGLITE_DIR });
const queue =
  process.env.QUEUE_DRIVER === 'bullmq'
    ? createBullQueue(process.env.REDIS_URL!, { prefix: process.env.BULL_PREFIX, lockDurationMs: 1000, stalledIntervalMs: 500 })
    : createInlineQueue(dbHandle.db, { pollMs: 10, lockMs: 1500 });
const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, queue, logger: pino({ level: 'silent' }), pingDb: dbHandle.ping };
registerSendWorker(deps, { requestTimeoutMs: 120_000, leaseMs: 1200, concurrency: 1 });
process.stdout.write('ready\n');
