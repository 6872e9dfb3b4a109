// Server time of the whole Hono app (session, handler, rendering) through app.request, on a
// benchmark's own Postgres database: what the console and dashboard benches measure.
import pino from 'pino';
import type { DbHandle } from '../../db/client';
import { loadConfig } from '../../api/src/env';
import { createApp } from '../../api/src/app';
import { createInlineQueue } from '../../api/src/jobs/inline';
import { percentile } from '../results';

/** The app on `handle` (inline queue, silent logs), configured as production would be for `databaseUrl`; close the queue after. */
export function benchApp(handle: DbHandle, databaseUrl: string, dataDir: string) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, ENCRYPTION_KEY: '0'.repeat(64), TRACKING_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const queue = createInlineQueue(handle.db);
  return { app: createApp({ config, db: handle.db, dbKind: 'postgres', queue, logger: pino({ level: 'silent' }), pingDb: handle.ping }), queue };
}

type App = ReturnType<typeof benchApp>['app'];

/** One GET with these headers, body read, in ms; anything but 200 stops the bench. */
export const timedGet = (app: App, headers: Record<string, string>) => async (path: string) => {
  const start = performance.now();
  const res = await app.request(path, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return performance.now() - start;
};

/** p50 and p95 of `runs` timed calls, after `warmups` that warm caches and query plans. */
export async function percentiles(once: (path: string) => Promise<number>, path: string, { runs, warmups }: { runs: number; warmups: number }) {
  for (let i = 0; i < warmups; i++) await once(path);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(path));
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}
