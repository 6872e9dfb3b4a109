#!/usr/bin/env node
// `npm test`: typecheck, then every vitest project (unit, API on PGlite, API on Postgres,
// browser e2e). A project whose service is missing is skipped with a notice on a laptop;
// under CI=true a missing service fails the run instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const run = (cmd, args, env = {}) => {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const skipped = [];
const projects = ['unit', 'api-pglite'];
if (process.env.TEST_DATABASE_URL) projects.push('api-postgres');
else if (ci) {
  console.error('CI=true but TEST_DATABASE_URL is not set: the Postgres suite cannot be skipped.');
  process.exit(1);
} else skipped.push('api-postgres (set TEST_DATABASE_URL=postgres://… to run the API suite on real Postgres)');
if (!process.env.REDIS_URL) {
  if (ci) {
    console.error('CI=true but REDIS_URL is not set: the BullMQ suites cannot be skipped.');
    process.exit(1);
  }
  skipped.push('BullMQ driver suites (set REDIS_URL=redis://… to run them)');
}

const hasE2e = existsSync('e2e') && readdirSync('e2e').some((f) => f.endsWith('.test.ts'));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (hasE2e) {
  if (existsSync(chromium)) projects.push('e2e');
  else if (ci) {
    console.error(`CI=true but ${chromium} is missing: the browser suite cannot be skipped.`);
    process.exit(1);
  } else skipped.push(`browser e2e (install Debian's chromium at ${chromium})`);
}

run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
if (projects.includes('e2e')) run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p])]);

if (skipped.length) {
  console.log('\nSkipped here (these run under CI):');
  for (const s of skipped) console.log(`  - ${s}`);
}
