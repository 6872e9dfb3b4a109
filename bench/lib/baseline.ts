// The "before" of a same-run comparison: an earlier checkout's module, loaded into this process.
//
// Two ways to name it:
// - BASELINE_REF=<git ref> (default `main`): the ref's `api/src` and `shared` are written with
//   `git archive` under `.bench-baseline/<commit>/` inside this checkout, so their imports of
//   packages resolve through this checkout's node_modules (a worktree elsewhere has none, which
//   is why a baseline pointed at one failed to load);
// - BASELINE_CLASSIFY=<path to classify.ts> (absolute, or relative to the working directory).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Baseline<T> {
  module: T;
  /** How the baseline is named in the results ("main at 09648e5"). */
  label: string;
}

/** Loads `relPath` (e.g. api/src/modules/replies/classify/classify.ts) of the baseline, or null when none is wanted or it cannot be found. */
export async function loadBaseline<T>(relPath: string, explicitPathVar: string): Promise<Baseline<T> | null> {
  const explicit = process.env[explicitPathVar];
  if (explicit) {
    const file = resolve(process.cwd(), explicit);
    return { module: (await import(pathToFileURL(file).href)) as T, label: process.env.BASELINE_LABEL ?? explicit };
  }
  const ref = process.env.BASELINE_REF ?? 'main';
  if (ref === '' || ref === 'none') return null;
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit) {
    console.warn(`[baseline] ${ref} is not a commit here; no before → after table.`);
    return null;
  }
  const dir = join(root, '.bench-baseline', commit.slice(0, 12));
  if (!existsSync(join(dir, relPath))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', commit, 'api/src', 'shared'], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  const module = (await import(pathToFileURL(join(dir, relPath)).href)) as T;
  return { module, label: process.env.BASELINE_LABEL ?? `${ref} at ${commit.slice(0, 7)}` };
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}
