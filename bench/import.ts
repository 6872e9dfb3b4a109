/**
 * Streaming prospect import (issue 14). Three figures, each beside a baseline in the same run:
 *  1. parse only: our line reader + record splitter + row checks beside csv-parse alone
 *     (its streaming parser over the same file, no checks);
 *  2. 100,000 rows imported through the import engine (file stream → 1,000-row upserts) on
 *     Postgres (goal < 10 s) and PGlite (goal < 30 s), first import and re-import (all updates);
 *  3. memory: the real API as a child process (`startRuntime`, Postgres, inline queue) takes a
 *     500,000-row upload over HTTP (202 → job); its peak RSS (VmHWM from /proc) — goal < 300 MB.
 * Postgres parts need DATABASE_URL or TEST_DATABASE_URL (a scratch database is created and
 * dropped). Run: npx tsx bench/import.ts  (BENCH_IMPORT_ROWS, BENCH_IMPORT_MEMORY_ROWS to resize)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { openDb, type DbHandle } from '../db/client';
import { users, workspaces } from '../db/schema';
import { loadConfig } from '../api/src/env';
import { importLines, parseProspectCsv } from '../api/src/modules/prospects/csv-import';
import { linesOfStream, RecordSplitter } from '../api/src/modules/prospects/csv-records';
import { writeSection } from './results';
import { createScratchDb } from './lib/scratch-db';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const MEMORY_ROWS = Number(process.env.BENCH_IMPORT_MEMORY_ROWS ?? 500_000);
const CAP_MB = 160;
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
    let memory: Awaited<ReturnType<typeof memoryRun>> | undefined;
    let capped: Awaited<ReturnType<typeof memoryRun>> | undefined;
    if (pgUrl) {
      const scratch = await createScratchDb(pgUrl, 'lumina_bench_import');
      try {
        pg = await importOn(await openDb({ databaseUrl: scratch.url, max: 4 }), file);
      } finally {
        await scratch.drop();
      }
      // 3. Memory of the real API under a 500,000-row upload.
      const scratch2 = await createScratchDb(pgUrl, 'lumina_bench_import_mem');
      try {
        const big = join(dir, 'big.csv');
        await writeCsv(big, MEMORY_ROWS);
        memory = await memoryRun(scratch2.url, big, dir, []);
      } finally {
        await scratch2.drop();
      }
      // The same with V8's old generation capped: how much of the peak was garbage not yet collected.
      const scratch3 = await createScratchDb(pgUrl, 'lumina_bench_import_cap');
      try {
        capped = await memoryRun(scratch3.url, join(dir, 'big.csv'), dir, [`--max-old-space-size=${CAP_MB}`]);
      } finally {
        await scratch3.drop();
      }
    }

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
    const verdict = (ms: number, goalS: number) => (ms < goalS * 1000 ? `met (< ${goalS} s)` : `**missed** (goal < ${goalS} s)`);
    const body = `
${ROWS.toLocaleString('en')}-row CSV, ${(size / 1024 / 1024).toFixed(1)} MB (8 columns: name, address, company, title, IANA zone, two custom fields; 1 row in 300 bad: an invalid address, a missing column, an unclosed quote). Times are wall clock, one run each, on 2 shared cores.

| step | time | rows/s | goal |
|---|---|---|---|
| baseline: csv-parse alone (its stream parser over the file, no checks) — ${baseline.value.toLocaleString('en')} records | ${s(baseline.ms)} | ${rate(ROWS, baseline.ms)} | |
| ours, parse only: file stream → lines → record splitter (csv-parse in blocks of 256) → row checks | ${s(ours.ms)} | ${rate(ROWS, ours.ms)} | |
| ours, parse only, from one string (parseProspectCsv; kept ${textOurs.value.toLocaleString('en')} rows) | ${s(textOurs.ms)} | ${rate(ROWS, textOurs.ms)} | |
${pg ? `| **Postgres**: import (file stream, 1,000-row upserts), first time — ${pg.first.imported.toLocaleString('en')} imported, ${pg.first.errorCount} errors | ${s(pg.firstMs)} | ${rate(ROWS, pg.firstMs)} | ${verdict(pg.firstMs, 10)} |
| Postgres: re-import, every row an update (${pg.again.updated.toLocaleString('en')}) | ${s(pg.againMs)} | ${rate(ROWS, pg.againMs)} | ${verdict(pg.againMs, 10)} |` : '| Postgres | skipped: set DATABASE_URL or TEST_DATABASE_URL | | |'}
| **PGlite**: import, first time — ${pglite.first.imported.toLocaleString('en')} imported | ${s(pglite.firstMs)} | ${rate(ROWS, pglite.firstMs)} | ${verdict(pglite.firstMs, 30)} |
| PGlite: re-import, every row an update | ${s(pglite.againMs)} | ${rate(ROWS, pglite.againMs)} | ${verdict(pglite.againMs, 30)} |

${memory ? `**Memory**: the API as a child process (Postgres, inline queue) took a ${MEMORY_ROWS.toLocaleString('en')}-row, ${(memory.bytes / 1024 / 1024).toFixed(0)} MB upload as \`text/csv\` over HTTP: 202 after ${s(memory.acceptMs)} (the upload spooled to disk and the header checked), job done after ${s(memory.doneMs)} in all (${memory.job.imported.toLocaleString('en')} imported, ${memory.job.errorCount.toLocaleString('en')} errors). RSS of the API process: ${memory.rssBeforeMb} MB idle before the upload, ${memory.peakUploadMb} MB peak once the upload was spooled, **peak ${memory.peakMb} MB** (VmHWM) — ${memory.peakMb < 300 ? 'under the 300 MB goal' : '**over the 300 MB goal**'}.` : 'Memory: skipped (needs Postgres).'}
${capped ? `\nThe same upload with \`node --max-old-space-size=${CAP_MB}\` (V8 collects sooner instead of growing the heap): job done after ${s(capped.doneMs)}, idle ${capped.rssBeforeMb} MB, **peak ${capped.peakMb} MB** — ${capped.peakMb < 300 ? 'under' : '**over**'} the 300 MB goal.` : ''}

Where the memory goes: the API process idles at 200–230 MB before any upload (the app's modules about 90 MB, tsx about 35 MB). Repeats across batches are found in the database (\`import_seen\`, keyed by the run), so the import holds only the batch being filled; what still raises the uncapped peak is V8 letting the import's short-lived garbage pile up before a full collection (the capped run shows the live set fits). To get under 300 MB without a flag: run the import in a worker thread with a small \`resourceLimits.maxOldGenerationSizeMb\`, or run compiled JS instead of tsx.
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
async function memoryRun(dbUrl: string, file: string, dir: string, nodeArgs: string[]) {
  const children: ChildProcess[] = [];
  try {
    const env = { ...SECRETS, DATABASE_URL: dbUrl, SANDBOX_LOGIN: 'true', PUBLIC_URL: 'http://lumina.test', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data'), LUMINA_ROLE: 'all', RECIPIENT_DNS_CHECK: 'false' }; // bench.test has no mail server; the recipient check has its own bench
    const c = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--lumina'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    children.push(c);
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
    return { bytes, acceptMs, doneMs, job, rssBeforeMb, rssWarmMb, hwmWarmMb, peakUploadMb, peakMb: Math.round(kb('VmHWM') / 1024) };
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
    const gc = (globalThis as { gc?: () => void }).gc;
    setInterval(() => {
      gc?.();
      const m = process.memoryUsage();
      console.error(`mem rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
    }, 1000).unref();
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
