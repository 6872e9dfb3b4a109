import { Hono } from 'hono';
import type { AppEnv } from '../../context';

export const healthRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'ok' as const }))
  .get('/ready', async (c) => {
    const { pingDb, queue } = c.get('deps');
    const checks = {
      database: await check(pingDb),
      queue: await check(() => queue.ping(), queue.driver),
    };
    const ok = Object.values(checks).every((x) => x.ok);
    return c.json({ status: ok ? ('ok' as const) : ('degraded' as const), checks }, ok ? 200 : 503);
  });

async function check(fn: () => Promise<void>, label?: string): Promise<{ ok: boolean; detail?: string }> {
  try {
    await withTimeout(fn(), 2000);
    return { ok: true, ...(label ? { detail: label } : {}) };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
