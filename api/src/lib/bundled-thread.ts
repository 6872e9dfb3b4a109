import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Work run in a `node:worker_threads` thread of its own, with its own (small) heap.
 *
 * The API runs its TypeScript through tsx, but a thread under tsx would load tsx's loader
 * and compile every module it touches again (tens of MB per thread). Instead the thread's
 * entry is bundled once per process by esbuild into one ESM file holding only the code that
 * entry reaches; packages stay external (Node loads them from node_modules, which is why the
 * bundle is written under node_modules/.cache, named by a hash of its content), and the thread
 * starts on plain Node with no loader.
 */
const cacheDir = fileURLToPath(new URL('../../../node_modules/.cache/lumina-threads/', import.meta.url));
const bundles = new Map<string, Promise<string>>();

/** The bundled file of a thread entry (a .ts path), built on first use. */
export function bundledEntry(entry: string): Promise<string> {
  let out = bundles.get(entry);
  if (!out) {
    out = bundle(entry);
    out.catch(() => bundles.delete(entry)); // a failed build is tried again next time
    bundles.set(entry, out);
  }
  return out;
}

async function bundle(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(cacheDir, `${basename(entry).replace(/\.[cm]?ts$/, '')}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    // Written beside and renamed: another process starting the same thread never reads half a file.
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}

export interface ThreadOptions {
  /** The thread's heap limits: a bulk job that allocates a lot collects often instead of growing the process. */
  resourceLimits?: ResourceLimits;
  /** Messages the thread posts besides its result. */
  onMessage?(message: unknown): void;
}

/** A message the thread's entry posts when its work is done (see `finishThread`). */
interface ResultMessage {
  lumina: 'result';
  value: unknown;
}

/**
 * Runs a thread entry with `data` as its workerData; resolves with what it hands to
 * `finishThread`. An error thrown in the thread (or its heap limit reached:
 * `ERR_WORKER_OUT_OF_MEMORY`) rejects with that error; a thread that exits without a result
 * rejects too — a caller never waits on a thread that is gone.
 */
export async function runThread<T>(entry: string, data: unknown, options: ThreadOptions = {}): Promise<T> {
  const file = await bundledEntry(entry);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    // execArgv [] keeps the parent's `--import tsx` (and heap flags) out of the thread.
    const worker = new Worker(pathToFileURL(file), { workerData: data, execArgv: [], resourceLimits: options.resourceLimits });
    worker.on('message', (message: unknown) => {
      if ((message as ResultMessage | null)?.lumina === 'result') settle(() => resolve((message as ResultMessage).value as T));
      else options.onMessage?.(message);
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the thread exited (code ${code}) before its work was done`))));
  });
}

/** Called by a thread entry with its result (structured-cloneable). */
export async function finishThread(value: unknown): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  parentPort!.postMessage({ lumina: 'result', value } satisfies ResultMessage);
}
