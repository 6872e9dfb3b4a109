/**
 * Streaming prospect import (issue 14). Three figures, each beside a baseline in the same run:
 *  1. parse only: our line reader + record splitter + row checks beside csv-parse alone
 *     (its streaming parser over the same file, no checks);
 *  2. 100,000 rows imported through the import engine (file stream → 1,000-row upserts) on
 *     Postgres (goal < 10 s) and PGlite (goal < 30 s), first import and re-import (all updates);
 *  3. memory: the real API as a child process (`startRuntime`, Postgres, inline queue) takes a
 *     500,000-row upload over HTTP (202 → job); its peak RSS (VmHWM from /proc) — goal < 300 MB —
 *     three ways in the same run: Node's default heap (the baseline), the heap flag `npm start`
 *     uses (read from package.json), and that with IMPORT_THREAD=true.
 *     BENCH_IMPORT_PARTS=memory runs one memory run alone and prints it (BENCH_NODE_ARGS for the
 *     child's node flags; the child's heap is traced to stderr) without touching RESULTS.md.
 * Postgres parts need DATABASE_URL or TEST_DATABASE_URL (a scratch database is created and
 * dropped). Run: npx tsx bench/import.ts  (BENCH_IMPORT_ROWS, BENCH_IMPORT_MEMORY_ROWS to resize)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { openDb, type DbHandle } from '../db/client';
import { users, workspaces } from '../db/schema';
import { loadConfig } from '../api/src/env';
import { importLines, parseProspectCsv } from '../api/src/modules/prospects/csv-import';
import { linesOfStream, RecordSplitter } from '../api/src/modules/prospects/csv-records';
import { createImportJob, importInThread } from '../api/src/modules/prospects/import-jobs';
import { writeSection } from './results';
import { createScratchDb } from './lib/scratch-db';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const MEMORY_ROWS = Number(process.env.BENCH_IMPORT_MEMORY_ROWS ?? 500_000);
/** The heap flag `npm start` runs the API with (package.json), so the bench runs it the same way. */
const START_HEAP_FLAG = /--max-old-space-size=\d+/.exec((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start)?.[0];
const SECRETS = { ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'bench-import-secret-0123456789abcdef' };

if (process.argv[2] === '--lumina') await serveLumina();
else if (process.env.BENCH_IMPORT_PARTS === 'memory') await memoryOnly();
else await main();

/** The memory run alone, printed, not recorded (for looking into the API's memory). */
async function memoryOnly() {
  const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!pgUrl) throw new Error('needs DATABASE_URL or TEST_DATABASE_URL');
  const dir = mkdtempSync(join(tmpdir(), 'lumina-bench-import-'));
  const scratch = await createScratchDb(pgUrl, 'lumina_bench_import_mem');
  try {
    const big = join(dir, 'big.csv');
    await writeCsv(big, MEMORY_ROWS);
    const args = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    console.log(await memoryRun(scratch.url, big, dir, args));
  } finally {
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lumina-bench-import-'));
  const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const load = loadavg()[0]!;
  try {
    const file = join(dir, 'rows.csv');
    await writeCsv(file, ROWS);
    const size = statSync(file).size;

    // 1. Parsing alone.
    const baseline = await timed(() => csvParseAlone(file));
    const ours = await timed(() => oursParseOnly(file));
    const textOurs = await timed(async () => parseProspectCsv(readFileSync(file, 'utf8')).rows.length);

    // 2. The import engine on each database.
    const pglite = await importOn(await openDb({ dataDir: 'memory://' }), file);
    let pg: Awaited<ReturnType<typeof importOn>> | undefined;
    let pgThread: Awaited<ReturnType<typeof threadImportOn>> | undefined;
    type MemoryRun = Awaited<ReturnType<typeof memoryRun>>;
    let memory: { plain: MemoryRun; started: MemoryRun; thread: MemoryRun } | undefined;
    if (pgUrl) {
      const scratch = await createScratchDb(pgUrl, 'lumina_bench_import');
      try {
        pg = await importOn(await openDb({ databaseUrl: scratch.url, max: 4 }), file);
        pgThread = await threadImportOn(scratch.url, file);
      } finally {
        await scratch.drop();
      }
      // 3. Memory of the real API under a 500,000-row upload, three ways, each on a scratch database of its own.
      const big = join(dir, 'big.csv');
      await writeCsv(big, MEMORY_ROWS);
      const variant = async (name: string, nodeArgs: string[], env: Record<string, string> = {}) => {
        const scratch = await createScratchDb(pgUrl, `lumina_bench_import_${name}`);
        try {
          return await memoryRun(scratch.url, big, dir, nodeArgs, env);
        } finally {
          await scratch.drop();
        }
      };
      memory = {
        // Before: Node's default heap sizing, rows read in the API process.
        plain: await variant('plain', []),
        // As `npm start` runs it: the same, with its old-generation cap.
        started: await variant('start', START_HEAP_FLAG ? [START_HEAP_FLAG] : []),
        // IMPORT_THREAD=true: rows read in a worker thread (its own 48 MB heap), with the same cap.
        thread: await variant('thread', START_HEAP_FLAG ? [START_HEAP_FLAG] : [], { IMPORT_THREAD: 'true' }),
      };
    }

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
    const verdict = (ms: number, goalS: number) => (ms < goalS * 1000 ? `met (< ${goalS} s)` : `**missed** (goal < ${goalS} s)`);
    const body = `
Load average at the start: ${load.toFixed(1)} (2 cores shared with other work; times scale with it — the parse-only rows show how loaded the cores were).

${ROWS.toLocaleString('en')}-row CSV, ${(size / 1024 / 1024).toFixed(1)} MB (8 columns: name, address, company, title, IANA zone, two custom fields; 1 row in 300 bad: an invalid address, a missing column, an unclosed quote). Times are wall clock, one run each, on 2 shared cores.

| step | time | rows/s | goal |
|---|---|---|---|
| baseline: csv-parse alone (its stream parser over the file, no checks) — ${baseline.value.toLocaleString('en')} records | ${s(baseline.ms)} | ${rate(ROWS, baseline.ms)} | |
| ours, parse only: file stream → lines → record splitter (csv-parse in blocks of 256) → row checks | ${s(ours.ms)} | ${rate(ROWS, ours.ms)} | |
| ours, parse only, from one string (parseProspectCsv; kept ${textOurs.value.toLocaleString('en')} rows) | ${s(textOurs.ms)} | ${rate(ROWS, textOurs.ms)} | |
${pg ? `| **Postgres**: import (file stream, 1,000-row upserts), first time — ${pg.first.imported.toLocaleString('en')} imported, ${pg.first.errorCount} errors | ${s(pg.firstMs)} | ${rate(ROWS, pg.firstMs)} | ${verdict(pg.firstMs, 10)} |
| Postgres: re-import, every row an update (${pg.again.updated.toLocaleString('en')}) | ${s(pg.againMs)} | ${rate(ROWS, pg.againMs)} | ${verdict(pg.againMs, 10)} |${pgThread ? `
| Postgres, \`IMPORT_THREAD=true\`: the first import in the import thread (bundled on first use, 48 MB heap; job hooks writing progress) — ${pgThread.value.imported.toLocaleString('en')} imported | ${s(pgThread.ms)} | ${rate(ROWS, pgThread.ms)} | ${verdict(pgThread.ms, 10)} |` : ''}` : '| Postgres | skipped: set DATABASE_URL or TEST_DATABASE_URL | | |'}
| **PGlite**: import, first time — ${pglite.first.imported.toLocaleString('en')} imported | ${s(pglite.firstMs)} | ${rate(ROWS, pglite.firstMs)} | ${verdict(pglite.firstMs, 30)} |
| PGlite: re-import, every row an update | ${s(pglite.againMs)} | ${rate(ROWS, pglite.againMs)} | ${verdict(pglite.againMs, 30)} |

${memory ? memoryReport(memory, s) : 'Memory: skipped (needs Postgres).'}
`;
    writeSection('import', body);
    console.log(body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importOn(handle: DbHandle, file: string) {
  try {
    const [ws] = await handle.db.insert(workspaces).values({ name: 'bench-import' }).returning();
    const [user] = await handle.db.insert(users).values({ email: `bench-${crypto.randomUUID()}@bench.test` }).returning();
    const ctx = { workspaceId: ws!.id, importerId: user!.id };
    const run = () => importLines(handle.db, ctx, linesOfStream(createReadStream(file, { highWaterMark: 256 * 1024 })), { dedupe: 'update' });
    const first = await timed(run);
    const again = await timed(run);
    return { first: first.value, firstMs: first.ms, again: again.value, againMs: again.ms };
  } finally {
    await handle.close();
  }
}

/** The first import of the file into a new workspace, through the import thread as the API runs it with IMPORT_THREAD. */
async function threadImportOn(url: string, file: string) {
  const handle = await openDb({ databaseUrl: url, max: 2 });
  try {
    const [ws] = await handle.db.insert(workspaces).values({ name: 'bench-import-thread' }).returning();
    const [user] = await handle.db.insert(users).values({ email: `bench-${crypto.randomUUID()}@bench.test` }).returning();
    const jobId = await createImportJob(handle.db, ws!.id, user!.id, 'update');
    return await timed(() => importInThread({ databaseUrl: url, file, jobId, ctx: { workspaceId: ws!.id, importerId: user!.id }, options: { dedupe: 'update' }, recipients: null }));
  } finally {
    await handle.close();
  }
}

async function csvParseAlone(file: string): Promise<number> {
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ relax_column_count: true, skip_records_with_error: true }));
  for await (const _record of parser) n++;
  return n;
}

async function oursParseOnly(file: string): Promise<number> {
  const splitter = new RecordSplitter();
  let n = 0;
  for await (const line of linesOfStream(createReadStream(file, { highWaterMark: 256 * 1024 }))) n += splitter.push(line).length;
  return n + splitter.end().length;
}

/** Starts the API in a child, uploads the file as a stream, follows the job, and reads the child's peak RSS. */
async function memoryRun(dbUrl: string, file: string, dir: string, nodeArgs: string[], extraEnv: Record<string, string> = {}) {
  const children: ChildProcess[] = [];
  try {
    const env = { ...SECRETS, DATABASE_URL: dbUrl, SANDBOX_LOGIN: 'true', PUBLIC_URL: 'http://lumina.test', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data'), LUMINA_ROLE: 'all', RECIPIENT_DNS_CHECK: 'false', BENCH_MEMORY_TRACE: '1', ...extraEnv }; // bench.test has no mail server; the recipient check has its own bench
    const c = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--lumina'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    children.push(c);
    // The child's own account of its main heap, every 500 ms: the largest V8 heap it reached beside the RSS.
    const heap = { totalMb: 0, usedMb: 0, externalMb: 0 };
    let tracing = false;
    c.stderr!.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        const m = /^mem rss \d+ heapTotal (\d+) heapUsed (\d+) external (\d+)/.exec(line);
        if (!m) {
          if (line.trim()) process.stderr.write(`${line}\n`);
          continue;
        }
        if (process.env.BENCH_IMPORT_PARTS === 'memory') process.stderr.write(`${line}\n`); // looking into it by hand
        if (!tracing) continue;
        heap.totalMb = Math.max(heap.totalMb, Number(m[1]));
        heap.usedMb = Math.max(heap.usedMb, Number(m[2]));
        heap.externalMb = Math.max(heap.externalMb, Number(m[3]));
      }
    });
    const base = await new Promise<string>((resolve, reject) => {
      c.once('exit', (code) => reject(new Error(`API child exited ${code}`)));
      c.stdout!.once('data', (chunk) => resolve(String(chunk).trim().split('\n')[0]!));
    });
    const status = () => readFileSync(`/proc/${c.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? NaN);
    const session = (await (await fetch(`${base}/api/auth/sandbox-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@bench-import.test' }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${session.token}` };
    const rssBeforeMb = Math.round(kb('VmRSS') / 1024);
    // A small import first (answered at once): what the import route loads on first use is then in the idle figure.
    const warm = await fetch(`${base}/api/prospects/import`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'email,first name\nwarm@bench.test,Warm\n' });
    if (warm.status !== 200) throw new Error(`warm-up import answered ${warm.status}: ${await warm.text()}`);
    await new Promise((r) => setTimeout(r, 500));
    const rssWarmMb = Math.round(kb('VmRSS') / 1024);
    const hwmWarmMb = Math.round(kb('VmHWM') / 1024);
    const bytes = statSync(file).size;
    tracing = true;
    const started = performance.now();
    const res = await fetch(`${base}/api/prospects/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)) as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`);
    const acceptMs = performance.now() - started;
    const peakUploadMb = Math.round(kb('VmHWM') / 1024);
    const { statusUrl } = (await res.json()) as { statusUrl: string };
    let job: { status: string; imported: number; errorCount: number };
    do {
      await new Promise((r) => setTimeout(r, 250));
      job = (await (await fetch(`${base}${statusUrl}`, { headers: auth })).json()) as typeof job;
    } while (job.status === 'running');
    const doneMs = performance.now() - started;
    if (job.status !== 'done') throw new Error(`import job ${job.status}`);
    return { bytes, acceptMs, doneMs, job, rssBeforeMb, rssWarmMb, hwmWarmMb, peakUploadMb, peakMb: Math.round(kb('VmHWM') / 1024), heap };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
  }
}

