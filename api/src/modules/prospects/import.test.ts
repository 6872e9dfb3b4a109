import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { createTestRuntime, signIn, type TestRuntime, expectError } from '../../../test/harness';
import { importAcceptedSchema, importJobSchema, importResultSchema, lookupProspectResponse } from '../../../../shared/contracts/prospects';
import { importErrors, importSeen, prospects, suppressions } from '../../../../db/schema';
import { createImportJob, importJobsSettled, importThreadRuns, runImportJob } from './import-jobs';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(async () => {
  await importJobsSettled();
  await rt?.close();
});

type Session = Awaited<ReturnType<typeof signIn>>;
const upload = (who: Session, body: string, query = '') => who.call(`/api/prospects/import${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
const result = async (res: Response) => {
  expect(res.status).toBe(200);
  return importResultSchema.parse(await res.json());
};
const lookup = async (who: Session, email: string) => lookupProspectResponse.parse(await (await who.call(`/api/prospects/lookup?email=${encodeURIComponent(email)}`)).json()).prospect;
const mapping = (m: Record<string, string>) => `mapping=${encodeURIComponent(JSON.stringify(m))}`;

describe('import: mapping, inference and dedupe', () => {
  it('infers common headers, makes the rest custom fields, resolves owners and zones', async () => {
    const ana = await signIn(rt.app, 'ana@imp-infer.test');
    const ben = await signIn(rt.app, 'ben@imp-infer.test');
    const out = await result(
      await upload(
        ana,
        [
          'First Name,last_name,E-mail,Time zone,Company,Title,Owner,Deal Size',
          'Ana,Alves,"Ana Alves <ANA@Client.test>",America/New_York,Aco,CTO,ben@imp-infer.test,10k',
          'Bo,Berg,mailto:bo@client.test,,Bco,,,',
          'Cy,Cole,cy@client.test,Not/AZone,Cco,,,',
          'Di,Dunn,di@client.test,,Dco,,nobody@elsewhere.test,',
        ].join('\n'),
      ),
    );
    expect(out).toEqual({
      imported: 2,
      updated: 0,
      skipped: 2,
      errors: [
        { row: 4, message: 'unknown time zone: Not/AZone (use an IANA name such as Europe/Paris)' },
        { row: 5, message: 'owner nobody@elsewhere.test is not a member of this workspace' },
      ],
      suppressed: [],
    });
    expect(await lookup(ana, 'ana@client.test')).toMatchObject({ firstName: 'Ana', lastName: 'Alves', timeZone: 'America/New_York', company: 'Aco', title: 'CTO', ownerId: ben.user.id, customFields: { deal_size: '10k' } });
    expect(await lookup(ana, 'bo@client.test')).toMatchObject({ ownerId: ana.user.id, timeZone: null });
  });

  it('takes the caller’s mapping (query or form field) and refuses a bad one with its path', async () => {
    const ana = await signIn(rt.app, 'ana@imp-map.test');
    const csv = 'Work Mail,Given,Region,Notes\nmap@client.test,Mia,EMEA,ignore me\n';
    expect((await result(await upload(ana, csv, `?${mapping({ 'work mail': 'email', Given: 'firstName', Region: 'custom.region', Notes: 'ignore' })}`))).imported).toBe(1);
    expect(await lookup(ana, 'map@client.test')).toMatchObject({ firstName: 'Mia', customFields: { region: 'EMEA' } });

    await expectError(await upload(ana, csv, `?${mapping({ 'Work Mail': 'emailAddress' })}`), 400, 'VALIDATION_ERROR', 'mapping.Work Mail');
    await expectError(await upload(ana, csv, `?${mapping({ 'Work Mail': 'email', Phone: 'custom.phone' })}`), 400, 'VALIDATION_ERROR', 'mapping.Phone');
    await expectError(await upload(ana, csv, `?${mapping({ 'Work Mail': 'email', Given: 'email' })}`), 400, 'VALIDATION_ERROR', 'mapping.Given');
    await expectError(await upload(ana, csv), 400, 'VALIDATION_ERROR', 'header'); // nothing is an email column
    await expectError(await upload(ana, csv, '?mapping=%7Bnot-json'), 400, 'VALIDATION_ERROR', 'mapping');
    await expectError(await upload(ana, csv, '?dedupe=merge'), 400, 'VALIDATION_ERROR', 'dedupe');
    expect(await lookup(ana, 'map@client.test')).toMatchObject({ firstName: 'Mia' }); // nothing half-written by the refused ones

    const form = new FormData();
    form.set('file', new File(['Mail,Nick\nform@client.test,Fo\n'], 'leads.csv', { type: 'text/csv' }));
    form.set('mapping', JSON.stringify({ Mail: 'email', Nick: 'firstName' }));
    form.set('dedupe', 'skip');
    expect((await result(await ana.call('/api/prospects/import', { method: 'POST', body: form }))).imported).toBe(1);
    expect(await lookup(ana, 'form@client.test')).toMatchObject({ firstName: 'Fo' });
  });

  it('updates or skips addresses already there, and flags suppressed ones', async () => {
    const ana = await signIn(rt.app, 'ana@imp-dedupe.test');
    await result(await upload(ana, 'email,first_name,company,tier\nold@client.test,Olga,Oco,gold\n'));
    await rt.deps.db.insert(suppressions).values({ workspaceId: ana.workspace.id, email: 'gone@client.test', reason: 'unsubscribe' });
    const skip = await result(await upload(ana, 'email,first_name,company\nold@client.test,Changed,\nnew@client.test,Nia,Nco\nGONE@client.test,Gus,\n', '?dedupe=skip'));
    expect(skip).toEqual({ imported: 2, updated: 0, skipped: 1, errors: [], suppressed: [{ row: 4, email: 'gone@client.test' }] });
    expect(await lookup(ana, 'old@client.test')).toMatchObject({ firstName: 'Olga' });
    const update = await result(await upload(ana, 'email,first_name,company,region\nold@client.test,Changed,,north\n', '?dedupe=update'));
    expect(update).toMatchObject({ imported: 0, updated: 1, skipped: 0 });
    expect(await lookup(ana, 'old@client.test')).toMatchObject({ firstName: 'Changed', company: 'Oco', customFields: { tier: 'gold', region: 'north' } });
  });
});

describe('import: large files as a job', () => {
  it('answers 202 over 5,000 rows, reports progress and the final report, and serves the errors as CSV', async () => {
    const ana = await signIn(rt.app, 'ana@imp-big.test');
    const note = 'x'.repeat(200); // over the 1 MB JSON body limit in all: the import route has its own
    const lines = ['email,first_name,note'];
    for (let i = 0; i < 6000; i++) lines.push(i % 1000 === 3 ? `bad-${i},B,${note}` : `p${i}@big.test,P${i},${note}`);
    lines.push('p10@big.test,Again,dup');
    const body = `${lines.join('\n')}\n`;
    expect(body.length).toBeGreaterThan(rt.config.bodyLimitBytes);
    const threads = importThreadRuns();
    const res = await upload(ana, body);
    expect(res.status).toBe(202);
    const accepted = importAcceptedSchema.parse(await res.json());
    expect(accepted.statusUrl).toBe(`/api/prospects/import/${accepted.jobId}`);

    let job = importJobSchema.parse(await (await ana.call(accepted.statusUrl)).json());
    for (let tries = 0; job.status === 'running' && tries < 400; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      job = importJobSchema.parse(await (await ana.call(accepted.statusUrl)).json());
    }
    expect(importThreadRuns()).toBe(threads); // read in this process unless IMPORT_THREAD (import-thread.test.ts)
    expect(job).toMatchObject({ status: 'done', rowsRead: 6001, imported: 5994, updated: 0, skipped: 7, errorCount: 7, suppressedCount: 0, failureReason: null });
    expect(job.errors[0]).toEqual({ row: 5, message: 'invalid email: bad-3' });
    expect(job.errors.at(-1)).toEqual({ row: 6002, message: 'duplicate of row 12 (p10@big.test); skipped' });
    const rows = await rt.deps.db.select({ id: prospects.id }).from(prospects).where(eq(prospects.workspaceId, ana.workspace.id));
    expect(rows).toHaveLength(5994);
    // The repeat across batches was found in the database; the run's scratch record is gone after it.
    expect(await rt.deps.db.select().from(importSeen)).toHaveLength(0);

    const csvRes = await ana.call(job.errorsCsvUrl);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    const table = parse(await csvRes.text()) as string[][];
    expect(table[0]).toEqual(['row', 'kind', 'message']);
    expect(table).toHaveLength(8);
    expect(table[1]).toEqual(['5', 'error', 'invalid email: bad-3']);

    const rex = await signIn(rt.app, 'rex@imp-rival.test');
    await expectError(await rex.call(accepted.statusUrl), 404, 'NOT_FOUND');
    await expectError(await rex.call(job.errorsCsvUrl), 404, 'NOT_FOUND');
    await expectError(await ana.call('/api/prospects/import/not-a-job'), 400, 'VALIDATION_ERROR');
    expect(await rt.deps.db.select().from(importErrors).where(eq(importErrors.jobId, job.id))).toHaveLength(7);
  });

  it('shows the counts so far while a job runs, and a failure in words', async () => {
    const ana = await signIn(rt.app, 'ana@imp-progress.test');
    const jobId = await createImportJob(rt.deps.db, ana.workspace.id, ana.user.id, 'update');
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    let reached!: () => void;
    const midway = new Promise<void>((r) => (reached = r));
    const removed: string[] = [];
    const done = runImportJob(rt.deps.db, rt.deps.logger, jobId, async (hooks) => {
      await hooks.onIssues?.({ errors: [{ row: 3, message: 'invalid email: x' }], suppressed: [] });
      await hooks.onProgress?.({ rowsRead: 1000, imported: 990, updated: 9, skipped: 1, errorCount: 1, suppressedCount: 0 });
      reached();
      await gate;
      throw new Error('database went away');
    }, async () => void removed.push('file'));
    await midway;
    const running = importJobSchema.parse(await (await ana.call(`/api/prospects/import/${jobId}`)).json());
    expect(running).toMatchObject({ status: 'running', rowsRead: 1000, imported: 990, updated: 9, skipped: 1, errorCount: 1, errors: [{ row: 3, message: 'invalid email: x' }], finishedAt: null });
    finish();
    await done;
    const failed = importJobSchema.parse(await (await ana.call(`/api/prospects/import/${jobId}`)).json());
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/rows written so far are kept/);
    expect(removed).toEqual(['file']); // the upload's temporary file goes whatever happens
  });

  it('keeps the JSON body limit everywhere else', async () => {
    const ana = await signIn(rt.app, 'ana@imp-limit.test');
    const big = 'y'.repeat(rt.config.bodyLimitBytes + 10);
    await expectError(await ana.call('/api/prospects', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length + 30) }, body: JSON.stringify({ email: 'z@z.test', firstName: big }) }), 413, 'PAYLOAD_TOO_LARGE');
  });
});
