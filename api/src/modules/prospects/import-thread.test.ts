// Large imports on Postgres run in a thread of their own (import-thread.ts); this suite runs on
// the api-postgres project only (PGlite imports stay in the API process: vitest.config.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { importAcceptedSchema, importJobSchema } from '../../../../shared/contracts/prospects';
import { importErrors, importSeen, prospects, suppressions } from '../../../../db/schema';
import { createImportJob, getImportJob, importInThread, importJobsSettled, importThreadRuns, JOB_FAILED_REASON, JOB_OUT_OF_MEMORY_REASON, runImportJob } from './import-jobs';
import { startImport } from './csv-import';
import { linesOfText } from './csv-records';
import { recipientCheckerFor } from '../deliverability/recipients';
import { consoleClient } from '../../../test/console-client';

let rt: TestRuntime;
let dir: string;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { IMPORT_THREAD: 'true' } });
  dir = mkdtempSync(join(tmpdir(), 'lumina-import-thread-'));
});
afterAll(async () => {
  await importJobsSettled();
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Session = Awaited<ReturnType<typeof signIn>>;

/** 6,500 rows with every kind of trouble: bad addresses, short rows, stray and multi-line quotes, repeats across batches, suppressed and role addresses, zones. */
function trickyCsv(): string {
  const lines = ['First Name,Last Name,E-mail,Company,Time zone,Deal Size'];
  for (let i = 0; i < 6500; i++) {
    if (i % 400 === 7) lines.push(`A,B,bad-email-${i},C,,1`);
    else if (i % 400 === 107) lines.push(`A,B,short${i}@thread.test`);
    else if (i % 400 === 207) lines.push(`A,"Unclosed,quote${i}@thread.test,C,,1`);
    else if (i % 400 === 307) lines.push(`Multi,Line,multi${i}@thread.test,"Acme\nWest, Inc",Europe/Paris,${i}`);
    else if (i % 1000 === 999) lines.push(`Again,Repeat,P${i - 998}@Thread.test,Other,,0`); // a repeat of a row 2 batches back
    else if (i % 2500 === 11) lines.push(`Sue,Supp,supp${i}@thread.test,S,Not/AZone,0`);
    else lines.push(`First${i},Last${i},"First ${i} <p${i}@thread.test>",Company ${i % 50},${['America/New_York', 'Asia/Tokyo', ''][i % 3]},${i * 10}`);
  }
  lines.push('Info,Role,info@thread.test,R,,1', 'Gone,Supp,gone@thread.test,G,,1');
  return `${lines.join('\n')}\n`;
}

async function settle(who: Session, statusUrl: string) {
  let job = importJobSchema.parse(await (await who.call(statusUrl)).json());
  for (let tries = 0; job.status === 'running' && tries < 600; tries++) {
    await new Promise((r) => setTimeout(r, 50));
    job = importJobSchema.parse(await (await who.call(statusUrl)).json());
  }
  return job;
}

/** What an import left: the prospects (without ids, owners and times) and every issue row. */
async function outcome(workspaceId: string, jobId: string) {
  const rows = await rt.deps.db
    .select({ email: prospects.email, firstName: prospects.firstName, lastName: prospects.lastName, company: prospects.company, title: prospects.title, timeZone: prospects.timeZone, customFields: prospects.customFields })
    .from(prospects)
    .where(eq(prospects.workspaceId, workspaceId))
    .orderBy(asc(prospects.email));
  const issues = await rt.deps.db.select({ row: importErrors.row, kind: importErrors.kind, message: importErrors.message }).from(importErrors).where(eq(importErrors.jobId, jobId)).orderBy(asc(importErrors.row), asc(importErrors.kind));
  const { id: _id, createdAt: _c, updatedAt: _u, finishedAt: _f, errorsCsvUrl: _e, ...job } = await getImportJob(rt.deps.db, workspaceId, jobId);
  return { rows, issues, job };
}

describe('import thread', () => {
  it('imports the same rows and reports the same per-row errors as the import in the API process', async () => {
    const csv = trickyCsv();
    const viaThread = await signIn(rt.app, 'ana@thread-a.test');
    const inline = await signIn(rt.app, 'ana@thread-b.test');
    for (const who of [viaThread, inline]) await rt.deps.db.insert(suppressions).values({ workspaceId: who.workspace.id, email: 'gone@thread.test', reason: 'unsubscribe' });

    // Through the route: over 5,000 rows on Postgres, a job run in the thread.
    const before = importThreadRuns();
    const res = await viaThread.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(202);
    const accepted = importAcceptedSchema.parse(await res.json());
    const threaded = await settle(viaThread, accepted.statusUrl);
    expect(importThreadRuns()).toBe(before + 1);
    expect(threaded.status).toBe('done');

    // The same file through the same job code, read in this process.
    const jobId = await createImportJob(rt.deps.db, inline.workspace.id, inline.user.id, 'update');
    const started = await startImport(rt.deps.db, { workspaceId: inline.workspace.id, importerId: inline.user.id, recipients: recipientCheckerFor(rt.config) }, linesOfText(csv), { dedupe: 'update' });
    await runImportJob(rt.deps.db, rt.deps.logger, jobId, (hooks) => started.run(hooks), async () => {});

    const a = await outcome(viaThread.workspace.id, accepted.jobId);
    const b = await outcome(inline.workspace.id, jobId);
    expect(a.job).toEqual(b.job);
    expect(a.issues).toEqual(b.issues);
    expect(a.rows).toEqual(b.rows);
    // Not trivially equal: the file's troubles are all there.
    expect(a.job).toMatchObject({ status: 'done', rowsRead: 6502, suppressedCount: 1 });
    expect(a.rows.length).toBeGreaterThan(6000);
    expect(a.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['invalid email: bad-email-7', 'expected 6 columns, found 3', 'malformed CSV: Invalid Closing Quote', 'duplicate of row 3 (p1@thread.test); skipped', 'unknown time zone: Not/AZone (use an IANA name such as Europe/Paris)', 'gone@thread.test is on the suppression list: imported, never mailed', 'info@thread.test: info@ is a role address (a team inbox, not a person); imported']),
    );
    expect(a.rows.find((r) => r.email === 'multi307@thread.test')).toMatchObject({ company: 'Acme\nWest, Inc', timeZone: 'Europe/Paris' });
    expect(await rt.deps.db.select().from(importSeen)).toHaveLength(0); // the thread's scratch rows are gone too
  });

  it('reads a large console upload in the thread too, with the mapping chosen on the page', async () => {
    const admin = await consoleClient(rt, 'owner@thread-console.test');
    const rows = ['Mail,Given'];
    for (let i = 1; i <= 5200; i++) rows.push(i % 100 === 0 ? `broken-${i},Bad` : `p${i}@console-thread.test,P${i}`);
    const form = new FormData();
    form.set('file', new File([`${rows.join('\n')}\n`], 'people.csv', { type: 'text/csv' }));
    await admin.get('/console/prospects/import');
    const to = (await admin.upload('/console/prospects/import', form)).headers.get('location')!;
    await admin.get(to);
    const before = importThreadRuns();
    const res = await admin.post(to, { col0: 'email', col1: 'firstName', dedupe: 'update' });
    expect(res.status).toBe(303);
    await importJobsSettled();
    expect(importThreadRuns()).toBe(before + 1);
    const jobId = /jobs\/([0-9a-f-]{36})/.exec(res.headers.get('location')!)![1];
    const status = (await (await admin.get(`/console/prospects/import/jobs/${jobId}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'done', rowsRead: 5200, imported: 5148, errorCount: 52 });
    const [row] = await rt.deps.db.select({ firstName: prospects.firstName }).from(prospects).where(eq(prospects.email, 'p7@console-thread.test'));
    expect(row).toEqual({ firstName: 'P7' }); // the page's mapping crossed into the thread
  });

  it('marks the job failed with a reason when the thread dies, instead of leaving it running', async () => {
    const ana = await signIn(rt.app, 'ana@thread-crash.test');
    const file = join(dir, 'crash.csv');
    writeFileSync(file, trickyCsv());
    const input = (jobId: string) => ({ file, jobId, ctx: { workspaceId: ana.workspace.id, importerId: ana.user.id }, options: { dedupe: 'update' as const }, recipients: { dnsServers: rt.config.dnsServers, recipientDnsCheck: rt.config.recipientDnsCheck } });

    // A heap far too small for the work: the thread is stopped by its limit.
    const oom = await createImportJob(rt.deps.db, ana.workspace.id, ana.user.id, 'update');
    await runImportJob(rt.deps.db, rt.deps.logger, oom, () => importInThread({ ...input(oom), databaseUrl: rt.deps.databaseUrl! }, { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 }), async () => {});
    expect(await getImportJob(rt.deps.db, ana.workspace.id, oom)).toMatchObject({ status: 'failed', failureReason: JOB_OUT_OF_MEMORY_REASON });

    // A database the thread cannot reach: its error ends the job.
    const unreachable = await createImportJob(rt.deps.db, ana.workspace.id, ana.user.id, 'update');
    await runImportJob(rt.deps.db, rt.deps.logger, unreachable, () => importInThread({ ...input(unreachable), databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }), async () => {});
    expect(await getImportJob(rt.deps.db, ana.workspace.id, unreachable)).toMatchObject({ status: 'failed', failureReason: JOB_FAILED_REASON });

    // A file gone before the thread reads it.
    const missing = await createImportJob(rt.deps.db, ana.workspace.id, ana.user.id, 'update');
    await runImportJob(rt.deps.db, rt.deps.logger, missing, () => importInThread({ ...input(missing), file: join(dir, 'gone.csv'), databaseUrl: rt.deps.databaseUrl! }), async () => {});
    expect(await getImportJob(rt.deps.db, ana.workspace.id, missing)).toMatchObject({ status: 'failed', failureReason: JOB_FAILED_REASON });
    expect(await rt.deps.db.select({ id: prospects.id }).from(prospects).where(eq(prospects.workspaceId, ana.workspace.id))).toHaveLength(0);
  });
});
