import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { inject } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDb, type DbHandle } from '../../../db/client';
import { emailEvents } from '../../../db/schema';
import { openTestDb, signIn, testDbKind } from '../harness';
import { freePort, startOwnRedis } from '../own-redis';
import { withDatabase } from '../pg-global-setup';
import { seedSentEmail } from '../tracking-fixtures';
import { until } from '../send-kit';
import { loadConfig } from '../../src/env';
import { createApp } from '../../src/app';
import type { Deps } from '../../src/context';
import { createInlineQueue } from '../../src/jobs/inline';
import { createBullQueue } from '../../src/jobs/bullmq';
import type { QueuePort } from '../../src/jobs/queue';
import { serveOnFreePort } from '../serve';
import { openPixelUrl } from '../../src/modules/tracking/tokens';
import { closeEventRecorder, EVENTS_QUEUE, recorderFor, registerEventWriter } from '../../src/modules/tracking/recorder';

/**
 * Pixel hits while what stores them is away. The pixel answers from memory, so every hit is
 * answered; the recorder holds what it cannot write (bounded: see `maxBuffered`) and writes
 * it once the database or Redis is back. After recovery: events recorded = hits answered,
 * or — Redis killed, the batches queued in it and not yet written die with it — a loss the
 * test measures, prints and bounds. EVENT_HITS sets the size (8,000 here, 100,000 in
 * `npm run soak`); the Redis case streams half as many.
 *
 * - Postgres unreachable for 10 s (real Postgres: a TCP proxy this test stops and restarts
 *   between the API and the server, so every connection drops and new ones are refused).
 * - Redis (BullMQ mode: the API hands batches to the events queue) SIGKILLed, down for 3 s,
 *   restarted empty.
 */
const HITS = Number(process.env.EVENT_HITS ?? 8000);
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
export const eventStats: Record<string, Record<string, number>> = {};
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  console.log(`[events-faults] ${JSON.stringify(eventStats)}`);
});

// Postgres only (PGlite has no server to lose); registered only there, so nothing is skipped.
if (testDbKind === 'postgres') describe('pixel hits while Postgres is unreachable', () => {
  it(`${HITS} hits through a 10 s Postgres outage: every answered hit is recorded once`, { timeout: 600_000 }, async () => {
    const proxy = await startPgProxy(new URL(process.env.TEST_DATABASE_URL!));
    cleanups.push(() => proxy.close());
    const db = await cloneDatabase(proxy.port);
    cleanups.push(() => db.drop());
    const rt = runtimeOn(db.handle, createInlineQueue(db.handle.db, { pollMs: 100 }));
    cleanups.push(() => rt.close());

    const stats = await streamThroughFault(rt, HITS, 14_000, {
      start: () => proxy.stop(),
      durationMs: 10_000,
      end: () => proxy.start(),
    });
    eventStats.postgres = stats;
    expect(stats.answered).toBe(HITS);
    expect(stats.dropped).toBe(0); // the default bound (200,000 held) was never reached
    expect(stats.recorded).toBe(stats.answered); // none lost, none written twice
  });
});

describe('pixel hits while Redis (BullMQ) is down', () => {
  it(`${Math.round(HITS / 2)} hits through Redis SIGKILLed for 3 s: the loss is at most the batches Redis held when it died`, { timeout: 600_000 }, async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const handle = await openTestDb();
    const queue = createBullQueue(redis.url, { prefix: `lumina-events-faults-${crypto.randomUUID()}` });
    const rt = runtimeOn(handle, queue);
    cleanups.push(() => rt.close());
    registerEventWriter(rt.deps);

    let queuedAtKill = 0;
    const stats = await streamThroughFault(rt, Math.round(HITS / 2), 8000, {
      start: async () => {
        // What Redis holds and the events worker has not written yet dies with it: the bound.
        const c = await queue.counts(EVENTS_QUEUE);
        queuedAtKill = c.waiting + c.active + c.delayed;
        redis.kill();
      },
      durationMs: 3000,
      end: () => redis.restart(),
    });
    const lost = stats.answered - stats.recorded;
    eventStats.redis = { ...stats, lost, queuedBatchesAtKill: queuedAtKill };
    expect(stats.answered).toBe(Math.round(HITS / 2));
    expect(stats.dropped).toBe(0);
    expect(lost).toBeGreaterThanOrEqual(0); // never written twice
    // Each queued batch is at most one flush's worth (~100 ms of hits, ≤ 5,000): the loss is
    // bounded by what was answered in the second before the kill.
    expect(lost).toBeLessThanOrEqual(stats.answeredInSecondBeforeFault);
    if (queuedAtKill === 0) expect(lost).toBe(0);
  });
});

