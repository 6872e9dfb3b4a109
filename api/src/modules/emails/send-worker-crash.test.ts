import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDb, type DbHandle } from '../../../../db/client';
import { testDbKind, signIn } from '../../../test/harness';
import { withDatabase } from '../../../test/pg-global-setup';
import { loadConfig } from '../../env';
import { createApp } from '../../app';
import type { Deps } from '../../context';
import { emails } from '../../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { createInlineQueue } from '../../jobs/inline';
import { createBullQueue } from '../../jobs/bullmq';
import { haveService } from '../../../test/services';
import { registerSendWorker } from './send.worker';
import { connectMailbox, settle, until } from '../../../test/send-kit';

/**
 * A worker process is SIGKILLed while Gmail holds the message but has not answered (the
 * emulator stores it, then hangs). Another worker takes the email over after its lease,
 * finds our Message-ID in the mailbox and marks it SENT: delivered exactly once. On BullMQ
 * the dead worker's job is found stalled once its lock lapses; on the inline queue, once
 * its row lock does.
 */
const drivers = [
  { name: 'inline' as const, enabled: true },
  { name: 'bullmq' as const, enabled: haveService('redis', 'worker crash on BullMQ') },
];
let emu: GmailEmulator;
let dir: string;
let database: { url?: string; pgliteDir?: string; drop(): Promise<void> };

beforeAll(async () => {
  emu = await startGmailEmulator();
  dir = mkdtempSync(join(tmpdir(), 'lumina-crash-'));
  database = await sharedDatabase(dir);
});
afterAll(async () => {
  await emu?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(drivers.filter((d) => d.enabled))('a worker killed mid-send on the $name queue', ({ name: driver }) => {
  it('never sends twice: the next worker finds the message and marks it SENT', { timeout: 180_000 }, async () => {
    emu.control.clearFaults();
    const prefix = `lumina-crash-${crypto.randomUUID()}`;
    const secrets = { ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'crash-test-tracking-secret-0123456789' };
    const env = { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', SANDBOX_LOGIN: 'true', PUBLIC_URL: 'http://lumina.test', GOOGLE_API_ROOT: emu.url, ...secrets, ...(database.url ? { DATABASE_URL: database.url } : {}) };

    // 1. Accept the send with no worker running.
    let rt = await open(env, false, driver, prefix);
    const rep = await signIn(rt.app, `kim-${driver}@crash.test`);
    const box = await connectMailbox(rt, emu, rep, `kim.${driver}@crash.test`);
    const res = await rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `crash-key-${driver}` }, json: { to: 'bob@prospect.test', subject: 'Hi', bodyHtml: '<p>Hi</p>', mailboxId: box.id } });
    const { id } = (await res.json()) as { id: string };
    await rt.close(); // PGlite lives in one process: hand the data directory to the child

    // 2. A child worker sends; Gmail stores the message and never answers; the child is killed.
    emu.control.fault('messages.send', { kind: 'hang' }, { afterCommit: true });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../test/send-worker.child.ts', import.meta.url))], {
      env: { ...process.env, ...env, QUEUE_DRIVER: driver, BULL_PREFIX: prefix, ...(database.pgliteDir ? { PGLITE_DIR: database.pgliteDir } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await until(async () => emu.control.sent(box.email).length === 1, 120_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // 3. A new worker takes over after the lease.
    const callsBefore = { send: emu.control.calls('messages.send'), list: emu.control.calls('messages.list') };
    rt = await open(env, true, driver, prefix);
    try {
      const [row] = await settle(rt, [id], 30_000);
      expect(row!.status).toBe('SENT');
      expect(row!.attempts).toBeGreaterThanOrEqual(2); // the killed try, then at least one search
      expect(emu.control.calls('messages.send')).toBe(callsBefore.send); // never sent again
      expect(emu.control.calls('messages.list')).toBeGreaterThan(callsBefore.list);
      const sent = emu.control.sent(box.email);
      expect(sent).toHaveLength(1);
      expect(row!.providerMessageId).toBe(sent[0]!.id);
      expect((await rt.deps.db.select().from(emails).where(eq(emails.id, id)))[0]!.messageId).toBe(sent[0]!.messageId);
    } finally {
      await rt.close();
    }
  });
});

async function open(env: Record<string, string>, withWorker: boolean, driver: 'inline' | 'bullmq', prefix: string) {
  const config = loadConfig(env);
  const dbHandle: DbHandle = await openDb({ databaseUrl: database.url, dataDir: database.pgliteDir, max: 3 });
  const queue =
    driver === 'bullmq'
      ? createBullQueue(process.env.REDIS_URL!, { prefix, lockDurationMs: 1000, stalledIntervalMs: 500 })
      : createInlineQueue(dbHandle.db, { pollMs: 10, lockMs: 1500 });
  const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, queue, logger: pino({ level: 'silent' }), pingDb: dbHandle.ping };
  if (withWorker) registerSendWorker(deps, { leaseMs: 1200, requestTimeoutMs: 15_000, backoffMs: 50, settleMs: 500 });
  return {
    deps,
    config,
    app: createApp(deps),
    async close() {
      await queue.close();
      await dbHandle.close();
    },
  };
}

/** One database two processes can open in turn: a PGlite directory, or a clone of the Postgres template. */
async function sharedDatabase(root: string) {
  if (testDbKind === 'pglite') return { pgliteDir: join(root, 'pglite'), drop: async () => {} };
  const url = process.env.TEST_DATABASE_URL!;
  const name = `lumina_t_crash_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('pgTemplate')}`);
  await admin.end();
  return {
    url: withDatabase(url, name),
    async drop() {
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
