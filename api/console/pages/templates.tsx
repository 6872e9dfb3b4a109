/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { Template } from '../../../shared/contracts/templates';
import { createTemplateRequest, updateTemplateRequest } from '../../../shared/contracts/templates';
import type { Prospect } from '../../../shared/contracts/prospects';
import { createTemplate, deleteTemplate, getTemplateRow, listTemplates, renderWith, toTemplate, updateTemplate } from '../../src/modules/templates/service';
import { getProspect, listProspects } from '../../src/modules/prospects/service';
import { prospectVars } from '../../../shared/template-vars';
import { htmlToText } from '../../../shared/html-to-text';
import { validate } from '../../src/middleware/validate';
import { ConfirmPage, Empty, Field, PostForm, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, fieldErrors, formOf, paged, render, viewerOf } from '../render';
import { redirectWith } from '../notices';
import { mayChange } from '../../src/lib/ownership';

const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1), q: z.string().trim().max(200).optional().catch(undefined) });
const previewQuery = z.object({ prospect: z.uuid().optional().catch(undefined) });
type Preview = { subject: string; bodyHtml: string; missing: string[]; prospect: Prospect | null };

/** Every call into the templates module sits here, thin, so the richer library API can replace it. */
const library = {
  list: listTemplates,
  get: async (...a: Parameters<typeof getTemplateRow>) => toTemplate(await getTemplateRow(...a)),
  create: createTemplate,
  update: updateTemplate,
  remove: deleteTemplate,
  preview: renderWith,
};

export const templateRoutes = consoleApp()
  .get('/templates', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const { rows, total } = await library.list(c.get('deps').db, c.get('session').workspaceId, { page: q.page, limit: PAGE, q: q.q || undefined }, c.get('session').userId);
    return render(c, 'Templates', paged(<TemplatesPage rows={rows} q={q.q} />, '/console/templates', q.page, total, { q: q.q }));
  })
  .get('/templates/new', (c) => render(c, 'New template', <TemplateEditor form={{ name: '', subject: '', bodyHtml: '' }} prospects={[]} />))
  .post('/templates', async (c) => {
    const form = await formOf(c);
    const parsed = createTemplateRequest.safeParse({ name: form.name, subject: form.subject, bodyHtml: form.bodyHtml });
    if (!parsed.success) return render(c, 'New template', <TemplateEditor form={form} errors={fieldErrors(parsed.error)} prospects={[]} />, { status: 400, notice: { kind: 'error', text: 'Not saved: check the highlighted fields.' } });
    const t = await library.create(c.get('deps').db, c.get('session').workspaceId, c.get('session').userId, parsed.data);
    return redirectWith(c, `/console/templates/${t.id}`, { kind: 'ok', text: `Template “${t.name}” created.` });
  })
  .get('/templates/:id', validate('param', idParam), validate('query', previewQuery), async (c) => {
    const t = await library.get(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return showEditor(c, t, { name: t.name, subject: t.subject, bodyHtml: t.bodyHtml }, c.req.valid('query').prospect);
  })
  .post('/templates/:id', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const t = await library.get(db, ws, c.req.valid('param').id);
    const form = await formOf(c);
    const prospectId = z.uuid().safeParse(form.prospect).data;
    // "Preview" renders what was typed without saving; "Save" stores it.
    if (form.intent === 'preview') return showEditor(c, t, form, prospectId);
    if (!mayChange(viewerOf(c), 'template', t.ownerId, 'edit')) return redirectWith(c, `/console/templates/${t.id}`, { kind: 'error', text: 'Only the owner or an admin can change this template.' });
    const parsed = updateTemplateRequest.safeParse({ name: form.name, subject: form.subject, bodyHtml: form.bodyHtml });
    if (!parsed.success) return showEditor(c, t, form, prospectId, fieldErrors(parsed.error));
    return act(c, `/console/templates/${t.id}`, async () => {
      const saved = await library.update(db, ws, t.id, parsed.data);
      return `Saved “${saved.name}”.`;
    });
  })
  .get('/templates/:id/delete', validate('param', idParam), async (c) => {
    const t = await library.get(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return render(
      c,
      'Delete a template',
      <ConfirmPage question={`Delete the template “${t.name}”?`} detail="Emails already sent with it are kept." action={`/console/templates/${t.id}/delete`} confirmLabel="Delete template" back={`/console/templates/${t.id}`} />,
    );
  })
  .post('/templates/:id/delete', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const t = await library.get(db, ws, c.req.valid('param').id);
    if (!mayChange(viewerOf(c), 'template', t.ownerId, 'delete')) return redirectWith(c, `/console/templates/${t.id}`, { kind: 'error', text: 'Only the owner or an admin can delete this template.' });
    return act(c, '/console/templates', async () => {
      await library.remove(db, ws, t.id);
      return `Deleted “${t.name}”.`;
    });
  });

async function showEditor(c: Parameters<typeof render>[0], t: Template, form: Record<string, string>, prospectId?: string, errors?: Record<string, string>) {
  const { db } = c.get('deps');
  const ws = c.get('session').workspaceId;
  const { rows: prospects } = await listProspects(db, ws, { page: 1, limit: 50 });
  const prospect = prospectId ? await getProspect(db, ws, prospectId).catch(() => null) : (prospects[0] ?? null);
  const rendered = library.preview({ subject: form.subject ?? '', bodyHtml: form.bodyHtml ?? '' }, prospect ? prospectVars(prospect) : {});
  return render(c, t.name, <TemplateEditor template={t} form={form} errors={errors} prospects={prospects} preview={{ ...rendered, prospect }} />, {
    status: errors ? 400 : 200,
    notice: errors ? { kind: 'error', text: 'Not saved: check the highlighted fields.' } : undefined,
  });
}

