/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { parse } from 'csv-parse/sync';
import type { Suppression } from '../../../shared/contracts/suppressions';
import { addSuppression, allSuppressions, getSuppression, importSuppressions, listSuppressions, removeSuppression } from '../../src/modules/suppressions/service';
import { emailSummaries } from '../../src/modules/emails/service';
import { validate } from '../../src/middleware/validate';
import { ConfirmPage, Empty, Field, PostForm, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, fieldErrors, formOf, paged, render } from '../render';
import { redirectWith } from '../notices';
import { recordAudit } from '../../src/modules/admin/audit';
import { csvDownload } from '../csv';
import { suppressionReasonWords } from '../words';

type Source = { to: string; subject: string; sentAt: Date | null; createdAt: Date };
const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1), q: z.string().trim().max(320).optional().catch(undefined) });
const addForm = z.object({ email: z.email('Enter a full email address, e.g. name@company.com').max(320) });
const MAX_IMPORT = 10_000;

/** Members add (it only ever stops mail); lifting means mailing someone who asked not to be, so it takes an admin. */
export const suppressionRoutes = consoleApp()
  .get('/suppressions', validate('query', listQuery), async (c) => renderList(c, c.req.valid('query')))
  .get('/suppressions/export.csv', async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    await recordAudit(db, { workspaceId: ws, actorId: c.get('session').userId, action: 'data.exported', target: 'suppressions', data: {} });
    async function* rows() {
      for await (const s of allSuppressions(db, ws)) yield [s.email, suppressionReasonWords(s.reason), s.reason, s.createdAt, s.sourceEmailId ?? ''];
    }
    return csvDownload(c, 'suppressions.csv', ['email', 'reason', 'reason_code', 'since', 'source_email_id'], rows());
  })
  .post('/suppressions', async (c) => {
    const form = await formOf(c);
    const parsed = addForm.safeParse(form);
    if (!parsed.success)
      return renderList(c, { page: 1 }, { form, errors: fieldErrors(parsed.error), status: 400, notice: { kind: 'error', text: 'Nothing was added: check the address.' } });
    return act(c, '/console/suppressions', async () => {
      const { created, suppression } = await addSuppression(c.get('deps').db, c.get('session').workspaceId, { email: parsed.data.email, reason: 'manual' }, c.get('session').userId);
      return created ? `${suppression.email} is suppressed: Lumina will not send to it.` : `${suppression.email} was already suppressed.`;
    });
  })
  .post('/suppressions/import', async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    const text = file instanceof File ? await file.text() : typeof body.csv === 'string' ? body.csv : '';
    const addresses = addressesOf(text);
    if (!addresses.ok) return redirectWith(c, '/console/suppressions', { kind: 'error', text: addresses.error });
    const { workspaceId, userId } = c.get('session');
    const result = await importSuppressions(c.get('deps').db, workspaceId, addresses.rows, userId);
    const added = result.imported;
    const bad = result.invalid.map((i) => i.email);
    const skipped = result.alreadyListed;
    const parts = [`Imported ${added} new suppression(s)`, skipped ? `${skipped} already on the list` : '', bad.length ? `${bad.length} not an address (${bad.slice(0, 3).join(', ')}${bad.length > 3 ? '…' : ''})` : ''];
    return redirectWith(c, '/console/suppressions', { kind: bad.length ? 'error' : 'ok', text: `${parts.filter(Boolean).join('; ')}.` });
  })
  .get('/suppressions/:id/lift', validate('param', idParam), async (c) => {
    if (c.get('session').role !== 'admin') return redirectWith(c, '/console/suppressions', { kind: 'error', text: 'Only an admin can lift a suppression.' });
    const s = await getSuppression(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    if (!s) return redirectWith(c, '/console/suppressions', { kind: 'error', text: 'That suppression was already lifted.' });
    return render(
      c,
      'Lift a suppression',
      <ConfirmPage
        question={`Lift the suppression of ${s.email}?`}
        detail={`Reason: ${suppressionReasonWords(s.reason)}. Lumina will be able to send to this address again — only do this if they asked to hear from you.`}
        action={`/console/suppressions/${s.id}/lift`}
        confirmLabel="Lift suppression"
        back="/console/suppressions"
      />,
    );
  })
  .post('/suppressions/:id/lift', validate('param', idParam), async (c) => {
    if (c.get('session').role !== 'admin') return render(c, 'Not allowed', <p>Only an admin can lift a suppression.</p>, { status: 403 });
    const { db } = c.get('deps');
    const { workspaceId, userId } = c.get('session');
    return act(c, '/console/suppressions', async () => {
      const s = await getSuppression(db, workspaceId, c.req.valid('param').id);
      if (!s || !(await removeSuppression(db, workspaceId, s.id, userId))) return 'That suppression was already lifted.';
      return `Lifted: ${s.email} can be mailed again.`;
    });
  });

async function renderList(
  c: Parameters<typeof render>[0],
  query: { page: number; q?: string },
  extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: 400; notice?: { kind: 'error'; text: string } } = {},
) {
  const { db } = c.get('deps');
  const ws = c.get('session').workspaceId;
  const { rows, total } = await listSuppressions(db, ws, { page: query.page, limit: PAGE, q: query.q || undefined });
  const sources = await emailSummaries(db, ws, rows.flatMap((r) => (r.sourceEmailId ? [r.sourceEmailId] : [])));
  return render(
    c,
    'Suppressions',
    paged(<SuppressionsPage rows={rows} total={total} q={query.q} sources={sources} form={extra.form} errors={extra.errors} />, '/console/suppressions', query.page, total, { q: query.q }),
    { status: extra.status, notice: extra.notice },
  );
}

