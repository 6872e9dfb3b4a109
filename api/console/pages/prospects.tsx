/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { Prospect } from '../../../shared/contracts/prospects';
import { prospectFlagFilters, updateProspectRequest, type ProspectFlagFilter } from '../../../shared/contracts/prospects';
import type { Member } from '../../../shared/contracts/admin';
import { campaignChoices, deleteProspect, getProspect, listProspects, prospectStatuses, prospectTimeZones, statusesOf, updateProspect, type ProspectStatus } from '../../src/modules/prospects/service';
import { recordAudit } from '../../src/modules/admin/audit';
import { prospectActivity } from '../../src/modules/prospects/activity';
import { listMembers } from '../../src/modules/admin/service';
import { validate } from '../../src/middleware/validate';
import { ConfirmPage, Empty, Field, PostForm, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, fieldErrors, formOf, paged, render, viewerOf } from '../render';
import { redirectWith } from '../notices';
import { mayChange } from '../../src/lib/ownership';
import { ApiError } from '../../src/lib/api-error';
import { checkChangedRecipient, recipientCheckerFor } from '../../src/modules/deliverability/recipients';
import { eraseProspect, exportProspect } from '../../src/modules/privacy/service';
import { campaignStatusWords, countWords, emailStatusWords, eventWords, leadStatusWords, prospectStandingWords, recipientFlagHint, recipientFlagWords } from '../words';

