/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { Template, TemplateCategory } from '../../../shared/contracts/templates';
import { createTemplateRequest, templateCategories, updateTemplateRequest } from '../../../shared/contracts/templates';
import type { Prospect } from '../../../shared/contracts/prospects';
import { copyTemplate, createTemplate, deleteTemplate, getTemplate, listTemplates, renderWith, setFavourite, updateTemplate } from '../../src/modules/templates/service';
import { recordAudit } from '../../src/modules/admin/audit';
import { templateCategoryWords } from '../words';
import { findProspectByEmail, getProspect, listProspects } from '../../src/modules/prospects/service';
import { prospectVars } from '../../../shared/template-vars';
import { htmlToText } from '../../../shared/html-to-text';
import { raw } from 'hono/html';
import { validate } from '../../src/middleware/validate';
import { ConfirmPage, Empty, Field, PostForm, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, fieldErrors, formOf, paged, render, viewerOf } from '../render';
import { redirectWith } from '../notices';
import { mayChange } from '../../src/lib/ownership';

const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  q: z.string().trim().max(200).optional().catch(undefined),
  category: z.enum(templateCategories).optional().catch(undefined),
  /** `favourites`: only the viewer's stars; `library`: only the built-ins; `own`: only the workspace's own. */
  show: z.enum(['favourites', 'library', 'own']).optional().catch(undefined),
});
type ListFilters = { q?: string; category?: TemplateCategory; show?: 'favourites' | 'library' | 'own' };
/** Where the star button goes back to: a templates page of this console, nothing else. */
const backOf = (v: string | undefined, fallback: string) => (v && /^\/console\/templates(?:[/?][\w\-/?=&%.+]*)?$/.test(v) ? v : fallback);
const previewQuery = z.object({ prospect: z.uuid().optional().catch(undefined) });
type Preview = { subject: string; bodyHtml: string; missing: string[]; prospect: Prospect | null };

/** Every call into the templates module sits here, thin, so the richer library API can replace it. */
const library = {
  list: listTemplates,
  get: getTemplate,
  create: createTemplate,
  copy: copyTemplate,
  favourite: setFavourite,
  update: updateTemplate,
  remove: deleteTemplate,
  preview: renderWith,
};

