/**
 * `npm run soak`: the standing suite's long profile — 20,000 fuzz requests, 1,000 sends under
 * faults (a worker process SIGKILLed, Redis killed, Gmail errors, Postgres connections
 * terminated), 100,000 pixel hits through a Postgres outage and a Redis kill, the embedded
 * server SIGKILLed mid-send (on real Postgres too when TEST_DATABASE_URL is set), plus the
 * tenancy matrix and the member lifecycle — and writes its figures into bench/RESULTS.md
 * (section "soak"). SOAK_FUZZ_REQUESTS / SOAK_FAULT_SENDS / SOAK_EVENT_HITS override the sizes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const fuzz = Number(process.env.SOAK_FUZZ_REQUESTS ?? 20_000);
const sends = Number(process.env.SOAK_FAULT_SENDS ?? 1_000);
const hits = Number(process.env.SOAK_EVENT_HITS ?? 100_000);
const projects = ['api-pglite', ...(process.env.TEST_DATABASE_URL ? ['api-postgres'] : [])];
const files = [
  'api/test/standing/fuzz.test.ts',
  'api/test/standing/faults.test.ts',
  'api/test/standing/events-faults.test.ts',
  'api/test/standing/embedded-crash.test.ts',
  'api/test/standing/tenancy-matrix.test.ts',
  'api/test/standing/member-lifecycle.test.ts',
];

const started = Date.now();
// One file at a time: the fault and event figures are about the faults, not about two
// long profiles fighting over the same cores.
const run = spawnSync('npx', ['vitest', 'run', '--no-file-parallelism', ...projects.flatMap((p) => ['--project', p]), ...files], {
  env: { ...process.env, FUZZ_REQUESTS: String(fuzz), FAULT_SENDS: String(sends), EVENT_HITS: String(hits) },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const output = `${run.stdout}\n${run.stderr}`;
process.stdout.write(output);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

const fuzzLines = [...output.matchAll(/\[fuzz\] (\d+) requests, statuses (\{[^}]*\})/g)].map((m) => ({ n: Number(m[1]), statuses: JSON.parse(m[2]!) as Record<string, number> }));
const faultLines = [...output.matchAll(/\[faults\] (\{[^}]*\})/g)].map((m) => JSON.parse(m[1]!) as Record<string, number>);
const eventLines = [...output.matchAll(/\[events-faults\] (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!) as Record<string, Record<string, number>>);
const crashLines = [...output.matchAll(/\[embedded-crash\] (\{[^}]*\})/g)].map((m) => JSON.parse(m[1]!) as Record<string, number>);
const fiveXx = fuzzLines.reduce((n, l) => n + Object.entries(l.statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, c]) => a + c, 0), 0);
const passed = run.status === 0;

const section = [
  '## soak',
  '',
  `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${process.arch}, Node ${process.version}, ${cpus().length} cores; projects ${projects.join(', ')}); ${minutes} min; suite ${passed ? 'passed' : 'FAILED'}._`,
  '',
  'Reproduce: `npm run soak` (sizes: `SOAK_FUZZ_REQUESTS`, `SOAK_FAULT_SENDS`, `SOAK_EVENT_HITS`; real Postgres with `TEST_DATABASE_URL`, BullMQ suites with `REDIS_URL`).',
  '',
  'Runs are listed as vitest finished them, api-pglite before api-postgres. The worker-process kill, `pg_terminate_backend` and the Postgres outage run on api-postgres only; the embedded crash runs on api-pglite only.',
  '',
  '| check | figure |',
  '|---|---|',
  ...fuzzLines.map((l, i) => `| fuzz run ${i + 1}: requests (statuses) | ${l.n} (${Object.entries(l.statuses).map(([s, c]) => `${s}: ${c}`).join(', ')}) |`),
  `| fuzz: 5xx answers | ${fiveXx} |`,
  ...faultLines.map((f, i) => `| faults run ${i + 1}: sends / accepted / replays / SENT / FAILED / delivered / duplicate Message-IDs / s | ${f.sends} / ${f.accepted} / ${f.replays} / ${f.sent} / ${f.failed} / ${f.delivered} / ${f.duplicates} / ${f.seconds}${f.failedDelivered ? `; ${f.failedDelivered} of the FAILED ("delivery is unknown") had reached Gmail` : ''}${f.workerKills ? `; worker process SIGKILLed ${f.workerKills}×` : ''}${f.pgTerminated !== undefined ? `; pg_terminate_backend: ${f.pgTerminated} connections` : ''} |`),
  ...eventLines.flatMap((e) =>
    Object.entries(e).map(([fault, x]) => `| pixel hits, ${fault === 'postgres' ? 'Postgres unreachable 10 s' : 'Redis SIGKILLed, down 3 s'}: answered / recorded / lost / dropped (buffer full) / answered during the outage / s to settle | ${x.answered} / ${x.recorded} / ${x.answered - x.recorded} / ${x.dropped} / ${x.answeredDuringFault} / ${x.recoverySeconds} |`),
  ),
  ...crashLines.map((c) => `| embedded server SIGKILLed: sends / delivered at the kill / SENT / delivered / duplicates; opens answered before the kill / recorded / lost (answered in its last 0.5 s) | ${c.sends} / ${c.deliveredAtKill} / ${c.sent} / ${c.delivered} / ${c.duplicates}; ${c.opensAnsweredBeforeKill} / ${c.opensRecordedBeforeKill} / ${c.opensLost} (${c.opensAnsweredInLastHalfSecond}) |`),
  '',
].join('\n');

const file = 'bench/RESULTS.md';
const current = readFileSync(file, 'utf8');
const next = /^## soak$/m.test(current) ? current.replace(/^## soak\n[\s\S]*?(?=^## |(?![\s\S]))/m, `${section}\n`) : `${current.trimEnd()}\n\n${section}`;
writeFileSync(file, next);
console.log(`\nsoak ${passed ? 'passed' : 'FAILED'} in ${minutes} min; figures in ${file}`);
process.exit(run.status ?? 1);