type Activity = Awaited<ReturnType<typeof prospectActivity>>;
const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  q: z.string().trim().max(200).optional().catch(undefined),
  owner: z.union([z.uuid(), z.literal('me')]).optional().catch(undefined),
  status: z.enum(prospectStatuses).optional().catch(undefined),
  campaign: z.uuid().optional().catch(undefined),
  tz: z.string().trim().min(1).max(64).optional().catch(undefined),
  flag: z.enum(prospectFlagFilters).optional().catch(undefined),
});
type Filters = { q?: string; owner?: string; status?: ProspectStatus; campaign?: string; tz?: string; flag?: ProspectFlagFilter };
/** The list counts this far and then says "more than": the pager reaches page 200, filters narrow the rest. */
const COUNT_UP_TO = 10_000;
const FIELDS = [
  ['email', 'Email'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['company', 'Company'],
  ['title', 'Job title'],
  ['timeZone', 'Time zone'],
] as const;

export const prospectRoutes = consoleApp()
  .get('/prospects', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const { db } = c.get('deps');
    const { workspaceId, userId } = c.get('session');
    const ownerId = q.owner === 'me' ? userId : q.owner;
    const [{ rows, total, capped }, members, campaigns, zones] = await Promise.all([
      listProspects(db, workspaceId, { page: q.page, limit: PAGE, q: q.q || undefined, ownerId, status: q.status, campaignId: q.campaign, timeZone: q.tz, flag: q.flag, countUpTo: COUNT_UP_TO }),
      listMembers(db, workspaceId, { page: 1, limit: 200 }),
      campaignChoices(db, workspaceId),
      prospectTimeZones(db, workspaceId),
    ]);
    const statuses = await statusesOf(db, workspaceId, rows);
    const filters: Filters = { q: q.q, owner: q.owner, status: q.status, campaign: q.campaign, tz: q.tz, flag: q.flag };
    return render(
      c,
      'Prospects',
      paged(
        <ProspectsPage rows={rows} total={total} capped={capped} members={members.rows} campaigns={campaigns} zones={zones} statuses={statuses} filters={filters} />,
        '/console/prospects',
        q.page,
        total,
        filters,
      ),
    );
  })
  .get('/prospects/:id', validate('param', idParam), async (c) => showProspect(c, c.req.valid('param').id))
  .post('/prospects/:id', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const id = c.req.valid('param').id;
    const prospect = await getProspect(db, ws, id);
    if (!mayChange(viewerOf(c), 'prospect', prospect.ownerId, 'edit')) return redirectWith(c, `/console/prospects/${id}`, { kind: 'error', text: 'Only the owner or an admin can edit this prospect.' });
    const form = await formOf(c);
    const custom = customFieldsOf(form.customFields ?? '');
    const parsed = updateProspectRequest.safeParse({
      email: form.email,
      ...Object.fromEntries(FIELDS.slice(1).map(([k]) => [k, form[k]?.trim() ? form[k] : null])),
      ...(custom.ok ? { customFields: custom.value } : {}),
    });
    if (!parsed.success || !custom.ok) {
      const errors = parsed.success ? {} : fieldErrors(parsed.error);
      if (!custom.ok) errors.customFields = custom.error;
      for (const key of Object.keys(errors)) if (key.startsWith('customFields.')) errors.customFields = `${key.slice(13)}: ${errors[key]}`;
      return showProspect(c, id, { form, errors });
    }
    // The API's edit rule: a changed address is checked as on add; one that takes no mail is shown on its field, nothing saved.
    let check: Awaited<ReturnType<typeof checkChangedRecipient>>;
    try {
      check = await checkChangedRecipient(recipientCheckerFor(c.get('deps').config), prospect, parsed.data.email);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'UNPROCESSABLE') throw err;
      return showProspect(c, id, { form, errors: { email: err.message } });
    }
    return act(c, `/console/prospects/${id}`, async () => {
      const p = await updateProspect(db, ws, id, parsed.data, check?.flags);
      return check?.message ? `Saved ${p.email}. Note: ${check.message}.` : `Saved ${p.email}.`;
    });
  })
  .get('/prospects/:id/delete', validate('param', idParam), async (c) => {
    const p = await getProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return render(
      c,
      'Delete a prospect',
      <ConfirmPage
        question={`Delete ${p.email}?`}
        detail="Their record and custom fields are removed and they leave every campaign. Emails already sent stay in the history."
        action={`/console/prospects/${p.id}/delete`}
        confirmLabel="Delete prospect"
        back={`/console/prospects/${p.id}`}
      />,
    );
  })
  // A person's data (GDPR art. 15 and 17): the same service as GET /api/prospects/:id/export and POST …/erase.
  .get('/prospects/:id/export', validate('param', idParam), async (c) => {
    const s = c.get('session');
    if (s.role === 'viewer') return redirectWith(c, `/console/prospects/${c.req.valid('param').id}`, { kind: 'error', text: 'Viewers cannot download a person’s data.' });
    const doc = await exportProspect(c.get('deps').db, s.workspaceId, c.req.valid('param').id, s.userId);
    c.header('content-disposition', `attachment; filename="prospect-${doc.prospect.id}.json"`);
    c.header('cache-control', 'no-store');
    return c.json(doc);
  })
  .get('/prospects/:id/erase', validate('param', idParam), async (c) => {
    const p = await getProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    if (c.get('session').role !== 'admin') return redirectWith(c, `/console/prospects/${p.id}`, { kind: 'error', text: 'Only an admin can erase a person.' });
    return render(
      c,
      'Erase a person',
      <ConfirmPage
        question={`Erase ${p.email} for good?`}
        detail="Their record, campaign places and drafts are deleted; the emails sent to them lose recipient, subject and text, and their opens and clicks lose browser and IP. Counts stay. Only a fingerprint of the address is kept so nobody mails or imports them again. This cannot be undone: download their data first if they asked for a copy."
        action={`/console/prospects/${p.id}/erase`}
        confirmLabel="Erase for good"
        back={`/console/prospects/${p.id}`}
      />,
    );
  })
  .post('/prospects/:id/erase', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const s = c.get('session');
    const id = c.req.valid('param').id;
    if (s.role !== 'admin') return redirectWith(c, `/console/prospects/${id}`, { kind: 'error', text: 'Only an admin can erase a person.' });
    return act(c, '/console/prospects', async () => {
      const r = await eraseProspect(db, s.workspaceId, id, s.userId);
      return `Erased: ${r.emails} email(s) and ${r.events} event(s) anonymised, ${r.drafts} draft(s) deleted.`;
    });
  })
  .post('/prospects/:id/delete', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const p = await getProspect(db, ws, c.req.valid('param').id);
    if (!mayChange(viewerOf(c), 'prospect', p.ownerId, 'delete')) return redirectWith(c, `/console/prospects/${p.id}`, { kind: 'error', text: 'Only the owner or an admin can delete this prospect.' });
    return act(c, '/console/prospects', async () => {
      await deleteProspect(db, ws, p.id);
      await recordAudit(db, { workspaceId: ws, actorId: c.get('session').userId, action: 'prospect.deleted', target: p.email });
      return `Deleted ${p.email}.`;
    });
  });

async function showProspect(c: Parameters<typeof render>[0], id: string, edit?: { form: Record<string, string>; errors: Record<string, string> }) {
  const { db } = c.get('deps');
  const ws = c.get('session').workspaceId;
  const [prospect, activity, members, statuses] = await Promise.all([getProspect(db, ws, id), prospectActivity(db, ws, id), listMembers(db, ws, { page: 1, limit: 200 }), getProspect(db, ws, id).then((p) => statusesOf(db, ws, [p]))]);
  const owner = members.rows.find((m) => m.userId === prospect.ownerId)?.email ?? null;
  return render(c, prospectName(prospect), <ProspectDetail p={prospect} owner={owner} activity={activity} statuses={statuses.get(id) ?? []} form={edit?.form} errors={edit?.errors} />, {
    status: edit ? 400 : 200,
    notice: edit ? { kind: 'error', text: 'Nothing was saved: check the highlighted fields.' } : undefined,
  });
}