export const templateRoutes = consoleApp()
  .get('/templates', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const s = c.get('session');
    const query = {
      page: q.page,
      limit: PAGE,
      q: q.q || undefined,
      category: q.category,
      favourite: q.show === 'favourites' ? true : undefined,
      builtin: q.show === 'library' ? true : q.show === 'own' ? false : undefined,
    };
    const { rows, total } = await library.list(c.get('deps').db, s.workspaceId, query, s.userId);
    const filters: ListFilters = { q: q.q, category: q.category, show: q.show };
    const here = `/console/templates?${new URLSearchParams(Object.entries({ ...filters, page: q.page > 1 ? String(q.page) : undefined }).filter((e): e is [string, string] => Boolean(e[1])))}`;
    return render(c, 'Templates', paged(<TemplatesPage rows={rows} filters={filters} total={total} here={here} />, '/console/templates', q.page, total, filters));
  })
  // A star is the viewer's own (any member may star any template); the form says where to go back to.
  .post('/templates/:id/favourite', validate('param', idParam), async (c) => {
    const s = c.get('session');
    const form = await formOf(c);
    const id = c.req.valid('param').id;
    const on = form.on === 'true';
    return act(c, backOf(form.back, `/console/templates/${id}`), async () => {
      await library.favourite(c.get('deps').db, s.workspaceId, s.userId, id, on);
      return on ? 'Added to your favourites.' : 'Removed from your favourites.';
    });
  })
  .post('/templates/:id/copy', validate('param', idParam), async (c) => {
    const s = c.get('session');
    const { db } = c.get('deps');
    const t = await library.copy(db, s.workspaceId, s.userId, c.req.valid('param').id);
    return redirectWith(c, `/console/templates/${t.id}`, { kind: 'ok', text: `Copied as “${t.name}”: it is yours to change.` });
  })
  .get('/templates/new', (c) => render(c, 'New template', <TemplateEditor form={{ name: '', subject: '', bodyHtml: '', category: '' }} prospects={[]} />))
  .post('/templates', async (c) => {
    const form = await formOf(c);
    const parsed = createTemplateRequest.safeParse({ name: form.name, subject: form.subject, bodyHtml: form.bodyHtml, category: form.category || null });
    if (!parsed.success) return render(c, 'New template', <TemplateEditor form={form} errors={fieldErrors(parsed.error)} prospects={[]} />, { status: 400, notice: { kind: 'error', text: 'Not saved: check the highlighted fields.' } });
    const t = await library.create(c.get('deps').db, c.get('session').workspaceId, c.get('session').userId, parsed.data);
    return redirectWith(c, `/console/templates/${t.id}`, { kind: 'ok', text: `Template “${t.name}” created.` });
  })
  .get('/templates/:id', validate('param', idParam), validate('query', previewQuery), async (c) => {
    const s = c.get('session');
    const t = await library.get(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('param').id);
    return showEditor(c, t, { name: t.name, subject: t.subject, bodyHtml: t.bodyHtml, category: t.category ?? '' }, c.req.valid('query').prospect);
  })
  .post('/templates/:id', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const t = await library.get(db, ws, c.get('session').userId, c.req.valid('param').id);
    const form = await formOf(c);
    const prospectId = z.uuid().safeParse(form.prospect).data;
    // "Preview" renders what was typed without saving; "Save" stores it.
    if (form.intent === 'preview') return showEditor(c, t, form, prospectId ?? (form.previewEmail?.trim() ? { email: form.previewEmail.trim() } : undefined));
    if (!mayChange(viewerOf(c), 'template', t.ownerId, 'edit')) return redirectWith(c, `/console/templates/${t.id}`, { kind: 'error', text: 'Only the owner or an admin can change this template.' });
    const parsed = updateTemplateRequest.safeParse({ name: form.name, subject: form.subject, bodyHtml: form.bodyHtml, category: form.category || null });
    if (!parsed.success) return showEditor(c, t, form, prospectId, fieldErrors(parsed.error));
    return act(c, `/console/templates/${t.id}`, async () => {
      const saved = await library.update(db, ws, t.id, parsed.data);
      await recordAudit(db, { workspaceId: ws, actorId: c.get('session').userId, action: 'template.updated', target: saved.name });
      return `Saved “${saved.name}”.`;
    });
  })
  .get('/templates/:id/delete', validate('param', idParam), async (c) => {
    const t = await library.get(c.get('deps').db, c.get('session').workspaceId, c.get('session').userId, c.req.valid('param').id);
    return render(
      c,
      'Delete a template',
      <ConfirmPage question={`Delete the template “${t.name}”?`} detail="Emails already sent with it are kept." action={`/console/templates/${t.id}/delete`} confirmLabel="Delete template" back={`/console/templates/${t.id}`} />,
    );
  })
  .post('/templates/:id/delete', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const t = await library.get(db, ws, c.get('session').userId, c.req.valid('param').id);
    if (!mayChange(viewerOf(c), 'template', t.ownerId, 'delete')) return redirectWith(c, `/console/templates/${t.id}`, { kind: 'error', text: 'Only the owner or an admin can delete this template.' });
    return act(c, '/console/templates', async () => {
      await library.remove(db, ws, t.id);
      await recordAudit(db, { workspaceId: ws, actorId: c.get('session').userId, action: 'template.deleted', target: t.name });
      return `Deleted “${t.name}”.`;
    });
  });

/** `who`: a prospect's id, or an address typed in the editor; neither: the newest prospect. */
async function showEditor(c: Parameters<typeof render>[0], t: Template, form: Record<string, string>, who?: string | { email: string }, errors?: Record<string, string>) {
  const { db } = c.get('deps');
  const ws = c.get('session').workspaceId;
  const { rows: prospects } = await listProspects(db, ws, { page: 1, limit: 50, countUpTo: 0 }); // suggestions only: no count
  const prospect =
    typeof who === 'string' ? await getProspect(db, ws, who).catch(() => null) : who ? await findProspectByEmail(db, ws, who.email) : (prospects[0] ?? null);
  const unknown = typeof who === 'object' && !prospect ? who.email : undefined;
  const rendered = library.preview({ subject: form.subject ?? '', bodyHtml: form.bodyHtml ?? '' }, prospect ? prospectVars(prospect) : {});
  return render(c, t.name, <TemplateEditor template={t} form={form} errors={errors} prospects={prospects} preview={{ ...rendered, prospect }} />, {
    status: errors ? 400 : 200,
    notice: errors ? { kind: 'error', text: 'Not saved: check the highlighted fields.' } : unknown ? { kind: 'error', text: `No prospect has the address ${unknown}: the preview leaves their variables empty.` } : undefined,
  });
}

const pct = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

