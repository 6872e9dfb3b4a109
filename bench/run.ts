// `npm run bench`: runs every benchmark script in bench/ one after another (never in
// parallel: they measure throughput on the same cores). Each script measures its target
// beside a baseline in the same run and rewrites its own section of bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'results.ts'].includes(f) && !f.endsWith('.test.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const file of scripts) {
  console.log(`\n=== bench/${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${file} exited ${r.status}`);
  }
}
console.log(`\n${scripts.length - failed}/${scripts.length} benchmarks ran; figures in bench/RESULTS.md`);
process.exit(failed ? 1 : 0);
