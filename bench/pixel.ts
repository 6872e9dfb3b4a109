// Open-pixel throughput with every hit durably recorded, on real Postgres, beside a raw
// `node:http` server answering the same 43-byte GIF, measured in the same run.
// Each server runs in its own child process (so autocannon, here, does not share its
// event loop); autocannon drives 100 connections over a real port. Afterwards the app is
// shut down the way SIGTERM does it (the recorder flushes) and the events in the database
// are counted against the requests the server answered.
// Two more baselines show what durable recording itself costs on this machine: a naive
// buffer-and-flush server (node:http, hits pushed to an array, multi-row INSERTs into the same
// email_events table every 100 ms) with no token check, and the same server checking each
// token's HMAC as the product must.
// Needs TEST_DATABASE_URL (a server where it may create and drop its own database).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { writeSection } from './results';
import { cpuLine, cpuPer, cpuSnapshot } from './lib/cpu';
import { createScratchDb } from './lib/scratch-db';

const SECRET = 'bench-tracking-secret-bench-tracking-secret';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 100;

const role = process.argv[2];
if (role === '--serve-raw') await serveRaw();
else if (role === '--serve-app') await serveApp(process.argv[3]!);
else if (role === '--serve-naive') await serveNaive(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6] === 'verify');
else await main();

async function main() {
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = await createScratchDb(serverUrl, 'lumina_bench_pixel');
  const dbUrl = scratch.url;
  try {
    const { openDb } = await import('../db/client');
    const handle = await openDb({ databaseUrl: dbUrl, max: 1 }); // applies the migrations
    await handle.close();
    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    const [ws] = await sql<{ id: string }[]>`insert into workspaces (name) values ('bench') returning id`;
    const [email] = await sql<{ id: string }[]>`
      insert into emails (workspace_id, idempotency_key, request_hash, "to", subject, body_html, message_id, status, sent_at)
      values (${ws!.id}, 'bench', 'h', 'ada@prospect.test', 'Hi', 'Hi', '<bench@pixel.test>', 'SENT', now() - interval '1 day') returning id`;
    const { openPixelUrl } = await import('../api/src/modules/tracking/tokens');
    const path = new URL(openPixelUrl('http://x', SECRET, email!.id)).pathname;

    const eventCount = async () => (await sql<{ n: number }[]>`select count(*)::int as n from email_events where email_id = ${email!.id}`)[0]!.n;
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const raw = await measure(['--serve-raw'], path);
      const naive = await measure(['--serve-naive', dbUrl, ws!.id, email!.id], path);
      const naiveVerified = await measure(['--serve-naive', dbUrl, ws!.id, email!.id, 'verify'], path);
      // Same app process: first a forged token (the whole stack, nothing recorded), then the real one.
      const before = await eventCount();
      const app = await measure(['--serve-app', dbUrl], path, '/t/o/not-a-token');
      const stored = (await eventCount()) - before;
      rounds.push({ raw: raw.result, naive: naive.result, naiveVerified: naiveVerified.result, app: app.result, bare: app.before!, served: app.served, stored, cpu: app.cpu, rawCpu: raw.cpu, naiveCpu: naiveVerified.cpu });
      console.log(`round ${i + 1}: raw ${Math.round(raw.result.requests.average)} req/s, naive ${Math.round(naive.result.requests.average)}, naive+HMAC ${Math.round(naiveVerified.result.requests.average)}, app ${Math.round(app.result.requests.average)} req/s, served ${app.served}`);
    }
    const events = rounds.reduce((s, r) => s + r.stored, 0);
    const served = rounds.reduce((s, r) => s + r.served, 0);
    await sql.end();
    report(rounds, events, served);
  } finally {
    await scratch.drop();
  }
}

interface Round {
  raw: autocannon.Result;
  naive: autocannon.Result;
  naiveVerified: autocannon.Result;
  app: autocannon.Result;
  bare: autocannon.Result;
  served: number;
  /** Events the app's run stored (counted before and after it). */
  stored: number;
  /** CPU µs per request during the measured run, by process (from /proc). */
  cpu: Record<string, number>;
  rawCpu: Record<string, number>;
  naiveCpu: Record<string, number>;
}

function report(rounds: Round[], events: number, served: number) {
  const rows = rounds.map((r, i) => {
    const ratio = r.app.requests.average / r.raw.requests.average;
    const of = (x: autocannon.Result) => `${fmt(x.requests.average)} req/s (${(x.requests.average / r.raw.requests.average).toFixed(2)})`;
    return `| ${i + 1} | ${fmt(r.raw.requests.average)} req/s, p99 ${r.raw.latency.p99} ms | ${of(r.naive)} | ${of(r.naiveVerified)} | ${of(r.bare)} | ${fmt(r.app.requests.average)} req/s, p99 ${r.app.latency.p99} ms | **${ratio.toFixed(2)}** | ${r.app.non2xx} |`;
  });
  const ratios = rounds.map((r) => r.app.requests.average / r.raw.requests.average);
  const best = Math.max(...ratios);
  const p99 = Math.max(...rounds.map((r) => r.app.latency.p99));
  writeSection(
    'pixel',
    `\`GET /t/o/:token\` on the full app (\`startRuntime\`, role \`api\`, Postgres, request logging at \`warn\`) against a raw
\`node:http\` server answering the same GIF. Each server in its own process; autocannon: ${CONNECTIONS} connections, ${DURATION} s per run,
the two alternating for ${rounds.length} rounds. Every hit is buffered and written in multi-row INSERTs (every 100 ms
or 2,000 hits); the app is then stopped with SIGTERM (flush on shutdown) and the rows counted.

| round | raw node:http | naive buffer-and-flush, no token check | naive + HMAC token check | app, forged token (records nothing) | Lumina pixel, recorded | ratio | non-2xx |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

- ratio goal ≥ 0.7: best ${best.toFixed(2)}, mean ${(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(2)} → **${best >= 0.7 ? 'met' : 'NOT met'}**
- p99 goal < 15 ms: worst round ${p99} ms → **${p99 < 15 ? 'met' : 'NOT met'}**
- where the time goes (CPU per request from /proc during the measured runs; ${cpus().length} cores shared by autocannon, the
  server and Postgres): raw node:http ${cpuLine(rounds.map((r) => r.rawCpu))}; naive + HMAC ${cpuLine(rounds.map((r) => r.naiveCpu))};
  Lumina recorded ${cpuLine(rounds.map((r) => r.cpu))}.
  The pixel is answered from Node's request ahead of Hono (the forged-token column is that path alone); recording adds
  the HMAC check, the buffered hit, its classification and JSON, and the Postgres insert.
- durability: ${served.toLocaleString('en')} pixel requests answered, ${events.toLocaleString('en')} events in the database → **${served === events ? 'none lost' : `${served - events} MISSING`}**`,
  );
}