export const TemplatesPage: FC<{ rows: Template[]; q?: string }> = ({ rows, q }) => {
  const viewer = useViewer();
  const mine = rows.filter((t) => t.ownerId === viewer?.userId);
  const team = rows.filter((t) => t.ownerId !== viewer?.userId && !t.builtinKey);
  // Seeded from Lumina's library: the workspace's to edit (admins) or copy; shown apart from colleagues' own.
  const builtin = rows.filter((t) => t.ownerId !== viewer?.userId && t.builtinKey);
  return (
    <>
      <form method="get" action="/console/templates" class="toolbar" role="search">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={q ?? ''} placeholder="template name" />
        </div>
        <button type="submit">Search</button>
        {viewer?.role !== 'viewer' && (
          <a class="button primary" href="/console/templates/new">
            New template
          </a>
        )}
      </form>
      <TemplateTable title="Mine" rows={mine} empty={q ? 'None of yours match.' : 'You have no templates yet — click “New template” to write one.'} />
      <TemplateTable title="From the team" rows={team} empty={q ? 'None of the team’s match.' : 'Nobody else has shared a template yet.'} />
      {builtin.length > 0 && <TemplateTable title="Built-in library" rows={builtin} empty="" />}
    </>
  );
};

const TemplateTable: FC<{ title: string; rows: Template[]; empty: string }> = ({ title, rows, empty }) => (
  <>
    <h2>{title}</h2>
    <table class="rows">
      <thead>
        <tr>
          <th>Name</th>
          <th>Subject</th>
          <th>Variables</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty cols={4}>{empty}</Empty>}
        {rows.map((t) => (
          <tr data-template={t.name}>
            <td data-label="Name">
              <a href={`/console/templates/${t.id}`}>{t.name}</a>
            </td>
            <td data-label="Subject">{t.subject || <span class="muted">no subject</span>}</td>
            <td data-label="Variables">{t.variables.length ? t.variables.join(', ') : <span class="muted">none</span>}</td>
            <td data-label="Updated">
              <When at={t.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);

const VARIABLES = [
  ['firstName', 'first name'],
  ['lastName', 'last name'],
  ['fullName', 'first and last name'],
  ['company', 'company'],
  ['title', 'job title'],
  ['email', 'email address'],
  ['custom.<name>', 'a custom field, e.g. {{custom.industry}}'],
];

export const TemplateEditor: FC<{ template?: Template; form: Record<string, string>; errors?: Record<string, string>; prospects: Prospect[]; preview?: Preview }> = ({ template, form, errors, prospects, preview }) => {
  const viewer = useViewer();
  const editable = viewer ? (template ? mayChange(viewer, 'template', template.ownerId, 'edit') : viewer.role !== 'viewer') : false;
  return (
    <>
      <p>
        <a href="/console/templates">← All templates</a>
      </p>
      <PostForm action={template ? `/console/templates/${template.id}` : '/console/templates'} aria-label="Template">
        <Field name="name" label="Name" value={form.name} errors={errors} required />
        <Field name="subject" label="Subject" value={form.subject} errors={errors} />
        <div class="field">
          <label for="f-bodyHtml">Body</label>
          <textarea id="f-bodyHtml" name="bodyHtml" rows={10} aria-invalid={errors?.bodyHtml ? 'true' : undefined}>
            {form.bodyHtml ?? ''}
          </textarea>
          {errors?.bodyHtml && <p class="field-error">{errors.bodyHtml}</p>}
        </div>
        <details class="panel">
          <summary>Variables you can use</summary>
          <ul>
            {VARIABLES.map(([name, words]) => (
              <li>
                <code>{`{{${name}}}`}</code> — {words}
              </li>
            ))}
          </ul>
          <p class="small">
            Add a fallback for prospects without the field: <code>{'{{firstName|there}}'}</code> writes “there” when the first name is missing.
          </p>
        </details>
        {template && (
          <div class="field">
            <label for="f-prospect">Preview for</label>
            <select id="f-prospect" name="prospect">
              {prospects.length === 0 && <option value="">no prospect yet (variables stay empty)</option>}
              {prospects.map((p) => (
                <option value={p.id} selected={p.id === preview?.prospect?.id}>
                  {p.email}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="toolbar">
          {editable && (
            <button type="submit" name="intent" value="save" class="primary">
              Save
            </button>
          )}
          {template && (
            <button type="submit" name="intent" value="preview">
              Preview
            </button>
          )}
          {template && editable && (
            <a class="button danger" href={`/console/templates/${template.id}/delete`}>
              Delete…
            </a>
          )}
        </div>
      </PostForm>
      {preview && (
        <section class="panel" aria-label="Preview">
          <h2 style="margin-top:0">Preview{preview.prospect ? ` for ${preview.prospect.email}` : ''}</h2>
          {preview.missing.length > 0 && (
            <p class="warn" role="status">
              Missing for this prospect: {preview.missing.map((m) => `{{${m}}}`).join(', ')} — add a fallback or fill the field, or the email cannot be sent.
            </p>
          )}
          <p>
            <strong>Subject:</strong> {preview.subject || <span class="muted">(empty)</span>}
          </p>
          {/* As the recipient's plain-text view: readable, and no template markup runs inside the console. */}
          <pre class="preview" data-preview-body>
            {htmlToText(preview.bodyHtml) || '(empty body)'}
          </pre>
        </section>
      )}
      {template && (
        <p class="muted small">
          Last changed <When at={template.updatedAt} />
        </p>
      )}
    </>
  );
};
