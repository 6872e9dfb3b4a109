/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppEnv } from '../../src/context';
import { ApiError } from '../../src/lib/api-error';
import { validate } from '../../src/middleware/validate';
import { importFields, importMappingSchema, type ImportJob, type ImportMapping } from '../../../shared/contracts/prospects';
import { inferColumn, startImport, type Column, type ImportHooks } from '../../src/modules/prospects/csv-import';
import { RecordSplitter } from '../../src/modules/prospects/csv-records';
import { spoolUpload, type SpooledCsv } from '../../src/modules/prospects/upload';
import { createImportJob, getImportJob, importIssues, jobRun, runImportJob } from '../../src/modules/prospects/import-jobs';
import { INLINE_IMPORT_ROWS } from '../../src/modules/prospects/routes';
import { recordAudit } from '../../src/modules/admin/audit';
import { PostForm, useViewer } from '../layout';
import { consoleApp, formOf, render } from '../render';
import { redirectWith } from '../notices';
import { csvDownload } from '../csv';
import { importFieldWords } from '../words';

/**
 * CSV import in the console, in three steps over the import service of `POST /api/prospects/import`:
 * the upload is spooled to a temporary file (upload.ts) and its header read; the mapping screen
 * shows each column with the field inferred for it, editable, and the dedupe choice; the import
 * then runs as an import job (import-jobs.ts) — a small file before the answer, a large one
 * (over 5,000 rows) in the background with a progress bar that follows the job.
 *
 * The spooled file waits for its mapping in this process's memory (30 minutes at most): the
 * mapping form must come back to the API process that took the upload.
 */
const UPLOAD_TTL_MS = 30 * 60_000;
const SAMPLE_ROWS = 3;

interface PendingUpload {
  id: string;
  workspaceId: string;
  userId: string;
  filename: string;
  /** Data rows, counted by line breaks (a quoted cell may span lines: an upper bound). */
  rows: number;
  header: string[];
  sample: string[][];
  upload: SpooledCsv;
  timer: NodeJS.Timeout;
}
const pending = new Map<string, PendingUpload>();

function keep(p: Omit<PendingUpload, 'timer'>) {
  const timer = setTimeout(() => void forget(p.id, true), UPLOAD_TTL_MS);
  timer.unref();
  pending.set(p.id, { ...p, timer });
}
async function forget(id: string, removeFile: boolean) {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  clearTimeout(p.timer);
  if (removeFile) await p.upload.remove().catch(() => {});
}
/** An upload of this person in this workspace, or nothing (expired, someone else's). */
function pendingOf(c: Context<AppEnv>, id: string) {
  const p = pending.get(id);
  const s = c.get('session');
  return p && p.workspaceId === s.workspaceId && p.userId === s.userId ? p : undefined;
}

const uploadParam = z.object({ uploadId: z.uuid() });
const jobParam = z.object({ jobId: z.uuid() });
const jobQuery = z.object({ rows: z.coerce.number().int().min(0).max(100_000_000).optional().catch(undefined) });

/** A column's target as the mapping form names it: `email`, `custom.deal_size`, `ignore`. */
const targetOf = (c: Column) => (c.field === 'custom' ? `custom.${c.key}` : c.field);
const customKey = (header: string) => header.trim().toLowerCase().replace(/\W+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);