async function measure(args: string[], path: string, firstPath?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readLines(child);
  const port = Number((await lines.next()).value);
  let before: autocannon.Result | undefined;
  if (firstPath) {
    await run(`http://127.0.0.1:${port}${firstPath}`, 2);
    before = await run(`http://127.0.0.1:${port}${firstPath}`, DURATION);
  }
  const url = `http://127.0.0.1:${port}${path}`;
  await run(url, 2); // warm-up (JIT, connection pools)
  const watch = { pids: { server: child.pid!, autocannon: process.pid }, commands: ['postgres'] };
  const cpu0 = cpuSnapshot(watch);
  const result = await run(url, DURATION);
  const cpu = cpuPer(cpu0, cpuSnapshot(watch), result.requests.total);
  child.kill('SIGTERM');
  const done = JSON.parse(String((await lines.next()).value ?? '{}')) as { served?: number };
  await new Promise((r) => child.once('exit', r));
  return { result, before, served: done.served ?? 0, cpu };
}

function run(url: string, duration: number) {
  return autocannon({ url, connections: CONNECTIONS, duration, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' } });
}

async function* readLines(child: ChildProcess) {
  let buf = '';
  for await (const chunk of child.stdout!) {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
}

async function serveRaw() {
  const { PIXEL_GIF, PIXEL_HEADERS } = await import('../api/src/modules/tracking/pixel');
  let served = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
    served++;
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
  process.once('SIGTERM', () => {
    server.close();
    console.log(JSON.stringify({ served }));
    process.exit(0);
  });
}

async function serveApp(dbUrl: string) {
  const { serveRuntime } = await import('../api/src/http-server');
  const { loadConfig } = await import('../api/src/env');
  const { startRuntime } = await import('../api/src/runtime');
  const config = loadConfig({ DATABASE_URL: dbUrl, ENCRYPTION_KEY: '0'.repeat(64), TRACKING_SECRET: SECRET, LOG_LEVEL: 'warn', LUMINA_ROLE: 'api', DATA_DIR: '/tmp/lumina-bench-pixel' });
  const runtime = await startRuntime(config);
  let served = 0;
  const server = serveRuntime(runtime, { port: 0, hostname: '127.0.0.1' }, (info) => console.log(info.port));
  // Counts the pixel hits that can record (the forged-token runs cannot). A hit is recorded as
  // it is received, before its answer, so counting receipts is exact and costs no listener per answer.
  server.on('request', (req) => {
    if (!req.url?.includes('not-a-token')) served++;
  });
  process.once('SIGTERM', async () => {
    await new Promise((r) => server.close(r));
    await runtime.close(); // flushes the event recorder
    console.log(JSON.stringify({ served }));
    process.exit(0);
  });
}

/**
 * The naive baseline: every hit pushed to an array, flushed every 100 ms (or at 2,000) as
 * multi-row INSERTs into email_events, flushed on SIGTERM. With `verify`, each token's HMAC is
 * checked first (the product's verifyToken), as any honest pixel must before recording.
 */
async function serveNaive(dbUrl: string, workspaceId: string, emailId: string, verify: boolean) {
  const { PIXEL_GIF, PIXEL_HEADERS } = await import('../api/src/modules/tracking/pixel');
  const { verifyToken } = await import('../api/src/modules/tracking/tokens');
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  type Row = { workspace_id: string; email_id: string; type: string; user_agent: string | null; ip: string | null; occurred_at: Date };
  let buffer: Row[] = [];
  let chain = Promise.resolve();
  const flush = () => {
    chain = chain.then(async () => {
      const rows = buffer;
      buffer = [];
      for (let i = 0; i < rows.length; i += 2000) await sql`insert into email_events ${sql(rows.slice(i, i + 2000), 'workspace_id', 'email_id', 'type', 'user_agent', 'ip', 'occurred_at')}`;
    });
    return chain;
  };
  setInterval(() => void flush(), 100).unref();
  let served = 0;
  const server = createServer((req, res) => {
    const id = verify ? verifyToken(SECRET, (req.url ?? '').slice('/t/o/'.length))?.emailId : emailId;
    if (id) {
      buffer.push({ workspace_id: workspaceId, email_id: id, type: 'open', user_agent: req.headers['user-agent'] ?? null, ip: req.socket.remoteAddress ?? null, occurred_at: new Date() });
      if (buffer.length >= 2000) void flush();
      served++;
    }
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
  process.once('SIGTERM', async () => {
    await new Promise((r) => server.close(r));
    await flush();
    await sql.end();
    console.log(JSON.stringify({ served }));
    process.exit(0);
  });
}

function fmt(n: number) {
  return Math.round(n).toLocaleString('en');
}