export const SuppressionsPage: FC<{ rows: Suppression[]; total: number; q?: string; sources: Map<string, Source>; form?: Record<string, string>; errors?: Record<string, string> }> = ({
  rows,
  total,
  q,
  sources,
  form,
  errors,
}) => {
  const viewer = useViewer();
  const canWrite = viewer?.role !== 'viewer';
  return (
    <>
      <p class="muted">Lumina never sends to these addresses. {total} on the list{q ? ` matching “${q}”` : ''}.</p>
      <form method="get" action="/console/suppressions" class="toolbar" role="search">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={q ?? ''} placeholder="part of an address" />
        </div>
        <button type="submit">Search</button>
        <a class="button" href="/console/suppressions/export.csv">
          Export CSV
        </a>
      </form>
      {canWrite && (
        <div class="panel">
          <PostForm action="/console/suppressions" class="toolbar" aria-label="Add a suppression">
            <Field name="email" label="Suppress an address" type="email" value={form?.email} errors={errors} required attrs={{ placeholder: 'name@company.com' }} />
            <div class="field">
              <button type="submit" class="primary">
                Add
              </button>
            </div>
          </PostForm>
          <details>
            <summary>Import a CSV of addresses</summary>
            <PostForm action="/console/suppressions/import" enctype="multipart/form-data" aria-label="Import suppressions">
              <p class="muted small">One address per row; a header row and other columns are fine (the column named “email”, or the first, is used). Up to {MAX_IMPORT.toLocaleString('en')} rows.</p>
              <label for="file">CSV file</label>
              <input id="file" name="file" type="file" accept=".csv,text/csv" />
              <div class="toolbar" style="margin-top:.5rem">
                <button type="submit">Import</button>
              </div>
            </PostForm>
          </details>
        </div>
      )}
      <table class="rows">
        <thead>
          <tr>
            <th>Address</th>
            <th>Reason</th>
            <th>Caused by</th>
            <th>Since</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <Empty cols={5}>{q ? 'No suppressed address matches that search.' : 'Nobody is suppressed yet. Unsubscribes, hard bounces and spam complaints land here by themselves; add one by hand above.'}</Empty>}
          {rows.map((s) => {
            const src = s.sourceEmailId ? sources.get(s.sourceEmailId) : undefined;
            return (
              <tr data-suppression={s.email}>
                <td data-label="Address">{s.email}</td>
                <td data-label="Reason">{suppressionReasonWords(s.reason)}</td>
                <td data-label="Caused by">
                  {src ? (
                    <>
                      the email “{src.subject}” (<When at={src.sentAt ?? src.createdAt} />)
                    </>
                  ) : (
                    <span class="muted">{s.reason === 'manual' ? 'added by a person' : '—'}</span>
                  )}
                </td>
                <td data-label="Since">
                  <When at={s.createdAt} />
                </td>
                <td>
                  {viewer?.role === 'admin' && (
                    <a class="button" href={`/console/suppressions/${s.id}/lift`}>
                      Lift…
                    </a>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
};

function addressesOf(text: string): { ok: true; rows: string[] } | { ok: false; error: string } {
  if (!text.trim()) return { ok: false, error: 'Choose a CSV file to import.' };
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: true, trim: true, bom: true });
  } catch (err) {
    return { ok: false, error: `That file is not a CSV Lumina can read: ${(err as Error).message}` };
  }
  if (records.length > MAX_IMPORT + 1) return { ok: false, error: `That file has ${records.length} rows; import at most ${MAX_IMPORT} at a time.` };
  const header = records[0]!.map((h) => h.toLowerCase());
  const hasHeader = header.some((h) => h === 'email' || h === 'address' || h === 'e-mail');
  const col = hasHeader ? Math.max(0, header.findIndex((h) => h === 'email' || h === 'address' || h === 'e-mail')) : 0;
  return { ok: true, rows: (hasHeader ? records.slice(1) : records).map((r) => r[col] ?? '').filter(Boolean) };
}