export const importRoutes = consoleApp()
  .get('/prospects/import', (c) => render(c, 'Import prospects', <UploadStep />))
  .post('/prospects/import', async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return render(c, 'Import prospects', <UploadStep error="Choose a CSV file to import." />, { status: 400 });
    // The same spooling as the API's text/csv upload: to a temporary file chunk by chunk.
    const req = new Request('http://console.local/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file.stream(), duplex: 'half' } as RequestInit);
    let upload: SpooledCsv;
    try {
      upload = await spoolUpload(req, {});
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) return render(c, 'Import prospects', <UploadStep error={err.message} />, { status: 400 });
      throw err;
    }
    const { header, sample } = await readHead(upload);
    if (!header || !header.some((h) => h.trim())) {
      await upload.remove();
      return render(c, 'Import prospects', <UploadStep error="That file has no header row: the first line must name the columns, e.g. email,first name,company." />, { status: 400 });
    }
    const s = c.get('session');
    const id = randomUUID();
    const endsWithBreak = /[\r\n]$/.test(await file.slice(-1).text());
    const rows = Math.max(0, upload.lines - 1 - (endsWithBreak ? 1 : 0));
    keep({ id, workspaceId: s.workspaceId, userId: s.userId, filename: file.name.slice(0, 200) || 'upload.csv', rows, header, sample, upload });
    return c.redirect(`/console/prospects/import/${id}`, 303);
  })
  .get('/prospects/import/jobs/:jobId', validate('param', jobParam), validate('query', jobQuery), async (c) => {
    const job = await getImportJob(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').jobId);
    const rows = c.req.valid('query').rows;
    return render(c, job.status === 'running' ? 'Importing prospects…' : 'Import finished', <JobPage job={job} rows={rows} />);
  })
  // What the progress bar polls: the job's counts so far (the same read as GET /api/prospects/import/:jobId).
  .get('/prospects/import/jobs/:jobId/status', validate('param', jobParam), async (c) => {
    const job = await getImportJob(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').jobId);
    c.header('Cache-Control', 'no-store');
    const { status, rowsRead, imported, updated, skipped, errorCount, suppressedCount } = job;
    return c.json({ status, rowsRead, imported, updated, skipped, errorCount, suppressedCount });
  })
  .get('/prospects/import/jobs/:jobId/errors.csv', validate('param', jobParam), async (c) => {
    const { jobId } = c.req.valid('param');
    const issues = importIssues(c.get('deps').db, c.get('session').workspaceId, jobId);
    const first = await issues.next(); // an unknown job is a 404 before the download starts
    async function* rows() {
      if (first.done) return;
      for (const i of [first.value]) yield [i.row, issueKind(i.kind), i.message];
      for await (const i of issues) yield [i.row, issueKind(i.kind), i.message];
    }
    return csvDownload(c, `import-${jobId.slice(0, 8)}-report.csv`, ['row', 'what happened', 'why'], rows());
  })
  .get('/prospects/import/:uploadId', validate('param', uploadParam), (c) => {
    const p = pendingOf(c, c.req.valid('param').uploadId);
    if (!p) return expired(c);
    return render(c, 'Match the columns', <MappingStep p={p} />);
  })
  .post('/prospects/import/:uploadId', validate('param', uploadParam), async (c) => {
    const p = pendingOf(c, c.req.valid('param').uploadId);
    if (!p) return expired(c);
    const form = await formOf(c);
    const { db, logger, databaseUrl, config } = c.get('deps');
    const s = c.get('session');
    const dedupe = form.dedupe === 'skip' ? 'skip' : form.dedupe === 'update' ? 'update' : undefined;
    const chosen: ImportMapping = {};
    for (const [i, h] of p.header.entries()) if (form[`col${i}`]) chosen[h] = form[`col${i}`]!;
    const mapping = importMappingSchema.safeParse(chosen);
    if (!dedupe || !mapping.success) {
      const error = !dedupe ? 'Choose what to do with addresses already in the workspace.' : `A column has an unknown field: ${mapping.error?.issues[0]?.message ?? ''}`;
      return render(c, 'Match the columns', <MappingStep p={p} form={form} error={error} />, { status: 400 });
    }
    const lines = p.upload.readLines();
    let started: Awaited<ReturnType<typeof startImport>>;
    try {
      // The header and mapping are checked before a row is written (no email column, two columns on one field).
      started = await startImport(db, { workspaceId: s.workspaceId, importerId: s.userId }, lines, { dedupe, mapping: mapping.data });
    } catch (err) {
      await lines.return(undefined);
      if (err instanceof ApiError && err.status < 500) return render(c, 'Match the columns', <MappingStep p={p} form={form} error={err.message} />, { status: 400 });
      throw err;
    }
    await forget(p.id, false); // the job owns the file from here and removes it when done
    const rows = p.rows;
    const jobId = await createImportJob(db, s.workspaceId, s.userId, dedupe);
    const ctx = { workspaceId: s.workspaceId, importerId: s.userId };
    // A large file on Postgres may be read in the import thread (IMPORT_THREAD), as through the API.
    const run = rows <= INLINE_IMPORT_ROWS ? (hooks: ImportHooks) => started.run(hooks) : jobRun(config.importThread ? databaseUrl : undefined, { file: p.upload.path, jobId, ctx, options: { dedupe, mapping: mapping.data }, recipients: null }, started, lines);
    const job = runImportJob(db, logger, jobId, run, async () => {
      await lines.return(undefined);
      await p.upload.remove();
    });
    await recordAudit(db, { workspaceId: s.workspaceId, actorId: s.userId, action: 'prospect.imported', target: p.filename, data: { jobId, dedupe } });
    // A small file is imported before the answer; a large one is followed on the job page.
    if (rows <= INLINE_IMPORT_ROWS) await job;
    return c.redirect(`/console/prospects/import/jobs/${jobId}?rows=${rows}`, 303);
  });

const issueKind = (kind: string) => (kind === 'suppressed' ? 'imported, never mailed (suppressed)' : 'not imported');

function expired(c: Context<AppEnv>) {
  return redirectWith(c, '/console/prospects/import', { kind: 'error', text: 'That upload has expired (uploads wait 30 minutes for their mapping). Choose the file again.' });
}

/** The header record and the first few rows of a spooled file. */
async function readHead(upload: SpooledCsv): Promise<{ header?: string[]; sample: string[][] }> {
  const splitter = new RecordSplitter();
  const records: string[][] = [];
  const lines = upload.readLines();
  try {
    for await (const line of lines) {
      for (const r of splitter.push(line)) if ('fields' in r) records.push(r.fields);
      if (records.length > SAMPLE_ROWS) break;
    }
    if (records.length <= SAMPLE_ROWS) for (const r of splitter.end()) if ('fields' in r) records.push(r.fields);
  } finally {
    await lines.return(undefined);
  }
  return { header: records[0], sample: records.slice(1, SAMPLE_ROWS + 1) };
}

const STEPS_CSS = `.steps{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;list-style:none;padding:0;margin:0 0 1rem;counter-reset:s}.steps li{color:#5d6475;counter-increment:s}.steps li::before{content:counter(s) ". "}.steps li[aria-current]{color:#1d2330;font-weight:600;border-bottom:2px solid #2747c7}.mapping select{width:100%}`;
const Steps: FC<{ at: number }> = ({ at }) => (
  <>
    <style>{raw(STEPS_CSS)}</style>
    <ol class="steps" aria-label="Import steps">
      {['Choose a file', 'Match the columns', 'Import'].map((label, i) => (
        <li aria-current={i === at ? 'step' : undefined}>{label}</li>
      ))}
    </ol>
  </>
);

const UploadStep: FC<{ error?: string }> = ({ error }) => {
  const viewer = useViewer();
  return (
    <>
      <p>
        <a href="/console/prospects">← All prospects</a>
      </p>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <Steps at={0} />
      {viewer?.role === 'viewer' ? (
        <p class="warn">Viewers can read but not import. Ask an admin for the member role.</p>
      ) : (
        <section class="panel">
          <PostForm action="/console/prospects/import" enctype="multipart/form-data" aria-label="Upload a CSV">
            <div class="field">
              <label for="f-file">CSV file</label>
              <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
              <div class="muted small">
                The first line names the columns; one column must hold the email address. Up to 200 MB; files over {INLINE_IMPORT_ROWS.toLocaleString('en')} rows import in the background with a progress bar.
              </div>
            </div>
            <button type="submit" class="primary">
              Upload and match columns
            </button>
          </PostForm>
        </section>
      )}
    </>
  );
};

const TARGETS = [...importFields, 'ignore'] as const;

const MappingStep: FC<{ p: PendingUpload; form?: Record<string, string>; error?: string }> = ({ p, form, error }) => {
  const rows = p.rows;
  const dedupe = form?.dedupe ?? 'update';
  // The header names guess each column; when none names the email, the first column whose values are addresses does.
  const guesses = p.header.map((h) => targetOf(inferColumn(h)));
  const looksLikeAddresses = (i: number) => {
    const values = p.sample.map((r) => (r[i] ?? '').trim()).filter(Boolean);
    return values.length > 0 && values.filter((v) => /^[^\s@]+@[^\s@]+$/.test(v)).length * 2 >= values.length;
  };
  const byValues = guesses.includes('email') ? -1 : p.header.findIndex((_, i) => looksLikeAddresses(i));
  if (byValues >= 0) guesses[byValues] = 'email';
  const noEmail = !(form ? p.header.some((_, i) => form[`col${i}`] === 'email') : guesses.includes('email'));
  return (
    <>
      <p>
        <a href="/console/prospects/import">← Choose another file</a>
      </p>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <Steps at={1} />
      <p>
        <strong>{p.filename}</strong> — about {rows.toLocaleString('en')} row(s). Lumina guessed what each column holds; change any that are wrong.
      </p>
      {noEmail && !error && (
        <p class="warn" role="status">
          No column is set to Email yet: choose the column that holds the addresses.
        </p>
      )}
      <PostForm action={`/console/prospects/import/${p.id}`} aria-label="Column mapping">
        <table class="rows mapping">
          <thead>
            <tr>
              <th>Column in the file</th>
              <th>First values</th>
              <th>Import as</th>
            </tr>
          </thead>
          <tbody>
            {p.header.map((h, i) => {
              const inferred = guesses[i]!;
              const chosen = form?.[`col${i}`] ?? inferred;
              const custom = `custom.${customKey(h) || `column_${i + 1}`}`;
              const options = [...TARGETS, ...(TARGETS.includes(custom as never) ? [] : [custom])];
              if (!options.includes(chosen)) options.push(chosen);
              return (
                <tr data-column={h}>
                  <td data-label="Column">
                    <label for={`col${i}`} style="margin:0">
                      {h || <span class="muted">(no name)</span>}
                    </label>
                  </td>
                  <td data-label="First values" class="small">
                    {p.sample.map((r) => r[i]).filter((v) => v).join(' · ') || <span class="muted">empty</span>}
                  </td>
                  <td data-label="Import as">
                    <select id={`col${i}`} name={`col${i}`}>
                      {options.map((t) => (
                        <option value={t} selected={t === chosen}>
                          {importFieldWords(t)}
                          {t === inferred ? (i === byValues ? ' (guessed from its values)' : ' (guessed)') : ''}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <fieldset class="panel" style="margin-top:1rem">
          <legend>
            <strong>An address already in the workspace</strong>
          </legend>
          <label style="font-weight:normal">
            <input type="radio" name="dedupe" value="update" checked={dedupe === 'update'} /> Update it: filled cells replace what is stored, empty cells keep it, custom fields merge
          </label>
          <label style="font-weight:normal">
            <input type="radio" name="dedupe" value="skip" checked={dedupe === 'skip'} /> Skip it: leave the stored prospect as it is
          </label>
        </fieldset>
        <p class="muted small">A row with a problem (a bad address, a wrong number of cells…) is left out and listed with its row number; every other row is imported.</p>
        <button type="submit" class="primary">
          Import {rows.toLocaleString('en')} row(s)
        </button>
      </PostForm>
    </>
  );
};

/** Follows the job: polls its counts and moves the bar; without scripts the page refreshes itself. */
const POLL_SCRIPT = `(function(){var box=document.querySelector('[data-job-status]');if(!box)return;var url=box.getAttribute('data-job-status'),bar=document.getElementById('import-progress'),text=document.getElementById('import-count'),n=function(v){return Number(v).toLocaleString('en')};function tick(){fetch(url,{credentials:'same-origin',headers:{accept:'application/json'}}).then(function(r){if(!r.ok)throw r;return r.json()}).then(function(j){if(j.rowsRead>bar.max)bar.max=j.rowsRead;bar.value=j.rowsRead;var pct=bar.max?Math.round(100*j.rowsRead/bar.max):0;bar.textContent=pct+'%';text.textContent=n(j.rowsRead)+' of about '+n(bar.max)+' rows read ('+pct+'%) — '+n(j.imported)+' new, '+n(j.updated)+' updated, '+n(j.errorCount)+' with a problem';if(j.status!=='running'){location.reload();return}setTimeout(tick,600)}).catch(function(){setTimeout(tick,2000)})}setTimeout(tick,400)})()`;

const JobPage: FC<{ job: ImportJob; rows?: number }> = ({ job, rows }) => {
  const total = Math.max(rows ?? 0, job.rowsRead, 1);
  const pct = Math.round((100 * job.rowsRead) / total);
  const csv = `/console/prospects/import/jobs/${job.id}/errors.csv`;
  if (job.status === 'running') {
    return (
      <>
        <Steps at={2} />
        <section class="panel" aria-label="Import progress" data-job-status={`/console/prospects/import/jobs/${job.id}/status`}>
          <label for="import-progress">Importing…</label>
          <progress id="import-progress" max={total} value={job.rowsRead} style="width:100%;height:1.4rem">
            {pct}%
          </progress>
          <p id="import-count" role="status" aria-live="polite">
            {job.rowsRead.toLocaleString('en')} of about {total.toLocaleString('en')} rows read ({pct}%) — {job.imported.toLocaleString('en')} new, {job.updated.toLocaleString('en')} updated, {job.errorCount.toLocaleString('en')} with a problem
          </p>
          <p class="muted small">You can leave this page: the import goes on, and this page shows the result when you come back.</p>
          <noscript>
            <meta http-equiv="refresh" content="3" />
          </noscript>
          <script>{raw(POLL_SCRIPT)}</script>
        </section>
      </>
    );
  }
  const issues = job.errorCount + job.suppressedCount;
  // The service counts a row left out for a problem as skipped too; here "skipped" is only an address already there.
  const already = Math.max(0, job.skipped - job.errorCount);
  return (
    <>
      <Steps at={2} />
      {job.status === 'failed' ? (
        <p class="notice error" role="alert">
          {job.failureReason ?? 'The import stopped before finishing.'}
        </p>
      ) : (
        <p class="notice ok" role="status" data-import-done>
          Import finished: {job.imported.toLocaleString('en')} new, {job.updated.toLocaleString('en')} updated, {already.toLocaleString('en')} skipped
          {job.errorCount ? `, ${job.errorCount.toLocaleString('en')} row(s) left out` : ''}.
        </p>
      )}
      <div class="cards">
        <div class="card">
          <b>{job.rowsRead.toLocaleString('en')}</b>rows read
        </div>
        <div class="card">
          <b>{job.imported.toLocaleString('en')}</b>new prospects
        </div>
        <div class="card">
          <b>{job.updated.toLocaleString('en')}</b>updated
        </div>
        <div class="card">
          <b>{already.toLocaleString('en')}</b>skipped (already there)
        </div>
        <div class="card">
          <b>{job.errorCount.toLocaleString('en')}</b>left out (a problem)
        </div>
        <div class="card">
          <b>{job.suppressedCount.toLocaleString('en')}</b>suppressed (imported, never mailed)
        </div>
      </div>
      <p class="toolbar">
        <a class="button primary" href="/console/prospects">
          See the prospects
        </a>
        {issues > 0 && (
          <a class="button" href={csv} download data-error-csv>
            Download the report (CSV, {issues.toLocaleString('en')} row(s))
          </a>
        )}
        <a class="button" href="/console/prospects/import">
          Import another file
        </a>
      </p>
      {job.errors.length > 0 && (
        <>
          <h2>Rows left out</h2>
          <p class="muted small">Row numbers are the file’s lines as a spreadsheet shows them (the header is row 1). Fix them and import the file again: rows already in are updated, never duplicated.</p>
          <table class="rows">
            <thead>
              <tr>
                <th>Row</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.slice(0, 100).map((e) => (
                <tr data-error-row={e.row}>
                  <td data-label="Row">{e.row}</td>
                  <td data-label="Why">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {job.errorCount > 100 && <p class="muted">The first 100 are shown; the CSV report has all {job.errorCount.toLocaleString('en')}.</p>}
        </>
      )}
    </>
  );
};