/** The product's own start-up, minus the banner: prints its URL once it listens. */
async function serveLumina() {
  const { startRuntime } = await import('../api/src/runtime');
  const { serveRuntime } = await import('../api/src/http-server');
  const runtime = await startRuntime(loadConfig());
  if (process.env.BENCH_MEMORY_TRACE) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    setInterval(() => {
      const m = process.memoryUsage();
      console.error(`mem rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
    }, 500).unref();
  }
  const server = serveRuntime(runtime, { port: 0, hostname: '127.0.0.1' }, (info) => console.log(`http://127.0.0.1:${info.port}`));
  process.once('SIGTERM', async () => {
    server.close();
    await runtime.close();
    process.exit(0);
  });
}

async function writeCsv(file: string, n: number) {
  const out = createWriteStream(file);
  const zones = ['America/New_York', 'Europe/Paris', 'Asia/Tokyo', 'Australia/Sydney', ''];
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('First Name,Last Name,E-mail,Company,Title,Time zone,Industry,Deal Size\n');
  for (let i = 0; i < n; i++) {
    if (i % 300 === 7) await write(`A,B,bad-email-${i},C,D,,E,F\n`);
    else if (i % 300 === 107) await write(`A,B,short${i}@bench.test\n`);
    else if (i % 300 === 207) await write(`A,"Unclosed,quote${i}@bench.test,C,D,,E,F\n`);
    else await write(`First${i},Last${i},person${i}@bench.test,"Company ${i % 500}, Inc",Head of Sales,${zones[i % 5]},Industry ${i % 7},${i * 10}\n`);
  }
  out.end();
  await once(out, 'close');
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

type MemoryFigures = Awaited<ReturnType<typeof memoryRun>>;
function memoryReport(m: { plain: MemoryFigures; started: MemoryFigures; thread: MemoryFigures }, s: (ms: number) => string): string {
  const first = m.plain;
  const row = (what: string, r: MemoryFigures, goal: boolean) =>
    `| ${what} | ${r.rssBeforeMb} MB | ${r.rssWarmMb} MB | ${r.peakUploadMb} MB | ${r.heap.totalMb} / ${r.heap.usedMb} / ${r.heap.externalMb} MB | **${r.peakMb} MB** | ${s(r.doneMs)} | ${goal ? (r.peakMb < 300 ? 'met (< 300 MB)' : '**missed** (goal < 300 MB)') : ''} |`;
  return `**Memory**: the API as a child process (\`node --import tsx\`, as \`npm start\` runs it through tsx; Postgres, inline queue, every role) took a ${MEMORY_ROWS.toLocaleString('en')}-row, ${(first.bytes / 1024 / 1024).toFixed(0)} MB upload as \`text/csv\` over HTTP — 202 after ${s(first.acceptMs)} (the upload spooled to disk and the header checked) — while the bench asked for the job's progress every 250 ms, as a client does (${first.job.imported.toLocaleString('en')} imported, ${first.job.errorCount.toLocaleString('en')} errors each time). Three API processes in the same run, one after another, each on a fresh database: RSS from /proc (peak = VmHWM), the main V8 heap as the process reported it every 500 ms during the import.

| API process | idle | after a 1-row import | peak once spooled | main heap peak: total / used / external | **peak RSS** | job done after | goal |
|---|---:|---:|---:|---:|---:|---:|---|
${row("baseline: Node's default heap sizing, rows read in the API process (before)", m.plain, false)}
${row(`as \`npm start\` runs it: \`${START_HEAP_FLAG ?? 'no flag'}\`, rows read in the API process`, m.started, true)}
${row(`the same with \`IMPORT_THREAD=true\`: rows read in a worker thread (48 MB old / 4 MB young heap of its own)`, m.thread, false)}

Where the memory goes. Idle, the API is ${m.started.rssBeforeMb}–${m.plain.rssBeforeMb} MB: bare Node is about 40 MB, tsx's loader (with its hooks thread) about 40 MB more, the app's modules the rest (a 98 MB heap, 57 MB of it live). Spooling the upload adds ${m.started.peakUploadMb - m.started.rssWarmMb} MB: the body's chunks wait for a collection (the external peak column). Without a cap, V8 then lets the import's short-lived garbage — and the progress requests' — grow the heap to ${m.plain.heap.totalMb} MB before it collects, though the live set stays small (a 150,000-row import with a full collection forced every second held 66–68 MB of heap throughout); with \`npm start\`'s cap the heap stays near ${m.started.heap.totalMb} MB and the peak is ${m.plain.peakMb - m.started.peakMb} MB lower (the job took ${s(m.started.doneMs)} capped against ${s(m.plain.doneMs)} uncapped: V8 collects more often, which costs some CPU; job times on these shared cores vary by tens of seconds from run to run). The worker thread takes the rows' garbage out of the main heap, but its own isolate costs more than that (${m.thread.peakMb - m.started.peakMb} MB more at peak than the capped import in the API process: the thread's heap runs at about 33 MB, 24 MB of it live — the import engine, zod, drizzle, postgres.js — plus the thread's own native allocations), while the main heap still grows to the cap with the progress requests — hence \`IMPORT_THREAD\` is off by default. The same API bundled by esbuild and run on plain Node (no tsx) idled at 151 MB against 225 MB under tsx (measured apart, 2026-12-04): running compiled JS is the next step down.
`;
}
