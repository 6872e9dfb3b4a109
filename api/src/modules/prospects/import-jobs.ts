import { and, asc, eq, gt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../../../db/client';
import { importErrors, importJobs } from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import type { ImportJob, ImportOptions } from '../../../../shared/contracts/prospects';
import type { ImportHooks, ImportProgress } from './csv-import';
import type { Config } from '../../env';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { runThread } from '../../lib/bundled-thread';

type JobRow = typeof importJobs.$inferSelect;

/** A running job whose progress has not moved for this long died with its process. */
const STALE_MS = 10 * 60_000;
/** Progress is written at most this often (a batch takes a few ms; the row update is not free). */
const PROGRESS_EVERY_MS = 250;

/** Jobs this process is running: a test or a shutdown can wait for them. */
const running = new Set<Promise<void>>();
export const importJobsSettled = () => Promise.allSettled([...running]);

export async function createImportJob(db: Db, workspaceId: string, userId: string, dedupe: ImportOptions['dedupe']): Promise<string> {
  const [row] = await db.insert(importJobs).values({ workspaceId, userId, dedupe }).returning({ id: importJobs.id });
  return row!.id;
}

/** Writes a job's counts to its row. */
function saveProgress(db: Db, jobId: string, p: ImportProgress, extra: Partial<JobRow> = {}) {
  return db
    .update(importJobs)
    .set({ rowsRead: p.rowsRead, imported: p.imported, updated: p.updated, skipped: p.skipped, errorCount: p.errorCount, suppressed: p.suppressedCount, updatedAt: new Date(), ...extra })
    .where(eq(importJobs.id, jobId));
}

/**
 * The hooks of a job's import: every error and flag goes to `import_errors`, the counts to the
 * job row (at most every PROGRESS_EVERY_MS). Whoever runs the rows — this process, or the
 * import thread on its own connection — writes through these.
 */
export function importJobHooks(db: Db, jobId: string): ImportHooks {
  let last = 0;
  return {
    async onIssues({ errors, suppressed, flagged = [] }) {
      const rows = [
        ...errors.map((e) => ({ jobId, row: e.row, kind: 'error' as const, message: e.message })),
        ...suppressed.map((s) => ({ jobId, row: s.row, kind: 'suppressed' as const, message: `${s.email} is on the suppression list: imported, never mailed` })),
        // One row per line: a suppressed address (imported, never mailed) keeps that note first.
        ...flagged.filter((f) => !suppressed.some((s) => s.row === f.row)).map((f) => ({ jobId, row: f.row, kind: 'flagged' as const, message: `${f.email}: ${f.message}; imported` })),
      ];
      for (let i = 0; i < rows.length; i += 1000) await db.insert(importErrors).values(rows.slice(i, i + 1000)).onConflictDoNothing();
    },
    async onProgress(p) {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      await saveProgress(db, jobId, p);
    },
  };
}

/** Said of a job that stopped on an error: what is kept and what to do. */
export const JOB_FAILED_REASON = 'The import stopped on an unexpected error; rows written so far are kept — import the file again to finish';
/** Said of a job whose thread went over its memory limit. */
export const JOB_OUT_OF_MEMORY_REASON = 'The import ran out of memory and stopped; rows written so far are kept — import the file again to finish, or split it';

/**
 * Runs a large import in the background (this process holds the uploaded file; `run` reads
 * it here or in a thread), keeping the job row's counts current so any API instance can
 * answer its progress. A failure — an error, or the import thread dying — marks the job
 * failed with a reason; a crash of the whole process leaves it `running` until it is stale,
 * then it reads as failed. Importing the file again is safe (rows already written are updated
 * or skipped).
 */
export function runImportJob(db: Db, logger: Logger, jobId: string, run: (hooks: ImportHooks) => Promise<ImportProgress>, cleanup: () => Promise<void>): Promise<void> {
  const job = (async () => {
    try {
      const progress = await run(importJobHooks(db, jobId));
      await saveProgress(db, jobId, progress, { status: 'done', finishedAt: new Date() });
    } catch (err) {
      logger.error({ err, jobId }, 'import job failed');
      const outOfMemory = (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      await db
        .update(importJobs)
        .set({ status: 'failed', failureReason: outOfMemory ? JOB_OUT_OF_MEMORY_REASON : JOB_FAILED_REASON, updatedAt: new Date(), finishedAt: new Date() })
        .where(eq(importJobs.id, jobId))
        .catch((e: unknown) => logger.error({ err: e, jobId }, 'could not mark the import job failed'));
    } finally {
      await cleanup().catch(() => {});
    }
  })();
  running.add(job);
  void job.finally(() => running.delete(job));
  return job;
}

export async function getImportJob(db: Db, workspaceId: string, jobId: string): Promise<ImportJob> {
  const [row] = await db.select().from(importJobs).where(and(eq(importJobs.workspaceId, workspaceId), eq(importJobs.id, jobId)));
  if (!row) throw notFound('Import job');
  const errors = await db
    .select({ row: importErrors.row, message: importErrors.message })
    .from(importErrors)
    .where(and(eq(importErrors.jobId, jobId), eq(importErrors.kind, 'error')))
    .orderBy(asc(importErrors.row))
    .limit(1000);
  const stale = row.status === 'running' && Date.now() - row.updatedAt.getTime() > STALE_MS;
  return {
    id: row.id,
    status: stale ? 'failed' : row.status,
    dedupe: row.dedupe,
    rowsRead: row.rowsRead,
    imported: row.imported,
    updated: row.updated,
    skipped: row.skipped,
    errorCount: row.errorCount,
    suppressedCount: row.suppressed,
    errors,
    errorsCsvUrl: `/api/prospects/import/${row.id}/errors.csv`,
    failureReason: stale ? 'The import stopped before finishing (the server restarted); import the file again — rows already written are updated, not duplicated' : row.failureReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Every error and flag of a job, by row, in pages of 5,000 (a keyset on the row number). */
export async function* importIssues(db: Db, workspaceId: string, jobId: string): AsyncGenerator<{ row: number; kind: string; message: string }> {
  const [job] = await db.select({ id: importJobs.id }).from(importJobs).where(and(eq(importJobs.workspaceId, workspaceId), eq(importJobs.id, jobId)));
  if (!job) throw notFound('Import job');
  let after = 0;
  for (;;) {
    const page = await db
      .select({ row: importErrors.row, kind: importErrors.kind, message: importErrors.message })
      .from(importErrors)
      .where(and(eq(importErrors.jobId, jobId), gt(importErrors.row, after)))
      .orderBy(asc(importErrors.row))
      .limit(5000);
    yield* page;
    if (page.length < 5000) return;
    after = page.at(-1)!.row;
  }
}

/** What the import thread needs: plain data only (it crosses into the thread by structured clone). */
export interface ImportThreadInput {
  databaseUrl: string;
  /** The spooled upload, read again from its first line (the header is checked twice; it is cheap). */
  file: string;
  jobId: string;
  ctx: { workspaceId: string; importerId: string };
  options: ImportOptions;
  /** The recipient check's settings; null: rows are not looked up (as in the API process without a checker). */
  recipients: Pick<Config, 'dnsServers' | 'recipientDnsCheck'> | null;
}

/**
 * The import thread's heap: the import's live set is a batch or two (a few MB) beside the
 * modules it loads (about 25 MB in all); capped, V8 collects the import's short-lived garbage
 * as it goes instead of growing the heap. Out of it, the job fails in words.
 */
export const IMPORT_THREAD_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 } as const;

const threadEntry = fileURLToPath(new URL('./import-thread.ts', import.meta.url));
let threadRuns = 0;
/** Imports run in a thread by this process (what a test counts). */
export const importThreadRuns = () => threadRuns;

/**
 * A large Postgres import run in a thread with a small heap of its own (IMPORT_THREAD): the
 * parsing leaves the API's event loop, at the thread's own memory (measured in bench/RESULTS.md).
 * The thread writes progress and issues to the job itself and resolves with the final counts.
 */
export function importInThread(input: ImportThreadInput, limits: ResourceLimits = IMPORT_THREAD_LIMITS): Promise<ImportProgress> {
  threadRuns++;
  return runThread<ImportProgress>(threadEntry, input, { resourceLimits: limits });
}

/**
 * How a job reads its rows: in the import thread when given Postgres' URL (IMPORT_THREAD),
 * else here — always on PGlite, whose database lives in this process. `started` is the import whose
 * header this process has checked; the thread reads the file again from its start.
 */
export function jobRun(
  databaseUrl: string | undefined,
  input: Omit<ImportThreadInput, 'databaseUrl'>,
  started: { run(hooks: ImportHooks): Promise<ImportProgress> },
  lines: AsyncGenerator<string>,
): (hooks: ImportHooks) => Promise<ImportProgress> {
  if (!databaseUrl) return (hooks) => started.run(hooks);
  return async () => {
    await lines.return(undefined);
    return importInThread({ ...input, databaseUrl });
  };
}