interface Runtime {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

function runtimeOn(handle: DbHandle, queue: QueuePort): Runtime {
  const dataDir = mkdtempSync(join(tmpdir(), 'lumina-events-faults-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://lumina.test' });
  const deps: Deps = { config, db: handle.db, dbKind: handle.kind, queue, logger: pino({ level: 'silent' }), pingDb: handle.ping };
  return {
    deps,
    app: createApp(deps),
    async close() {
      await closeEventRecorder(deps).catch(() => {});
      await queue.close();
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Streams `total` pixel hits over real HTTP (paced to last at least `minMs`) to 20 emails;
 * when 15 % are answered the fault starts, lasting `durationMs`. Then waits until the
 * recorded count stops moving and returns the figures.
 */
async function streamThroughFault(rt: Runtime, total: number, minMs: number, fault: { start(): unknown; durationMs: number; end(): unknown }) {
  const owner = await signIn(rt.app, `owner-${crypto.randomUUID().slice(0, 8)}@events-faults.test`);
  const emails = await Promise.all(Array.from({ length: 20 }, () => seedSentEmail(rt.deps.db, owner.workspace.id)));
  const paths = emails.map((e) => new URL(openPixelUrl('http://x', rt.deps.config.trackingSecret, e.id)).pathname);
  const server = await serveOnFreePort(rt);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const hit = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, agent, headers: { 'user-agent': CHROME } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });

  const started = Date.now();
  const answeredAt: number[] = [];
  let next = 0;
  let faultAt = 0;
  let faultDone: Promise<void> = Promise.resolve();
  const startFault = () => {
    faultAt = Date.now();
    faultDone = (async () => {
      await fault.start();
      await new Promise((r) => setTimeout(r, fault.durationMs));
      await fault.end();
    })();
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const i = next++;
        const due = started + (i * minMs) / total;
        if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
        if ((await hit(paths[i % paths.length]!)) === 200) answeredAt.push(Date.now());
        if (!faultAt && answeredAt.length >= total * 0.15) startFault();
      }
    }),
  );
  const streamMs = Date.now() - started;
  await faultDone;
  agent.destroy();
  await server.close();

  const recorder = recorderFor(rt.deps);
  const recorded = async () => Number((await rt.deps.db.select({ n: count() }).from(emailEvents).where(eq(emailEvents.workspaceId, owner.workspace.id)))[0]!.n);
  // Settled: nothing buffered, nothing queued, and the count the same twice a second apart.
  let last = -1;
  const final = await until(async () => {
    await recorder.flush(true).catch(() => {});
    if (recorder.pending()) return undefined;
    if (rt.deps.queue.driver === 'bullmq') {
      const c = await rt.deps.queue.counts(EVENTS_QUEUE);
      if (c.waiting + c.active + c.delayed) return undefined;
    }
    const n = await recorded();
    const stable = n === last;
    last = n;
    if (!stable) await new Promise((r) => setTimeout(r, 1000));
    return stable ? { n } : undefined;
  }, 300_000);
  return {
    answered: answeredAt.length,
    recorded: final.n,
    dropped: recorder.dropped(),
    answeredDuringFault: answeredAt.filter((t) => t >= faultAt && t < faultAt + fault.durationMs).length,
    answeredInSecondBeforeFault: answeredAt.filter((t) => t < faultAt && t >= faultAt - 1000).length,
    streamSeconds: Math.round(streamMs / 100) / 10,
    recoverySeconds: Math.round((Date.now() - started - streamMs) / 100) / 10,
  };
}

/** A TCP proxy in front of Postgres: stop() drops every connection and refuses new ones until start(). */
async function startPgProxy(target: URL) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise((r) => s.close(r));
  };
  await start();
  return { port, start, stop, close: stop };
}

/** A clone of the migrated template, opened through the proxy. */
async function cloneDatabase(proxyPort: number) {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `lumina_t_evfault_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('pgTemplate')}`);
  await admin.end();
  const proxied = new URL(withDatabase(url, name));
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxyPort);
  const handle = await openDb({ databaseUrl: proxied.toString(), max: 5 });
  return {
    handle,
    async drop() {
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
