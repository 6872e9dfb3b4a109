import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { expect, inject } from 'vitest';
import { count, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { openDb, schema, type Db, type DbHandle } from '../../db/client';
import { loadConfig, type Config } from '../src/env';
import { createApp } from '../src/app';
import type { Deps } from '../src/context';
import { createInlineQueue } from '../src/jobs/inline';
import { createBullQueue } from '../src/jobs/bullmq';
import type { QueuePort } from '../src/jobs/queue';
import { startWorkers } from '../src/workers';
import { withDatabase } from './pg-global-setup';
import { errorEnvelopeSchema } from '../../shared/errors';
import { startGmailEmulator, type GmailEmulator } from '../emulator/server';

/** Which database this test project runs on: set per vitest project (pglite | postgres). */
export const testDbKind = (process.env.LUMINA_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

/** A fresh, migrated database for one test file: in-memory PGlite or a clone of the Postgres template. */
export async function openTestDb(): Promise<DbHandle> {
  if (testDbKind === 'pglite') {
    const snapshot = inject('pgliteSnapshot');
    return openDb({ dataDir: 'memory://', pgliteSnapshot: snapshot ? new Blob([readFileSync(snapshot)]) : undefined });
  }
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('pgTemplate');
  if (!url || !template) throw new Error('the postgres test project needs TEST_DATABASE_URL');
  const name = `lumina_t_${template.replace('lumina_tpl_', '')}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await retry(() => admin.unsafe(`create database ${name} template ${template}`));
  } finally {
    await admin.end();
  }
  const handle = await openDb({ databaseUrl: withDatabase(url, name), max: 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}

export interface TestRuntimeOptions {
  env?: Record<string, string>;
  queue?: 'inline' | 'bullmq';
  /** Start the registered workers too (default false: tests drive workers themselves). */
  workers?: boolean;
}

export interface TestRuntime {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  config: Config;
  dbHandle: DbHandle;
  close(): Promise<void>;
}

/** Real app on a real database: what the server builds, with test-sized settings. */
export async function createTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lumina-test-'));
  // Suites written before domain joining became a setting sign colleagues in by domain; the
  // sign-in tests pass JOIN_BY_DOMAIN=false to run on the production default.
  // Likewise, suites written before campaigns needed a postal address launch without setting
  // one (a server default stands in), and before recipient checks import `.test` addresses that
  // no resolver knows; the compliance tests pass POSTAL_ADDRESS='' and RECIPIENT_DNS_CHECK=true.
  const config = loadConfig({
    DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://lumina.test', JOIN_BY_DOMAIN: 'true',
    POSTAL_ADDRESS: 'Lumina Test Co., 1 Harness Street, Testville 00000', RECIPIENT_DNS_CHECK: 'false', ...options.env,
  });
  const dbHandle = await openTestDb();
  const queue: QueuePort =
    options.queue === 'bullmq'
      ? createBullQueue(process.env.REDIS_URL!, { prefix: `lumina-test-${crypto.randomUUID()}` })
      : createInlineQueue(dbHandle.db, { pollMs: 10 });
  const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, databaseUrl: dbHandle.url, queue, logger: pino({ level: 'silent' }), pingDb: dbHandle.ping };
  const stopWorkers = options.workers ? startWorkers(deps, 'all') : async () => {};
  const app = createApp(deps);
  return {
    deps,
    app,
    config,
    dbHandle,
    async close() {
      await stopWorkers();
      await queue.close();
      await dbHandle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EmulatedRuntime extends TestRuntime {
  emu: GmailEmulator;
}

/**
 * Sandbox mode on a Gmail emulator of the test file's own: googleapis and the OAuth client go
 * to it. `google` adds OAuth client credentials (Google sign-in, full-mode mailboxes). The
 * emulator starts first and closes last.
 */
export async function createEmulatedRuntime({ google = false, ...options }: TestRuntimeOptions & { google?: boolean } = {}): Promise<EmulatedRuntime> {
  const emu = await startGmailEmulator();
  try {
    const rt = await createTestRuntime({ ...options, env: { GOOGLE_API_ROOT: emu.url, ...(google ? { GOOGLE_CLIENT_ID: 'cid', GOOGLE_CLIENT_SECRET: 'secret' } : {}), ...options.env } });
    return {
      ...rt,
      emu,
      async close() {
        await rt.close();
        await emu.close();
      },
    };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

/** A signed-in person of a test: the session and a fetch helper carrying its token. */
export type SignedIn = Awaited<ReturnType<typeof signIn>>;

/** Signs a user in through the public door and returns a fetch helper carrying the token. */
export async function signIn(app: TestRuntime['app'], email: string, name?: string) {
  const res = await app.request('/api/auth/sandbox-login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, ...(name ? { name } : {}) }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { token: string; user: { id: string }; workspace: { id: string; role: string } };
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${session.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return app.request(path, { ...init, headers, body });
  };
  return { ...session, call };
}

async function retry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

/** Rows per table, every table of the schema: "nothing changed" is these counts before and after. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const [row] = await db.select({ n: count() }).from(table);
    out[getTableName(table)] = Number(row!.n);
  }
  return out;
}

/** The answer is the error envelope (DESIGN §4) with this status and code; given a `path`, one of its details names that field. */
export async function expectError(res: Response, status: number, code: string, path?: string) {
  expect(res.status).toBe(status);
  const body = errorEnvelopeSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  if (path) expect((body.error.details as Array<{ path: string }>).map((d) => d.path)).toContain(path);
}