/** The recipient check's flags in words, each with what it means on hover. */
const RecipientFlags: FC<{ flags: Prospect['recipientFlags'] }> = ({ flags }) =>
  flags.length === 0 ? null : (
    <span class="flags" data-flags={flags.join(' ')}>
      {flags.map((f) => (
        <>
          {' '}
          <span class={`badge ${f === 'no_mail' ? 'bad' : 'warn'}`} title={recipientFlagHint(f)}>
            {recipientFlagWords(f)}
          </span>
        </>
      ))}
    </span>
  );

const prospectName = (p: Prospect) => [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email;

export const ProspectsPage: FC<{
  rows: Prospect[];
  total: number;
  capped?: boolean;
  members: Member[];
  campaigns: Array<{ id: string; name: string }>;
  zones: string[];
  statuses: Map<string, ProspectStatus[]>;
  filters: Filters;
}> = ({ rows, total, capped, members, campaigns, zones, statuses, filters }) => {
  const emailOf = new Map(members.map((m) => [m.userId, m.email]));
  const viewer = useViewer();
  const filtered = Boolean(filters.q || filters.owner || filters.status || filters.campaign || filters.tz || filters.flag);
  return (
    <>
      {viewer && viewer.role !== 'viewer' && (
        <p>
          <a class="button primary" href="/console/prospects/import">
            Import a CSV
          </a>
        </p>
      )}
      <form method="get" action="/console/prospects" class="toolbar" role="search">
        <div>
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={filters.q ?? ''} placeholder="name, email or company" />
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any</option>
            {prospectStatuses.map((s) => (
              <option value={s} selected={filters.status === s}>
                {prospectStandingWords(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="campaign">Campaign</label>
          <select id="campaign" name="campaign">
            <option value="">Any</option>
            {campaigns.map((cp) => (
              <option value={cp.id} selected={filters.campaign === cp.id}>
                {cp.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="owner">Owner</label>
          <select id="owner" name="owner">
            <option value="">Anyone</option>
            <option value="me" selected={filters.owner === 'me'}>
              Mine
            </option>
            {members.map((m) => (
              <option value={m.userId} selected={filters.owner === m.userId}>
                {m.email}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="tz">Time zone</label>
          <select id="tz" name="tz">
            <option value="">Any</option>
            <option value="none" selected={filters.tz === 'none'}>
              Not set
            </option>
            {zones.map((z) => (
              <option value={z} selected={filters.tz === z}>
                {z}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="flag">Recipient check</label>
          <select id="flag" name="flag">
            <option value="">Anything</option>
            {prospectFlagFilters.map((f) => (
              <option value={f} selected={filters.flag === f}>
                {recipientFlagWords(f)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
        {filtered && <a href="/console/prospects">Clear</a>}
      </form>
      <p class="muted" data-total={capped ? `>${total}` : String(total)}>
        {capped ? `More than ${total.toLocaleString('en')} prospects` : countWords(total, 'prospect')}{filtered ? (total === 1 && !capped ? ' matches' : ' match') : ''}
        {capped ? ' — search or filter to narrow the list.' : '.'}
      </p>
      <table class="rows">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Company</th>
            <th>Status</th>
            <th>Owner</th>
            <th>Time zone</th>
            <th>Added</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <Empty cols={7}>{filtered ? 'No prospect matches; clear the filters to see everyone.' : 'No prospects yet — import a CSV (“Import a CSV” above) or save them from Gmail with the extension.'}</Empty>
          )}
          {rows.map((p) => (
            <tr data-prospect={p.email}>
              <td data-label="Name">
                <a href={`/console/prospects/${p.id}`}>{prospectName(p)}</a>
              </td>
              <td data-label="Email">
                {p.email}
                <RecipientFlags flags={p.recipientFlags} />
              </td>
              <td data-label="Company">{p.company ?? <span class="muted">—</span>}</td>
              <td data-label="Status">
                {(statuses.get(p.id) ?? []).map((s) => (
                  <span class={`badge${s === 'suppressed' ? ' bad' : s === 'replied' ? ' good' : ''}`}>{prospectStandingWords(s)}</span>
                ))}
              </td>
              <td data-label="Owner">{p.ownerId ? (emailOf.get(p.ownerId) ?? 'a former member') : <span class="muted">shared</span>}</td>
              <td data-label="Time zone">{p.timeZone ?? <span class="muted">—</span>}</td>
              <td data-label="Added">
                <When at={p.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
};

export const ProspectDetail: FC<{ p: Prospect; owner: string | null; activity: Activity; statuses: ProspectStatus[]; form?: Record<string, string>; errors?: Record<string, string> }> = ({
  p,
  owner,
  activity,
  statuses,
  form,
  errors,
}) => {
  const viewer = useViewer();
  const editable = viewer ? mayChange(viewer, 'prospect', p.ownerId, 'edit') : false;
  const values: Record<string, string> = form ?? {
    ...Object.fromEntries(FIELDS.map(([k]) => [k, p[k] ?? ''])),
    customFields: Object.entries(p.customFields)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
  return (
    <>
      <p>
        <a href="/console/prospects">← All prospects</a>
      </p>
      <section class="panel">
        <h2 style="margin-top:0">Details</h2>
        <p class="muted">
          {statuses.map((st) => (
            <span class={`badge${st === 'suppressed' ? ' bad' : st === 'replied' ? ' good' : ''}`}>{prospectStandingWords(st)}</span>
          ))}
          <RecipientFlags flags={p.recipientFlags} />{' '}
          Owner: {owner ?? 'shared'} · added <When at={p.createdAt} /> · updated <When at={p.updatedAt} />
        </p>
        {editable ? (
          <PostForm action={`/console/prospects/${p.id}`} aria-label="Edit prospect">
            {FIELDS.map(([k, label]) => (
              <Field name={k} label={label} type={k === 'email' ? 'email' : 'text'} value={values[k]} errors={errors} required={k === 'email'} />
            ))}
            <div class="field">
              <label for="f-customFields">Custom fields</label>
              <textarea id="f-customFields" name="customFields" rows={4} aria-invalid={errors?.customFields ? 'true' : undefined}>
                {values.customFields ?? ''}
              </textarea>
              <div class="muted small">One per line as name=value; templates use them as {'{{custom.name}}'}.</div>
              {errors?.customFields && <p class="field-error">{errors.customFields}</p>}
            </div>
            <div class="toolbar">
              <button type="submit" class="primary">
                Save
              </button>
              <a class="button danger" href={`/console/prospects/${p.id}/delete`}>
                Delete…
              </a>
            </div>
          </PostForm>
        ) : (
          <dl>
            {FIELDS.map(([k, label]) => (
              <>
                <dt class="muted">{label}</dt>
                <dd>{p[k] ?? '—'}</dd>
              </>
            ))}
            {Object.entries(p.customFields).map(([k, v]) => (
              <>
                <dt class="muted">{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
        )}
      </section>
      {viewer && viewer.role !== 'viewer' && (
        <section class="panel" aria-label="Their data">
          <h2 style="margin-top:0">Their data</h2>
          <p class="muted">A person may ask for a copy of what we hold about them, or to be erased.</p>
          <div class="toolbar">
            <a class="button" href={`/console/prospects/${p.id}/export`} download>
              Download their data (JSON)
            </a>
            {viewer.role === 'admin' && (
              <a class="button danger" href={`/console/prospects/${p.id}/erase`}>
                Erase this person…
              </a>
            )}
          </div>
        </section>
      )}
      <h2>Campaigns</h2>
      {activity.campaigns.length === 0 ? (
        <p class="muted">Not in any campaign yet.</p>
      ) : (
        <ul>
          {activity.campaigns.map((l) => (
            <li>
              <a href={`/console/prospects?campaign=${l.campaignId}`}>{l.name}</a> ({campaignStatusWords(l.campaignStatus)}) — {leadStatusWords(l.leadStatus)}, step {l.currentStep + 1}
            </li>
          ))}
        </ul>
      )}
      <h2>Emails and what happened</h2>
      {activity.emails.length === 0 && <p class="muted">No email sent to {p.email} yet. Write to them from Gmail with the Lumina extension.</p>}
      {activity.emails.map((e) => (
        <section class="panel" data-email={e.subject}>
          <strong>{e.subject}</strong> — {emailStatusWords(e.status)}, <When at={e.sentAt ?? e.createdAt} />
          {e.failureReason && <div class="error small">{e.failureReason}</div>}
          {e.events.length > 0 && (
            <ul>
              {e.events.map((ev) => (
                <li>
                  {eventWords(ev.type, ev.machine)} · <When at={ev.occurredAt} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
};

function customFieldsOf(text: string): { ok: true; value: Record<string, string> } | { ok: false; error: string } {
  const value: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    if (at < 1) return { ok: false, error: `Line ${i + 1} needs the form name=value.` };
    value[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { ok: true, value };
}
