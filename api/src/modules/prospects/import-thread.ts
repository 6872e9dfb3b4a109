/**
 * The entry of the import thread (run by `importInThread`, bundled by lib/bundled-thread.ts):
 * one large import on Postgres, read from the spooled upload, written on a connection of the
 * thread's own, through the same import engine and the same job hooks as in the API process.
 * It imports only what the import needs (the engine, postgres.js, drizzle, the schema) — not
 * the app. An error here is thrown out of the thread: the API process marks the job failed.
 */
import { createReadStream } from 'node:fs';
import { workerData } from 'node:worker_threads';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from '../../../../db/schema';
import type { Db } from '../../../../db/client';
import { preparingStatements } from '../../../../db/prepare-statements';
import { finishThread } from '../../lib/bundled-thread';
import { recipientCheckerFor } from '../deliverability/recipients';
import { startImport } from './csv-import';
import { linesOfStream } from './csv-records';
import { importJobHooks, type ImportThreadInput } from './import-jobs';

const input = workerData as ImportThreadInput;
// Two connections: one batch is written while the next one's erased-address check runs.
const client = preparingStatements(postgres(input.databaseUrl, { max: 2, onnotice: () => {} }));
try {
  const db = drizzle(client, { schema }) as unknown as Db;
  // 64 KB reads (not 256 KB): the chunk and the lines cut from it are what each step holds.
  const lines = linesOfStream(createReadStream(input.file, { highWaterMark: 64 * 1024 }));
  const started = await startImport(db, { ...input.ctx, recipients: input.recipients ? recipientCheckerFor(input.recipients) : undefined }, lines, input.options);
  await finishThread(await started.run(importJobHooks(db, input.jobId)));
} finally {
  await client.end({ timeout: 5 });
}
