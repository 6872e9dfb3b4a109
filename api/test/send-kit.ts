import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import { eq, inArray } from 'drizzle-orm';
import { openTestDb } from './harness';
import { loadConfig } from '../src/env';
import { createApp } from '../src/app';
import type { Deps } from '../src/context';
import { createInlineQueue } from '../src/jobs/inline';
import { createBullQueue } from '../src/jobs/bullmq';
import type { QueuePort } from '../src/jobs/queue';
import { mailboxes, emails, queueJobs } from '../../db/schema';
import type { GmailEmulator } from '../emulator/server';
import { sealTokens } from '../src/gmail/oauth';
import { registerSendWorker, SEND_QUEUE, type SendSettings } from '../src/modules/emails/send.worker';

/**
 * Test kit for the send pipeline: a real app and database, a queue on either driver whose
 * storage the test can wipe (Redis keys under its own prefix, or the inline table), and the
 * Gmail emulator behind googleapis.
 */
export const fastSend: Partial<SendSettings> = { backoffMs: 40, maxBackoffMs: 400, requestTimeoutMs: 2500, leaseMs: 4000, settleMs: 300, maxAttempts: 4, concurrency: 4, minGapMs: 0, gapJitterMs: 0 };

export async function openSendRuntime(driver: 'inline' | 'bullmq', emu: GmailEmulator, settings: Partial<SendSettings> = fastSend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lumina-send-'));
  // The harness's defaults for suites written before the postal address and recipient checks (harness.ts says why).
  const config = loadConfig({
    DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://lumina.test', GOOGLE_API_ROOT: emu.url, JOIN_BY_DOMAIN: 'true',
    POSTAL_ADDRESS: 'Lumina Test Co., 1 Harness Street, Testville 00000', RECIPIENT_DNS_CHECK: 'false',
  });
  const dbHandle = await openTestDb();
  const prefix = `lumina-send-test-${crypto.randomUUID()}`;
  const queue: QueuePort = driver === 'bullmq' ? createBullQueue(process.env.REDIS_URL!, { prefix }) : createInlineQueue(dbHandle.db, { pollMs: 10, lockMs: 1500 });
  const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, queue, logger: pino({ level: 'silent' }), pingDb: dbHandle.ping };
  registerSendWorker(deps, settings);
  const app = createApp(deps);

  /** Loses every queued job, as a flushed Redis (or a truncated job table) would. */
  async function wipeQueue() {
    if (driver === 'inline') return void (await dbHandle.db.delete(queueJobs).where(eq(queueJobs.queue, SEND_QUEUE)));
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  return {
    deps,
    app,
    config,
    dbHandle,
    /** The BullMQ key prefix: a worker in another process joins the same queues with it. */
    prefix,
    wipeQueue,
    async close() {
      await queue.close();
      await dbHandle.close();
      if (driver === 'bullmq') await wipeQueue().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type SendRuntime = Awaited<ReturnType<typeof openSendRuntime>>;

/** A Gmail mailbox connected as the OAuth callback leaves it: emulator tokens, sealed. */
export async function connectMailbox(rt: Pick<SendRuntime, 'deps' | 'config'>, emu: GmailEmulator, owner: { user: { id: string }; workspace: { id: string } }, email: string, extra: Partial<typeof mailboxes.$inferInsert> = {}) {
  const tokens = emu.control.issueTokens(email);
  const [row] = await rt.deps.db
    .insert(mailboxes)
    .values({ workspaceId: owner.workspace.id, userId: owner.user.id, provider: 'gmail', email, scopes: tokens.scope.split(' '), ...sealTokens(rt.config, tokens), ...extra })
    .returning();
  return row!;
}

/** Waits (with a deadline) until every email is SENT, FAILED or CANCELLED, and returns the rows. */
export async function settle(rt: Pick<SendRuntime, 'deps'>, ids: string[], ms = 20_000) {
  return until(async () => {
    const rows = await rt.deps.db.select().from(emails).where(inArray(emails.id, ids));
    return rows.length === ids.length && rows.every((r) => ['SENT', 'FAILED', 'CANCELLED'].includes(r.status)) ? rows : undefined;
  }, ms);
}

/**
 * Polls `probe` until it answers. A probe that throws (a fault test has just cut the database
 * under it) is asked again; its last error is the one reported if the deadline passes.
 */
export async function until<T>(probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      failure = err;
    }
    if (Date.now() > end) throw failure ?? new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 25));
  }
}
