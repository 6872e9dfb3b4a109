import { readFileSync, readdirSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The README's layout section names every folder a newcomer meets: each top-level folder,
 * each folder of api/, api/src/ and extension/, and each domain whose workers it says live
 * there. A folder added or removed without the README fails here.
 */
const root = normalize(join(new URL('.', import.meta.url).pathname, '..'));
/** What git ignores (build output, data, test artifacts) is not part of the layout. */
const IGNORED = new Set(
  readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/\/$/, ''))
    .filter((l) => l && !l.startsWith('#') && !l.includes('*')),
);

const folders = (dir: string) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !IGNORED.has(e.name) && !(e.name.startsWith('.') && e.name !== '.ci'))
    .map((e) => e.name);

function layoutBlock(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Layout$/m)[1];
  if (!section) throw new Error('README.md has no "## Layout" section');
  return section.split('```')[1] ?? '';
}

describe('the README layout', () => {
  const block = layoutBlock();
  const lines = block.split('\n');
  /** A folder is named by a word of the block that is it with its slash, or a path inside it (`.ci/run`, `src/modules/<domain>/`). */
  const names = (folder: string) => lines.some((l) => l.trim().split(/\s+/).some((w) => w.startsWith(`${folder}/`)));

  it('names every top-level folder', () => {
    expect(folders('.').filter((f) => !names(f))).toEqual([]);
  });

  it('names every folder of api/, api/src/ and extension/', () => {
    const missing = [
      ...folders('api').filter((f) => !names(f)),
      ...folders('api/src').filter((f) => !names(`src/${f}`)).map((f) => `src/${f}`),
      ...folders('extension').filter((f) => !names(f)),
    ];
    expect(missing).toEqual([]);
  });

  it('names only worker homes that exist', () => {
    // The modules entry runs from its own line to the next entry (src/workers.ts).
    const entry = block.slice(block.indexOf('src/modules/<domain>/'), block.indexOf('src/workers.ts'));
    const said = [...entry.matchAll(/\bin ([a-z-]+)\//g)].map((m) => m[1]!);
    expect(said.length).toBeGreaterThan(0);
    const modules = new Set(folders('api/src/modules'));
    expect(said.filter((m) => !modules.has(m))).toEqual([]);
  });
});
