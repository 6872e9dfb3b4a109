// The send worker alone in its own process, on a database the parent test shares (Postgres via
// DATABASE_URL, or a PGlite data directory via PGLITE_DIR), on the inline queue or on BullMQ
// (QUEUE_DRIVER=bullmq, REDIS_URL, BULL_PREFIX): the crash tests SIGKILL it in the middle of a send.
// SEND_SETTINGS (JSON) overrides the worker's settings (the fault suite runs it with its own).
import pino from 'pino';
import { openDb } from '../../db/client';
import { loadConfig } from '../src/env';
import type { Deps } from '../src/context';
import { createInlineQueue } from '../src/jobs/inline';
import { createBullQueue } from '../src/jobs/bullmq';
import { registerSendWorker, type SendSettings } from '../src/modules/emails/send.worker';

const config = loadConfig(process.env);
const dbHandle = await openDb({ databaseUrl: config.databaseUrl, dataDir: process.env.PGLITE_DIR, max: 4 });
const queue =
  process.env.QUEUE_DRIVER === 'bullmq'
    ? createBullQueue(process.env.REDIS_URL!, { prefix: process.env.BULL_PREFIX, lockDurationMs: 1000, stalledIntervalMs: 500 })
    : createInlineQueue(dbHandle.db, { pollMs: 10, lockMs: 1500 });
const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, queue, logger: pino({ level: 'silent' }), pingDb: dbHandle.ping };
const settings: Partial<SendSettings> = process.env.SEND_SETTINGS ? JSON.parse(process.env.SEND_SETTINGS) : { requestTimeoutMs: 120_000, leaseMs: 1200, concurrency: 1 };
registerSendWorker(deps, settings);
process.stdout.write('ready\n');
