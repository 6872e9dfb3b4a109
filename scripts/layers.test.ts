import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The direction of imports (docs/architecture.md). Every import in the tree is read and
 * checked against the layer rules below; a new import that breaks one fails here. The rules
 * bind code that ships; tests may reach across layers, since they assemble the whole system
 * (the draft-sync test runs the extension's engine against a real API, for one).
 */
const root = normalize(join(new URL('.', import.meta.url).pathname, '..'));

type Rule = { name: string; from: (file: string) => boolean; to: (target: string) => boolean };

const isTestFile = (f: string) => /\.test\.tsx?$/.test(f) || /\.test-helpers\.tsx?$/.test(f);
const under = (dir: string) => (f: string) => f === dir || f.startsWith(`${dir}/`);
/** Code that ships: the API, its console, the database layer, the extension and shared code. */
const isProduction = (f: string) =>
  ['api/', 'db/', 'shared/', 'extension/'].some((d) => f.startsWith(d)) &&
  !isTestFile(f) &&
  !under('api/test')(f) &&
  !under('api/emulator')(f) &&
  !under('db/migrations')(f);
const isEmulator = (t: string) => under('api/emulator')(t) || under('api/src/gmail/emulator')(t);

export const rules: Rule[] = [
  { name: 'db/ imports neither api/ nor extension/', from: under('db'), to: (t) => under('api')(t) || under('extension')(t) },
  { name: 'extension/ imports neither api/ nor db/', from: under('extension'), to: (t) => under('api')(t) || under('db')(t) },
  { name: 'shared/ imports nothing from an app', from: under('shared'), to: (t) => ['api', 'extension', 'db', 'bench', 'e2e'].some((d) => under(d)(t)) },
  { name: 'the Gmail adapter (api/src/gmail/) imports no domain module', from: under('api/src/gmail'), to: under('api/src/modules') },
  { name: 'the queue port (api/src/jobs/) imports no domain module', from: under('api/src/jobs'), to: under('api/src/modules') },
  { name: 'production code imports nothing from api/test/', from: () => true, to: under('api/test') },
  { name: 'production code imports no emulator', from: () => true, to: isEmulator },
];

/**
 * The allowed exceptions, each with its reason: `file -> target`.
 */
export const allowed: Record<string, string> = {
  'api/src/modules/sandbox/mail-server.ts -> api/emulator/server.ts':
    'embedded mode has no Google: the sandbox mailbox IS the emulator, started on its own port in this one place',
};

export type Violation = { rule: string; file: string; target: string; line: number };

/** Every relative import of a file, resolved to a repository path (extension guessed). */
export function importsOf(file: string, text: string, exists: (p: string) => boolean = fileExists) {
  const found: Array<{ target: string; line: number }> = [];
  const code = stripComments(text);
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bvi\.mock\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of code.matchAll(re)) {
    const line = code.slice(0, m.index).split('\n').length;
    found.push({ target: resolveTarget(file, m[1], exists), line });
  }
  return found;
}

export function violations(files: Array<{ path: string; text: string }>, exists: (p: string) => boolean = fileExists): Violation[] {
  const out: Violation[] = [];
  for (const { path, text } of files) {
    for (const { target, line } of importsOf(path, text, exists)) {
      for (const rule of rules) {
        if (isProduction(path) && rule.from(path) && rule.to(target) && !allowed[`${path} -> ${target}`]) out.push({ rule: rule.name, file: path, target, line });
      }
    }
  }
  return out;
}

function resolveTarget(file: string, spec: string, exists: (p: string) => boolean) {
  const base = normalize(join(dirname(file), spec)).replace(/\\/g, '/');
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => exists(c)) ?? base;
}

function fileExists(p: string) {
  try {
    return readFileSync(join(root, p)) !== undefined;
  } catch {
    return false;
  }
}

function stripComments(text: string) {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(tsx?|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const tree = () =>
  ['api', 'db', 'shared', 'extension', 'bench', 'e2e', 'scripts'].flatMap(sourceFiles).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));

describe('the direction of imports', () => {
  it('holds across the whole tree', () => {
    const found = violations(tree());
    expect(found.map((v) => `${v.file}:${v.line} -> ${v.target} (${v.rule})`)).toEqual([]);
  });

  it('lists only exceptions that are still used', () => {
    const used = new Set(
      tree().flatMap(({ path, text }) => importsOf(path, text).map(({ target }) => `${path} -> ${target}`)),
    );
    expect(Object.keys(allowed).filter((k) => !used.has(k))).toEqual([]);
  });

  it('fails on each kind of forbidden import', () => {
    const exists = () => true;
    const cases: Array<[string, string]> = [
      ['db/client.ts', "import { x } from '../api/src/app';"],
      ['extension/ui/glow-panel.tsx', "import { x } from '../../db/schema';"],
      ['extension/ui/glow-panel.tsx', "import type { x } from '../../api/src/env';"],
      ['shared/template-vars.ts', "export { x } from '../extension/browser';"],
      ['api/src/gmail/client.ts', "import { failOpenSends } from '../modules/emails/fail-sends';"],
      ['api/src/jobs/inline.ts', "const m = await import('../modules/emails/service');"],
      ['api/src/modules/emails/service.ts', "import { seed } from '../../../test/harness';"],
      ['api/src/runtime.ts', "import { startGmailEmulator } from '../emulator/server';"],
    ];
    for (const [path, text] of cases) expect(violations([{ path, text }], exists), `${path}: ${text}`).toHaveLength(1);
    // Tests may use test code and the emulator; comments never count.
    expect(violations([{ path: 'api/src/modules/emails/routes.test.ts', text: "import { h } from '../../../test/harness';" }], exists)).toEqual([]);
    expect(violations([{ path: 'db/client.ts', text: "// import { x } from '../api/src/app';" }], exists)).toEqual([]);
  });
});
