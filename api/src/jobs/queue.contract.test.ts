import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/harness';
import { haveService } from '../../test/services';
import type { DbHandle } from '../../../db/client';
import { createInlineQueue } from './inline';
import { createBullQueue } from './bullmq';
import { PermanentJobError, RetryLaterError, type QueuePort } from './queue';

/**
 * One contract, two drivers. Each test opens its own queue name; "restart" opens a new
 * driver instance over the same storage (Postgres rows or Redis keys).
 */
interface DriverCase {
  name: string;
  enabled: boolean;
  open(): QueuePort;
}

let dbHandle: DbHandle;
const prefix = `lumina-contract-${process.pid}-${Date.now()}`;
const opened: QueuePort[] = [];
const hasRedis = haveService('redis', 'queue contract on BullMQ');

const drivers: DriverCase[] = [
  { name: 'inline', enabled: true, open: () => track(createInlineQueue(dbHandle.db, { pollMs: 10 })) },
  { name: 'bullmq', enabled: hasRedis, open: () => track(createBullQueue(process.env.REDIS_URL!, { prefix })) },
];

function track(q: QueuePort) {
  opened.push(q);
  return q;
}

beforeAll(async () => {
  dbHandle = await openTestDb();
});
afterAll(async () => {
  await Promise.all(opened.map((q) => q.close().catch(() => {})));
  await dbHandle?.close();
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const qname = () => `q${Math.random().toString(36).slice(2, 10)}`;

for (const driver of drivers) {
  describe.runIf(driver.enabled)(`queue port contract: ${driver.name}`, () => {
    it('runs a job with its data and id', async () => {
      const q = driver.open();
      const name = qname();
      const seen: unknown[] = [];
      q.process<{ n: number }>(name, async (job) => void seen.push({ id: job.id, data: job.data, attempt: job.attempt }));
      await q.enqueue(name, 'add', { n: 1 }, { jobId: 'job-1' });
      await until(() => seen.length === 1);
      expect(seen[0]).toEqual({ id: 'job-1', data: { n: 1 }, attempt: 1 });
    });

    it('enqueues many jobs in one call, each run once with its data, a live id not doubled', async () => {
      const q = driver.open();
      const name = qname();
      await q.enqueue(name, 'x', { v: 'live' }, { jobId: 'm-0', delayMs: 200 });
      await q.enqueueMany(name, Array.from({ length: 5 }, (_, i) => ({ name: 'x', data: { v: `many-${i}` }, options: { jobId: `m-${i}`, attempts: 2 } })));
      const seen: string[] = [];
      q.process<{ v: string }>(name, async (job) => void seen.push(`${job.id}=${job.data.v}`));
      await until(() => seen.length >= 5);
      await new Promise((r) => setTimeout(r, 400));
      expect(seen.sort()).toEqual(['m-0=live', 'm-1=many-1', 'm-2=many-2', 'm-3=many-3', 'm-4=many-4']);
    });

    it('ignores a second enqueue of a live job id', async () => {
      const q = driver.open();
      const name = qname();
      await q.enqueue(name, 'x', { v: 'first' }, { jobId: 'same', delayMs: 200 });
      await q.enqueue(name, 'x', { v: 'second' }, { jobId: 'same', delayMs: 200 });
      const seen: string[] = [];
      q.process<{ v: string }>(name, async (job) => void seen.push(job.data.v));
      await until(() => seen.length >= 1);
      await new Promise((r) => setTimeout(r, 400));
      expect(seen).toEqual(['first']);
    });

    it('accepts the id of a finished job again, whether it succeeded or failed', async () => {
      const q = driver.open();
      const name = qname();
      const seen: string[] = [];
      q.process<{ v: string; fail?: boolean }>(name, async (job) => {
        seen.push(job.data.v);
        if (job.data.fail) throw new PermanentJobError('no');
      });
      await q.enqueue(name, 'x', { v: 'first' }, { jobId: 'again' });
      await until(() => seen.length === 1);
      await until(async () => !(await q.has(name, 'again')));
      await q.enqueue(name, 'x', { v: 'second', fail: true }, { jobId: 'again' });
      await until(() => seen.length === 2);
      await until(async () => !(await q.has(name, 'again')));
      await q.enqueue(name, 'x', { v: 'third' }, { jobId: 'again' });
      await until(() => seen.length === 3);
      expect(seen).toEqual(['first', 'second', 'third']);
    });

    it('holds a delayed job until it is due', async () => {
      const q = driver.open();
      const name = qname();
      const start = Date.now();
      let ranAt = 0;
      q.process(name, async () => void (ranAt = Date.now()));
      await q.enqueue(name, 'later', {}, { delayMs: 600 });
      expect(await q.has(name, (await q.enqueue(name, 'probe', {}, { jobId: 'probe', delayMs: 60_000 })).id)).toBe(true);
      await until(() => ranAt > 0);
      expect(ranAt - start).toBeGreaterThanOrEqual(550);
    });

    it('retries with exponential backoff, then succeeds', async () => {
      const q = driver.open();
      const name = qname();
      const tries: Array<{ attempt: number; at: number }> = [];
      q.process(name, async (job) => {
        tries.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error('transient');
      });
      await q.enqueue(name, 'flaky', {}, { attempts: 4, backoffMs: 100 });
      await until(() => tries.length === 3);
      expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
      expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90); // 100 ms
      expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(180); // 200 ms
      await until(async () => (await q.counts(name)).completed === 1);
    });

    it('honours a retry delay asked for by the handler (Retry-After)', async () => {
      const q = driver.open();
      const name = qname();
      const at: number[] = [];
      q.process(name, async (job) => {
        at.push(Date.now());
        if (job.attempt === 1) throw new RetryLaterError('429', 500);
      });
      await q.enqueue(name, 'throttled', {}, { attempts: 3, backoffMs: 10 });
      await until(() => at.length === 2);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(450);
    });

    it('stops at once on a permanent failure, and after the last attempt otherwise', async () => {
      const q = driver.open();
      const name = qname();
      const calls: string[] = [];
      q.process<{ kind: string }>(name, async (job) => {
        calls.push(job.data.kind);
        if (job.data.kind === 'permanent') throw new PermanentJobError('bad data');
        throw new Error('always fails');
      });
      await q.enqueue(name, 'p', { kind: 'permanent' }, { attempts: 5, backoffMs: 10 });
      await q.enqueue(name, 't', { kind: 'transient' }, { attempts: 3, backoffMs: 10 });
      await until(async () => (await q.counts(name)).failed === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.filter((k) => k === 'permanent')).toHaveLength(1);
      expect(calls.filter((k) => k === 'transient')).toHaveLength(3);
    });

    it('removes a waiting job, but not a finished one', async () => {
      const q = driver.open();
      const name = qname();
      await q.enqueue(name, 'x', {}, { jobId: 'cancel-me', delayMs: 60_000 });
      expect(await q.remove(name, 'cancel-me')).toBe(true);
      expect(await q.has(name, 'cancel-me')).toBe(false);
      expect(await q.remove(name, 'cancel-me')).toBe(false);
    });

    it('runs up to `concurrency` jobs at once', async () => {
      const q = driver.open();
      const name = qname();
      let running = 0;
      let peak = 0;
      let done = 0;
      q.process(name, async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 150));
        running--;
        done++;
      }, { concurrency: 3 });
      for (let i = 0; i < 6; i++) await q.enqueue(name, 'work', { i });
      await until(() => done === 6);
      expect(peak).toBe(3);
    });

    it('closes gracefully: the running job finishes and is not run again', async () => {
      const before = driver.open();
      const name = qname();
      let started = 0;
      let finished = 0;
      before.process(name, async () => {
        started++;
        await new Promise((r) => setTimeout(r, 300));
        finished++;
      });
      await before.enqueue(name, 'long', {}, { jobId: 'long' });
      await until(() => started === 1);
      await before.close();
      expect(finished).toBe(1);
      const after = driver.open();
      expect(await after.has(name, 'long')).toBe(false);
      expect((await after.counts(name)).completed).toBe(1);
    });

    it('keeps queued jobs across a restart', async () => {
      const before = driver.open();
      const name = qname();
      await before.enqueue(name, 'survivor', { keep: true }, { jobId: 'survivor' });
      await before.close(); // the process goes away with the job still waiting
      const after = driver.open();
      const seen: unknown[] = [];
      after.process(name, async (job) => void seen.push(job.data));
      await until(() => seen.length === 1);
      expect(seen).toEqual([{ keep: true }]);
    });
  });
}

describe.runIf(hasRedis)('BullMQ driver', () => {
  it('closes every Redis connection it opened, its workers\' included', async () => {
    const port = Number(new URL(process.env.REDIS_URL!).port || 6379);
    // Sockets of this test process (vitest runs each file in a process of its own).
    const redisSockets = () => (process as unknown as { _getActiveHandles(): Array<{ remotePort?: number }> })._getActiveHandles().filter((h) => h.remotePort === port).length;
    const idle = redisSockets();
    const q = createBullQueue(process.env.REDIS_URL!, { prefix });
    const name = qname();
    let ran = 0;
    q.process(name, async () => void ran++);
    q.process(qname(), async () => {});
    await q.enqueue(name, 'one', {});
    await until(() => ran === 1);
    expect(redisSockets()).toBeGreaterThan(idle + 2);
    await q.close();
    await until(() => redisSockets() === idle);
  });
});
