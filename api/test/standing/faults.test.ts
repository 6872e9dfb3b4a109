import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { inArray } from 'drizzle-orm';
import { signIn, testDbKind } from '../harness';
import { emails, suppressions } from '../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../emulator/server';
import { sweepSends } from '../../src/modules/emails/sweeper';
import { connectMailbox, openSendRuntime, settle, type SendRuntime } from '../send-kit';
import { startOwnRedis } from '../own-redis';
import { workerProcess } from '../worker-process';
import { withDatabase } from '../pg-global-setup';

/**
 * Sends under faults: BullMQ on a Redis this test starts (and SIGKILLs and restarts — every
 * queued job is lost with it), the Gmail emulator answering 500s, 429s and "delivered, then
 * the answer failed", and — on real Postgres — every connection of the API terminated with
 * pg_terminate_backend mid-run, and a second send worker in a process of its own (same
 * database, same Redis) SIGKILLed twice and restarted while it holds jobs. (On PGlite the
 * database lives inside this one process, so there is no second process to kill.) 10 % of the sends replay their key. Then: every email SENT or
 * FAILED with a reason, each Message-ID delivered at most once, nothing sent to a suppressed
 * address. FAULT_SENDS sets the count (100 here, 1,000 in `npm run soak`).
 */
const SENDS = Number(process.env.FAULT_SENDS ?? 100);
export const faultStats: Record<string, number> = {};

let emu: GmailEmulator;
let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let rt: SendRuntime;
let worker: ReturnType<typeof workerProcess> | undefined;
const sendSettings = { backoffMs: 30, maxBackoffMs: 300, requestTimeoutMs: 2500, leaseMs: 3000, settleMs: 200, maxAttempts: 8, concurrency: 8 };
beforeAll(async () => {
  emu = await startGmailEmulator();
  redis = await startOwnRedis();
  process.env.REDIS_URL = redis.url; // send-kit's BullMQ driver reads it: this file's own Redis
  rt = await openSendRuntime('bullmq', emu, sendSettings);
  if (testDbKind === 'postgres') {
    const [{ db }] = [...((await rt.deps.db.execute('select current_database() as db' as never)) as unknown as Array<{ db: string }>)];
    worker = workerProcess({
      DATABASE_URL: withDatabase(process.env.TEST_DATABASE_URL!, db),
      ENCRYPTION_KEY: rt.config.encryptionKey.toString('hex'),
      TRACKING_SECRET: rt.config.trackingSecret,
      PUBLIC_URL: rt.config.publicUrl,
      GOOGLE_API_ROOT: emu.url,
      LOG_LEVEL: 'silent',
      QUEUE_DRIVER: 'bullmq',
      REDIS_URL: redis.url,
      BULL_PREFIX: rt.prefix,
      SEND_SETTINGS: JSON.stringify({ ...sendSettings, concurrency: 4 }),
    });
    await worker.start();
  }
});
afterAll(async () => {
  console.log(`[faults] ${JSON.stringify(faultStats)}`);
  await worker?.kill();
  await rt?.close().catch(() => {});
  await redis?.stop();
  await emu?.close();
});