export const TemplatesPage: FC<{ rows: Template[]; filters: ListFilters; total: number; here: string }> = ({ rows, filters, total, here }) => {
  const viewer = useViewer();
  const favourites = rows.filter((t) => t.favourite);
  const rest = rows.filter((t) => !t.favourite);
  const mine = rest.filter((t) => t.ownerId === viewer?.userId);
  const team = rest.filter((t) => t.ownerId !== viewer?.userId && !t.builtinKey);
  // Seeded from Lumina's library: the workspace's to edit (admins) or copy; shown apart from colleagues' own.
  const builtin = rest.filter((t) => t.ownerId !== viewer?.userId && t.builtinKey);
  const filtered = Boolean(filters.q || filters.category || filters.show);
  return (
    <>
      <form method="get" action="/console/templates" class="toolbar" role="search">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={filters.q ?? ''} placeholder="template name" />
        </div>
        <div>
          <label for="category">Category</label>
          <select id="category" name="category">
            <option value="">All</option>
            {templateCategories.map((k) => (
              <option value={k} selected={filters.category === k}>
                {templateCategoryWords(k)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="show">Show</label>
          <select id="show" name="show">
            <option value="">Everything</option>
            <option value="favourites" selected={filters.show === 'favourites'}>
              My favourites
            </option>
            <option value="own" selected={filters.show === 'own'}>
              The workspace’s own
            </option>
            <option value="library" selected={filters.show === 'library'}>
              Built-in library
            </option>
          </select>
        </div>
        <button type="submit">Search</button>
        {filtered && <a href="/console/templates">Clear</a>}
        {viewer?.role !== 'viewer' && (
          <a class="button primary" href="/console/templates/new">
            New template
          </a>
        )}
      </form>
      <p class="muted small">
        {total} template(s){filtered ? ' match' : ''}. Open and reply rates are measured on the emails sent with each template: people’s opens only, never a scanner’s.
      </p>
      {filtered && rows.length === 0 && (
        <p class="panel" data-empty>
          No template matches. <a href="/console/templates">Clear the filters</a> to see the whole library.
        </p>
      )}
      {favourites.length > 0 && <TemplateTable title="★ Your favourites" rows={favourites} empty="" here={here} />}
      {/* Filtered, a section with nothing in it is left out; unfiltered, it says what to do. */}
      {(!filtered || mine.length > 0) && <TemplateTable title="Mine" rows={mine} empty="You have no templates yet — click “New template” to write one, or copy one from the library." here={here} />}
      {(!filtered || team.length > 0) && <TemplateTable title="From the team" rows={team} empty="Nobody else has shared a template yet." here={here} />}
      {builtin.length > 0 && <TemplateTable title="Built-in library" rows={builtin} empty="" here={here} />}
    </>
  );
};

/** The star of one template: a form, so it works without scripts; it comes back to `back`. */
export const FavouriteButton: FC<{ t: Template; back: string; words?: boolean }> = ({ t, back, words }) => {
  const viewer = useViewer();
  if (!viewer || viewer.role === 'viewer') return t.favourite ? <span aria-label="favourite">★</span> : null;
  return (
    <PostForm action={`/console/templates/${t.id}/favourite`} class="inline">
      <input type="hidden" name="on" value={t.favourite ? 'false' : 'true'} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="star" aria-pressed={t.favourite ? 'true' : 'false'} aria-label={t.favourite ? `Remove “${t.name}” from favourites` : `Add “${t.name}” to favourites`} title={t.favourite ? 'Remove from favourites' : 'Add to favourites'}>
        {t.favourite ? '★' : '☆'}
        {words && <span class="star-words">{t.favourite ? ' In your favourites' : ' Add to favourites'}</span>}
      </button>
    </PostForm>
  );
};

const STAR_CSS = `table.tpl th{white-space:nowrap}.star-words{font-size:.8rem;color:#1d2330;vertical-align:middle}button.star{border:0;background:none;font-size:1.25rem;line-height:1;padding:0 .2rem;color:#b7791f}button.star[aria-pressed=false]{color:#7a8299}`;

const TemplateTable: FC<{ title: string; rows: Template[]; empty: string; here: string }> = ({ title, rows, empty, here }) => (
  <>
    <style>{raw(STAR_CSS)}</style>
    <h2>{title}</h2>
    <table class="rows tpl">
      <thead>
        <tr>
          <th aria-label="Favourite"></th>
          <th>Name</th>
          <th>Category</th>
          <th>Subject</th>
          <th>Used</th>
          <th>Opened</th>
          <th>Replied</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty cols={8}>{empty}</Empty>}
        {rows.map((t) => (
          <tr data-template={t.name}>
            <td data-label="Favourite">
              <FavouriteButton t={t} back={here} />
            </td>
            <td data-label="Name">
              <a href={`/console/templates/${t.id}`}>{t.name}</a>
            </td>
            <td data-label="Category">{templateCategoryWords(t.category)}</td>
            <td data-label="Subject">{t.subject || <span class="muted">no subject</span>}</td>
            <td data-label="Used">{t.usageCount === 0 ? <span class="muted">not yet</span> : `${t.usageCount} email(s)`}</td>
            <td data-label="Opened">{t.performance.sent ? <span title={`${t.performance.humanOpens} of ${t.performance.sent} sent`}>{pct(t.performance.humanOpenRate)}</span> : <span class="muted">—</span>}</td>
            <td data-label="Replied">{t.performance.sent ? <span title={`${t.performance.replies} of ${t.performance.sent} sent`}>{pct(t.performance.replyRate)}</span> : <span class="muted">—</span>}</td>
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
      {template && (
        <section class="panel" aria-label="About this template">
          <div class="toolbar" style="align-items:center;margin-bottom:.4rem">
            <style>{raw(STAR_CSS)}</style>
            <FavouriteButton t={template} back={`/console/templates/${template.id}`} words />
            <span>
              {template.builtinKey ? 'From Lumina’s built-in library' : template.ownerId === viewer?.userId ? 'Yours' : template.ownerId ? 'A colleague’s' : 'The workspace’s'} · {templateCategoryWords(template.category)}
            </span>
            {viewer && viewer.role !== 'viewer' && (
              <PostForm action={`/console/templates/${template.id}/copy`} class="inline">
                <button type="submit">Copy to my templates</button>
              </PostForm>
            )}
          </div>
          <p class="small" style="margin:0" data-figures>
            {template.usageCount === 0
              ? 'Not used in any email yet.'
              : `Used in ${template.usageCount} email(s): ${template.performance.sent} sent, opened by ${template.performance.humanOpens} (${pct(template.performance.humanOpenRate)}), replied by ${template.performance.replies} (${pct(template.performance.replyRate)}).`}
          </p>
          {!editable && viewer?.role !== 'viewer' && <p class="muted small" style="margin:.4rem 0 0">Only its owner or an admin can change it: copy it to make your own version.</p>}
        </section>
      )}
      <style>{raw('#f-name,#f-subject,#f-previewEmail{width:100%;max-width:44rem}')}</style>
      <PostForm action={template ? `/console/templates/${template.id}` : '/console/templates'} aria-label="Template">
        <Field name="name" label="Name" value={form.name} errors={errors} required />
        <div class="field">
          <label for="f-category">Category</label>
          <select id="f-category" name="category" aria-invalid={errors?.category ? 'true' : undefined}>
            <option value="">No category</option>
            {templateCategories.map((k) => (
              <option value={k} selected={form.category === k}>
                {templateCategoryWords(k)}
              </option>
            ))}
          </select>
          {errors?.category && <p class="field-error">{errors.category}</p>}
        </div>
        <Field name="subject" label="Subject" value={form.subject} errors={errors} />
        <div class="field">
          <label for="f-bodyHtml">Body</label>
          <textarea id="f-bodyHtml" name="bodyHtml" rows={10} aria-invalid={errors?.bodyHtml ? 'true' : undefined}>
            {form.bodyHtml ?? ''}
          </textarea>
          {errors?.bodyHtml && <p class="field-error">{errors.bodyHtml}</p>}
        </div>
        <details class="panel" open>
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
          {template && template.variableFallbacks.length > 0 && (
            <>
              <p class="small" style="margin-bottom:.2rem">
                <strong>This template uses:</strong>
              </p>
              <ul class="small" data-template-vars>
                {template.variableFallbacks.map((v) => (
                  <li>
                    <code>{`{{${v.name}}}`}</code> — {v.fallback ? `“${v.fallback}” when missing` : 'no fallback: a prospect without it cannot be sent this'}
                  </li>
                ))}
              </ul>
            </>
          )}
        </details>
        {template && (
          <div class="field">
            <label for="f-previewEmail">Preview for (a prospect’s email)</label>
            <input id="f-previewEmail" name="previewEmail" type="email" list="preview-prospects" value={preview?.prospect?.email ?? form.previewEmail ?? ''} placeholder={prospects.length ? 'name@company.com' : 'no prospect yet (variables stay empty)'} />
            <datalist id="preview-prospects">
              {prospects.map((p) => (
                <option value={p.email} />
              ))}
            </datalist>
            <div class="muted small">Type any prospect’s address; the latest ones are suggested.</div>
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
