/**
 * Send pipeline: accept latency of POST /api/emails/send and draft PUT at 50 concurrent
 * clients over a real port (beside GET /health on the same server), then 10,000 emails
 * accept → SENT on the Gmail emulator with BullMQ, beside a BullMQ no-op job ceiling
 * measured in the same run. Needs Postgres (DATABASE_URL or TEST_DATABASE_URL: a scratch
 * database is created and dropped) and REDIS_URL; without them it says what it skipped.
 * Run: npx tsx bench/send.ts
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { openDb } from '../db/client';
import { emails, mailboxes } from '../db/schema';
import { loadConfig } from '../api/src/env';
import { createApp } from '../api/src/app';
import { serveOnFreePort } from '../api/src/http-server';
import type { Deps } from '../api/src/context';
import { createBullQueue } from '../api/src/jobs/bullmq';
import { createInlineQueue } from '../api/src/jobs/inline';
import { registerSendWorker } from '../api/src/jobs/send.worker';
import { sealTokens } from '../api/src/gmail/oauth';
import { startGmailEmulator } from '../api/src/gmail/emulator/server';
import { writeSection } from './results';

const CONNECTIONS = 50;
const LATENCY_REQUESTS = Number(process.env.BENCH_SEND_REQUESTS ?? 5_000);
const THROUGHPUT_EMAILS = Number(process.env.BENCH_SEND_EMAILS ?? 10_000);
const WORKER_CONCURRENCY = 16;
const MAILBOXES = Math.ceil(THROUGHPUT_EMAILS / 1000);

const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const scratch = pgUrl ? await createScratchDb(pgUrl) : undefined;
const emu = await startGmailEmulator();
const dataDir = mkdtempSync(join(tmpdir(), 'lumina-bench-send-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://lumina.test', GOOGLE_API_ROOT: emu.url, ...(scratch ? { SANDBOX_LOGIN: 'true', DATABASE_URL: scratch.url, ENCRYPTION_KEY: 'cd'.repeat(32), TRACKING_SECRET: 'bench-tracking-secret-0123456789abcdef' } : {}) });
const handle = await openDb({ databaseUrl: scratch?.url, dataDir: 'memory://', max: 20 });
const prefix = `lumina-bench-${process.pid}`;
const queue = redisUrl ? createBullQueue(redisUrl, { prefix }) : createInlineQueue(handle.db, { pollMs: 5 });
const deps: Deps = { config, db: handle.db, dbKind: handle.kind, queue, logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }), pingDb: handle.ping };
const app = createApp(deps);
const { server, url: base } = await serveOnFreePort({ app, deps });

// A rep with a Gmail mailbox on the emulator whose cap never binds here.
const session = (await (await fetch(`${base}/api/auth/sandbox-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@bench-send.test', name: 'Bench' }) })).json()) as { token: string; user: { id: string }; workspace: { id: string } };
const tokens = emu.control.issueTokens('bench.gmail@bench-send.test');
const [box] = await handle.db
  .insert(mailboxes)
  .values({ workspaceId: session.workspace.id, userId: session.user.id, provider: 'gmail', email: 'bench.gmail@bench-send.test', dailyCap: 1_000_000, ...sealTokens(config, tokens) })
  .returning();
const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
const sendBody = JSON.stringify({ to: 'prospect@bench.test', subject: 'Quick idea', bodyHtml: '<p>Hi, <a href="https://acme.test/x">see this</a></p>', mailboxId: box!.id, scheduledAt: new Date(Date.now() + 365 * 86400_000).toISOString() });

let n = 0;
const health = await load({ url: `${base}/health`, amount: LATENCY_REQUESTS });
const accept = await load({
  url: `${base}/api/emails/send`,
  method: 'POST',
  amount: LATENCY_REQUESTS,
  // scheduled a year out: this phase measures the accept path alone, no worker runs yet
  requests: [{ setupRequest: (req) => ({ ...req, headers: { ...auth, 'idempotency-key': `bench-accept-${++n}` }, body: sendBody }) }],
});
const draftPut = await load({
  url: `${base}/api/drafts/x`,
  method: 'PUT',
  amount: LATENCY_REQUESTS,
  requests: [{ setupRequest: (req) => ({ ...req, path: `/api/drafts/bench-${++n}`, headers: auth, body: JSON.stringify({ version: 1, to: ['p@bench.test'], subject: 'Draft', bodyHtml: '<p>typing…</p>' }) }) }],
});
// One rep's extension: its sync and its sends arrive one after another, not fifty at once.
const SOLO = Math.min(1_000, LATENCY_REQUESTS);
const soloAccept = await load({
  url: `${base}/api/emails/send`,
  method: 'POST',
  connections: 1,
  amount: SOLO,
  requests: [{ setupRequest: (req) => ({ ...req, headers: { ...auth, 'idempotency-key': `bench-solo-${++n}` }, body: sendBody }) }],
});
const soloPut = await load({
  url: `${base}/api/drafts/x`,
  method: 'PUT',
  connections: 1,
  amount: SOLO,
  requests: [{ setupRequest: (req) => ({ ...req, path: `/api/drafts/solo-${++n}`, headers: auth, body: JSON.stringify({ version: 1, to: ['p@bench.test'], subject: 'Draft', bodyHtml: '<p>typing…</p>' }) }) }],
});
await handle.db.update(emails).set({ status: 'CANCELLED' }).where(eq(emails.status, 'PENDING_SEND'));

let throughput = 'skipped: REDIS_URL is not set (the 10,000-email run is a BullMQ measurement)';
let ratioLine = '';
if (redisUrl) {
  const ceiling = await noopCeiling(redisUrl, THROUGHPUT_EMAILS);
  registerSendWorker(deps, { concurrency: WORKER_CONCURRENCY });
  // A team's worth of mailboxes at Gmail's own ceiling (2,000/day): caps are checked on every claim.
  const team = await Promise.all(Array.from({ length: MAILBOXES }, async (_, i) => {
    const email = `rep${i}.gmail@bench-send.test`;
    const [row] = await handle.db.insert(mailboxes).values({ workspaceId: session.workspace.id, userId: session.user.id, provider: 'gmail', email, dailyCap: 2000, ...sealTokens(config, emu.control.issueTokens(email)) }).returning();
    return row!;
  }));
  const nowBody = (i: number) => JSON.stringify({ to: `prospect${i}@bench.test`, subject: 'Quick idea', bodyHtml: '<p>Hi, <a href="https://acme.test/x">see this</a></p>', mailboxId: team[i % MAILBOXES]!.id });
  const started = performance.now();
  await load({
    url: `${base}/api/emails/send`,
    method: 'POST',
    amount: THROUGHPUT_EMAILS,
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...auth, 'idempotency-key': `bench-send-${++n}` }, body: nowBody(n) }) }],
  });
  const acceptedMs = performance.now() - started;
  for (;;) {
    const [row] = await handle.db.select({ open: sql<number>`count(*) filter (where status in ('PENDING_SEND','SENDING'))::int`, sent: sql<number>`count(*) filter (where status = 'SENT')::int`, failed: sql<number>`count(*) filter (where status = 'FAILED')::int` }).from(emails);
    if (Number(row!.open) === 0) {
      const ms = performance.now() - started;
      const rate = (THROUGHPUT_EMAILS / ms) * 1000;
      const delivered = team.reduce((sum, b) => sum + emu.control.sent(b.email).length, 0);
      throughput = `${THROUGHPUT_EMAILS.toLocaleString('en')} emails accepted over HTTP (50 clients) from ${MAILBOXES} mailboxes (cap 2,000/day each) while the send worker (BullMQ, concurrency ${WORKER_CONCURRENCY}) sent them: all settled in ${(ms / 1000).toFixed(1)} s (accepting took ${(acceptedMs / 1000).toFixed(1)} s) → **${rate.toFixed(0)} emails/s**; ${row!.sent} SENT, ${row!.failed} FAILED, ${delivered} messages in the emulator's sent folder (exactly once each: ${delivered === Number(row!.sent) ? 'yes' : 'NO'}).`;
      ratioLine = `| accept → SENT (10k, BullMQ) | ${rate.toFixed(0)} emails/s | BullMQ no-op job ceiling, same run: ${ceiling.toFixed(0)} jobs/s | ratio **${(rate / ceiling).toFixed(2)}** (goal ≥ 0.3) |`;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

server.close();
await queue.close();
await handle.close();
await emu.close();
await scratch?.drop();
rmSync(dataDir, { recursive: true, force: true });

const row = (name: string, r: autocannon.Result) => `| ${name} | ${r.latency.p50} | ${r.latency.p97_5 ?? '-'} | ${r.latency.p99} | ${Math.round(r.requests.average).toLocaleString('en')} | ${r.non2xx} |`;
const body = `
${handle.kind === 'postgres' ? 'Postgres' : 'PGlite (no DATABASE_URL/TEST_DATABASE_URL)'}, ${redisUrl ? 'BullMQ on Redis' : 'inline queue'}, Gmail emulator in the same process, autocannon with ${CONNECTIONS} connections over a real port, ${LATENCY_REQUESTS.toLocaleString('en')} requests each.

| endpoint | p50 ms | p97.5 ms | p99 ms | req/s | non-2xx |
|---|---|---|---|---|---|
${row('GET /health (baseline: same server, no database)', health)}
${row('POST /api/emails/send (accept: validate, suppression, transaction, enqueue)', accept)}
${row('PUT /api/drafts/:id', draftPut)}

Percentiles from our own per-request timings (autocannon buckets p95 into p97.5):
accept p95 **${accept.p95} ms** (goal < 50 ms), draft PUT p95 **${draftPut.p95} ms** (goal < 20 ms), health p95 ${health.p95} ms.

One client, ${SOLO.toLocaleString('en')} requests one after another (a single rep's extension): accept p50 ${soloAccept.latency.p50} ms / p95 **${soloAccept.p95} ms**,
draft PUT p50 ${soloPut.latency.p50} ms / p95 **${soloPut.p95} ms**. The load generator shares the server's process and the machine's
${cpus().length} cores with Postgres, Redis and the emulator, so the 50-client figures are mostly queueing: even \`GET /health\` waits there.

${throughput}

${ratioLine ? `| run | figure | baseline | ratio |\n|---|---|---|---|\n${ratioLine}` : ''}
`;
writeSection('send', body);
console.log(body);
process.exit(0);

/** autocannon run plus an exact p95 from per-response latencies. */
async function load(opts: autocannon.Options): Promise<autocannon.Result & { p95: number }> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.max(0, Math.ceil(latencies.length * 0.95) - 1)] ?? NaN;
  return Object.assign(result, { p95: Math.round(p95 * 10) / 10 });
}

/** BullMQ no-op ceiling: the same number of jobs enqueued 50 at a time and processed by empty handlers. */
async function noopCeiling(url: string, count: number) {
  const q = createBullQueue(url, { prefix: `${prefix}-noop` });
  let done = 0;
  const finished = new Promise<void>((resolve) => q.process('noop', async () => void (++done === count && resolve()), { concurrency: WORKER_CONCURRENCY }));
  const started = performance.now();
  for (let i = 0; i < count; i += CONNECTIONS) {
    await Promise.all(Array.from({ length: Math.min(CONNECTIONS, count - i) }, (_, j) => q.enqueue('noop', 'noop', { i: i + j }, { jobId: `noop-${i + j}` })));
  }
  await finished;
  const rate = (count / (performance.now() - started)) * 1000;
  await q.close();
  return rate;
}

async function createScratchDb(url: string) {
  const name = `lumina_bench_send_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name}`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