describe('sends under faults', () => {
  it(`${SENDS} sends (10 % replays) through Redis killed, a worker process SIGKILLed (Postgres), Gmail 500/429/deliver-then-fail and terminated Postgres connections: each delivered at most once`, { timeout: 900_000 }, async () => {
    const started = Date.now();
    const rep = await signIn(rt.app, 'rep@faults.test');
    const box = await connectMailbox(rt, emu, rep, 'rep.gmail@faults.test', { dailyCap: 100_000 });
    await rt.deps.db.insert(suppressions).values({ workspaceId: rep.workspace.id, email: 'blocked@prospect.test', reason: 'manual' });
    emu.control.fault('messages.send', { kind: 'server_error' }, { times: Math.ceil(SENDS * 0.3) });
    emu.control.fault('messages.send', { kind: 'rate_limit', retryAfterSeconds: 0 }, { times: Math.ceil(SENDS * 0.1) });
    emu.control.fault('messages.send', { kind: 'server_error' }, { times: Math.ceil(SENDS * 0.05), afterCommit: true });

    const ids = new Set<string>();
    let restarting: Promise<void> = Promise.resolve();
    /** SIGKILL the other worker process while it holds jobs, and start it again in the background. */
    const killWorker = async () => {
      if (!worker) return;
      await restarting;
      await worker.kill();
      restarting = worker.start();
    };
    let replays = 0;
    let suppressedRefused = 0;
    const accept = async (i: number) => {
      const key = `fault-key-${i}`;
      const body = { to: i % 50 === 49 ? 'blocked@prospect.test' : `p${i}@prospect.test`, subject: `Faults ${i}`, bodyHtml: '<p>hello</p>', mailboxId: box.id };
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': key }, json: body });
          if (res.status === 422) return void suppressedRefused++;
          if (res.status === 202) return ids.add(((await res.json()) as { id: string }).id);
          if (attempt > 20) throw new Error(`accept ${i}: ${res.status} ${await res.text()}`);
        } catch (err) {
          if (attempt > 20) throw err;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    for (let i = 0; i < SENDS; i++) {
      await accept(i);
      if (i % 10 === 5) {
        await accept(i); // the same key again: the first answer, no second email
        replays++;
      }
      if (i === Math.floor(SENDS / 3)) {
        redis.kill();
        await new Promise((r) => setTimeout(r, 300));
        await redis.restart();
      }
      if (i === Math.floor(SENDS / 2) && testDbKind === 'postgres') await terminateConnections();
      if (i === Math.floor(SENDS / 4) || i === Math.floor((SENDS * 7) / 10)) await killWorker();
    }
    await restarting;
    // Redis came back empty: the sweeper re-enqueues pending rows whose job is gone.
    const list = [...ids];
    const sweep = setInterval(() => void sweepSends(rt.deps, { graceMs: 500 }).catch(() => {}), 1000);
    let rows;
    try {
      rows = await settle(rt, list, 600_000);
    } finally {
      clearInterval(sweep);
    }
    const sent = emu.control.sent('rep.gmail@faults.test');
    const perMessageId = new Map<string, number>();
    for (const m of sent) {
      const mid = /^Message-ID:\s*(\S+)/im.exec(m.raw)?.[1] ?? m.id;
      perMessageId.set(mid, (perMessageId.get(mid) ?? 0) + 1);
    }
    const failed = rows.filter((r) => r.status === 'FAILED');
    // A FAILED email that did reach Gmail would invite a retry that sends it twice: the send
    // worker searches once more after its last try, so there must be none.
    const failedDelivered = failed.filter((r) => perMessageId.has(r.messageId)).length;
    Object.assign(faultStats, {
      sends: SENDS, accepted: list.length, replays, suppressedRefused, sent: rows.filter((r) => r.status === 'SENT').length, failed: failed.length,
      delivered: sent.length, failedDelivered, workerKills: worker?.kills ?? 0, duplicates: [...perMessageId.values()].filter((n) => n > 1).length, seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(list.length + suppressedRefused).toBe(SENDS);
    expect(rows.every((r) => r.status === 'SENT' || (r.status === 'FAILED' && r.failureReason))).toBe(true);
    expect(faultStats.duplicates).toBe(0);
    expect(faultStats.failedDelivered).toBe(0); // the check after the last try finds what Gmail did take
    if (testDbKind === 'postgres') expect(faultStats.workerKills).toBe(2);
    expect(sent.some((m) => /blocked@prospect\.test/.test(m.raw))).toBe(false);
    const open = await rt.deps.db.select({ id: emails.id }).from(emails).where(inArray(emails.status, ['PENDING_SEND', 'SENDING']));
    expect(open).toEqual([]);
  });
});

/** Every connection of the API's pool, gone: postgres.js reconnects, work resumes. */
async function terminateConnections() {
  const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    const [{ db }] = await rt.deps.db.execute<{ db: string }>('select current_database() as db' as never).then((r) => [...(r as unknown as Array<{ db: string }>)]);
    const killed = await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid()`;
    faultStats.pgTerminated = killed.length;
  } finally {
    await admin.end();
  }
}
