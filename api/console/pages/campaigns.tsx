/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { z } from 'zod';
import type { Db } from '../../../db/client';
import type { AppEnv } from '../../src/context';
import type { Config } from '../../src/env';
import type { Prospect } from '../../../shared/contracts/prospects';
import { campaignStatusSchema, createCampaignRequest, leadStatusSchema, updateCampaignRequest, type AddLeadsResponse, type Campaign, type LaunchCheck } from '../../../shared/contracts/campaigns';
import { prospectVars } from '../../../shared/template-vars';
import {
  addLeads, archiveCampaign, createCampaign, getCampaign, launchCampaign, leadCountsOf, listCampaigns, listLeads, setRunning, updateCampaign,
} from '../../src/modules/campaigns/service';
import { campaignStats } from '../../src/modules/campaigns/stats';
import { listReplies } from '../../src/modules/replies/list';
import { leadDetail, removeLead, setLeadRunning } from '../../src/modules/campaigns/lead-running';
import { campaignTotalsOf } from '../../src/modules/dashboard/queries';
import { getTemplateRow, listTemplates, renderWith } from '../../src/modules/templates/service';
import { sanitizeEmailHtml } from '../../src/modules/templates/sanitize';
import { findProspectByEmail, getProspect, listProspects } from '../../src/modules/prospects/service';
import { importProspects, parseProspectCsv } from '../../src/modules/prospects/csv-import';
import { INLINE_IMPORT_ROWS } from '../../src/modules/prospects/routes';
import { listMailboxes } from '../../src/modules/mailboxes/service';
import { listMembers } from '../../src/modules/admin/service';
import { recordAudit } from '../../src/modules/admin/audit';
import { senderWarnings } from '../../src/modules/deliverability/sender';
import { launchCheck } from '../../src/modules/campaigns/launch-check';
import { mayChange } from '../../src/lib/ownership';
import { ApiError } from '../../src/lib/api-error';
import type { PageQuery } from '../../src/lib/pagination';
import { validate } from '../../src/middleware/validate';
import { ConfirmPage, Empty, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, formOf, paged, render, viewerOf } from '../render';
import { KNOWN_ERRORS, redirectWith } from '../notices';
import { campaignStatusWords, delayWords, leadStatusWords, stepConditionWords } from '../words';
import { CAMPAIGN_CSS, CampaignEditor, applyOp, draftFromForm, draftOf, editorErrors, emptyDraft, requestOf, type Draft, type PickOption, type StepPreview } from './campaign-editor';
import { CampaignDetail } from './campaign-detail';
import { AddLeadsPage, MAX_CSV_BYTES } from './campaign-leads';

type C = Context<AppEnv>;
const page = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);
const idParam = z.object({ id: z.uuid() });
const leadParam = z.object({ id: z.uuid(), leadId: z.uuid() });
const listQuery = z.object({ page, status: campaignStatusSchema.optional().catch(undefined) });
const detailQuery = z.object({ page, leads: leadStatusSchema.optional().catch(undefined) });
const editQuery = z.object({ step: z.coerce.number().int().min(0).max(100).optional().catch(undefined), prospect: z.uuid().optional().catch(undefined) });
const pickQuery = z.object({ page, q: z.string().trim().max(200).optional().catch(undefined), owner: z.union([z.uuid(), z.literal('me')]).optional().catch(undefined) });
/** addLeads takes at most this many prospects a call (the API's limit too). */
const LEAD_CHUNK = 1000;

/**
 * Campaigns in the console: the list with its figures, the sequence editor with a live
 * preview, adding leads, launch / pause / resume / archive, and per-step, per-version and
 * per-lead detail. Every read and change goes through the campaigns module's own services,
 * the ones behind /api/campaigns; changes are owner-or-admin (the API's rule) and audited.
 */
/**
 * The checks the campaign page shows. A draft or paused campaign gets the whole launch check
 * (blockers, sender, every lead still to be mailed); a running one only the sender check — its
 * leads were checked at launch, and listing a leads-heavy campaign's recipients on every page
 * view would make the page as slow as the campaign is big. Finished campaigns send nothing.
 */
async function pageCheck(deps: Parameters<typeof launchCheck>[0], workspaceId: string, campaign: Campaign): Promise<LaunchCheck | null> {
  if (campaign.status === 'draft' || campaign.status === 'paused') return launchCheck(deps, workspaceId, campaign.id, 1500);
  if (campaign.status !== 'active') return null;
  const warnings = await senderWarnings(deps.db, deps.config, { ...campaign, workspaceId }, 1500);
  return { campaignId: campaign.id, status: campaign.status, ready: false, blockers: [], warnings, recipients: { checked: 0, unsendable: 0, problems: [] } };
}

export const campaignRoutes = consoleApp()
  .get('/campaigns', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const { rows, total } = await loadCampaigns(c.get('deps').db, ws(c), { page: q.page, limit: PAGE }, q.status);
    return render(c, 'Campaigns', paged(<CampaignsPage rows={rows} status={q.status} />, '/console/campaigns', q.page, total, { status: q.status }));
  })
  .get('/campaigns/new', async (c) => {
    if (viewerOf(c).role === 'viewer') return readOnly(c);
    return showEditor(c, undefined, emptyDraft(), {});
  })
  .post('/campaigns/new', async (c) => editorPost(c, undefined))
  .get('/campaigns/:id', validate('param', idParam), validate('query', detailQuery), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.valid('query');
    const campaign = await found(() => getCampaign(db, ws(c), c.req.valid('param').id));
    if (!campaign) return gone(c);
    const session = c.get('session');
    // Replies are read by whoever sent the mail (and admins): another member's count would be theirs, not the campaign's.
    const seesReplies = session.role === 'admin' || session.userId === campaign.ownerId;
    const [stats, leads, members, boxes, replies, check] = await Promise.all([
      campaignStats(db, ws(c), campaign.id),
      listLeads(db, ws(c), campaign.id, { page: q.page, limit: PAGE, status: q.leads }),
      listMembers(db, ws(c), { page: 1, limit: 200 }),
      listMailboxes(db, ws(c), { page: 1, limit: 200 }),
      seesReplies ? listReplies(db, session, { page: 1, limit: 1, scope: 'workspace', campaignId: campaign.id }) : Promise.resolve(null),
      pageCheck(c.get('deps'), ws(c), campaign),
    ]);
    const owner = members.rows.find((m) => m.userId === campaign.ownerId)?.email ?? null;
    const mailbox = boxes.rows.find((b) => b.id === campaign.mailboxId)?.email ?? null;
    return render(
      c,
      campaign.name,
      paged(<CampaignDetail campaign={campaign} stats={stats} owner={owner} mailbox={mailbox} leads={leads.rows} leadFilter={q.leads} cameBack={replies?.total ?? null} check={check} senderDnsHref={dnsHrefOf(boxes.rows, check?.warnings ?? [])} />, `/console/campaigns/${campaign.id}`, q.page, leads.total, { leads: q.leads }),
    );
  })
  .get('/campaigns/:id/edit', validate('param', idParam), validate('query', editQuery), async (c) => {
    const campaign = await found(() => getCampaign(c.get('deps').db, ws(c), c.req.valid('param').id));
    if (!campaign) return gone(c);
    const q = c.req.valid('query');
    return showEditor(c, campaign, draftOf(campaign), { preview: q.step ?? 0, prospectId: q.prospect });
  })
  .post('/campaigns/:id/edit', validate('param', idParam), async (c) => {
    const campaign = await found(() => getCampaign(c.get('deps').db, ws(c), c.req.valid('param').id));
    if (!campaign) return gone(c);
    return editorPost(c, campaign);
  })
  .post('/campaigns/:id/launch', validate('param', idParam), (c) => lifecycle(c, 'launch'))
  .post('/campaigns/:id/pause', validate('param', idParam), (c) => lifecycle(c, 'pause'))
  .post('/campaigns/:id/resume', validate('param', idParam), (c) => lifecycle(c, 'resume'))
  .get('/campaigns/:id/archive', validate('param', idParam), async (c) => {
    const campaign = await found(() => getCampaign(c.get('deps').db, ws(c), c.req.valid('param').id));
    if (!campaign) return gone(c);
    return render(
      c,
      'Archive a campaign',
      <ConfirmPage
        question={`Archive “${campaign.name}”?`}
        detail="Leads still in the sequence are stopped and get nothing more. The campaign becomes read-only; its figures stay. This cannot be undone."
        action={`/console/campaigns/${campaign.id}/archive`}
        confirmLabel="Archive campaign"
        back={`/console/campaigns/${campaign.id}`}
      />,
    );
  })
  .post('/campaigns/:id/archive', validate('param', idParam), (c) => lifecycle(c, 'archive'))
  .get('/campaigns/:id/leads/add', validate('param', idParam), validate('query', pickQuery), async (c) => {
    const { db } = c.get('deps');
    const owned = await ownCampaign(c, c.req.valid('param').id);
    if (owned instanceof Response) return owned;
    const q = c.req.valid('query');
    const [{ rows, total }, members] = await Promise.all([
      listProspects(db, ws(c), { page: q.page, limit: PAGE, q: q.q || undefined, ownerId: ownerFilter(c, q.owner) }),
      listMembers(db, ws(c), { page: 1, limit: 200 }),
    ]);
    return render(
      c,
      `Add leads to ${owned.name}`,
      paged(<AddLeadsPage campaign={owned} rows={rows} total={total} members={members.rows} q={q.q} owner={q.owner} />, `/console/campaigns/${owned.id}/leads/add`, q.page, total, { q: q.q, owner: q.owner }),
    );
  })
  .post('/campaigns/:id/leads', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const owned = await ownCampaign(c, c.req.valid('param').id);
    if (owned instanceof Response) return owned;
    const body = await c.req.parseBody({ all: true });
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const picked = ([] as unknown[]).concat(body.prospect ?? []).filter((v): v is string => typeof v === 'string' && z.uuid().safeParse(v).success);
    const back = `/console/campaigns/${owned.id}`;
    let ids = picked;
    if (str(body.all) === 'yes') {
      const filter = pickQuery.parse({ q: str(body.q) || undefined, owner: str(body.owner) || undefined });
      ids = await matchingProspects(db, ws(c), { q: filter.q || undefined, ownerId: ownerFilter(c, filter.owner) });
    }
    if (ids.length === 0) return redirectWith(c, `${back}/leads/add`, { kind: 'error', text: 'Nothing was added: tick at least one prospect, or “Add all matching”.' });
    return act(c, back, async () => {
      const result = await addInChunks(db, ws(c), owned.id, ids);
      await audit(c, 'campaign.leads_added', owned, { added: result.added });
      return addedWords(result, owned.name);
    });
  })
  .post('/campaigns/:id/leads/csv', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const s = c.get('session');
    const owned = await ownCampaign(c, c.req.valid('param').id);
    if (owned instanceof Response) return owned;
    const back = `/console/campaigns/${owned.id}/leads/add`;
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return redirectWith(c, back, { kind: 'error', text: 'Choose a CSV file to upload.' });
    if (file.size > MAX_CSV_BYTES) return redirectWith(c, back, { kind: 'error', text: 'That file is over 1 MB: import it from Prospects first, then add the leads from the list.' });
    const text = await file.text();
    const { rows, errors } = parseProspectCsv(text);
    if (rows.length + errors.length > INLINE_IMPORT_ROWS) return redirectWith(c, back, { kind: 'error', text: `That file has over ${INLINE_IMPORT_ROWS} rows: import it from Prospects first, then add the leads from the list.` });
    const dedupe = body.dedupe === 'skip' ? 'skip' : 'update';
    return act(c, `/console/campaigns/${owned.id}`, async () => {
      const imported = await importProspects(db, s.workspaceId, s.userId, text, { dedupe });
      await recordAudit(db, { workspaceId: s.workspaceId, actorId: s.userId, action: 'prospect.imported', target: file.name || 'CSV', data: { imported: imported.imported, updated: imported.updated, skipped: imported.skipped } });
      const emails = [...new Set(rows.map((r) => r.email))];
      const ids: string[] = [];
      for (let i = 0; i < emails.length; i += 50) {
        const batch = await Promise.all(emails.slice(i, i + 50).map((e) => findProspectByEmail(db, s.workspaceId, e)));
        for (const p of batch) if (p) ids.push(p.id);
      }
      const result = ids.length ? await addInChunks(db, s.workspaceId, owned.id, ids) : { added: 0, duplicates: [], suppressed: [], notFound: [] };
      await audit(c, 'campaign.leads_added', owned, { added: result.added });
      const bad = imported.errors.length
        ? ` ${imported.errors.length} row(s) could not be read (${imported.errors
            .slice(0, 3)
            .map((e) => `row ${e.row}: ${e.message}`)
            .join('; ')}${imported.errors.length > 3 ? '; …' : ''}).`
        : '';
      return `From the file: ${imported.imported} new prospect(s), ${imported.updated} updated. ${addedWords(result, owned.name)}${bad}`;
    });
  })
  .post('/campaigns/:id/leads/:leadId/pause', validate('param', leadParam), (c) => leadAction(c, 'pause'))
  .post('/campaigns/:id/leads/:leadId/resume', validate('param', leadParam), (c) => leadAction(c, 'resume'))
  .get('/campaigns/:id/leads/:leadId/remove', validate('param', leadParam), async (c) => {
    const { id, leadId } = c.req.valid('param');
    const campaign = await found(() => getCampaign(c.get('deps').db, ws(c), id));
    if (!campaign) return gone(c);
    const lead = await found(() => leadDetail(c.get('deps').db, ws(c), id, leadId));
    if (!lead) return gone(c);
    return render(
      c,
      'Remove a lead',
      <ConfirmPage
        question={`Take ${lead.email} out of “${campaign.name}”?`}
        detail="They get no more steps of this campaign. What they were sent stays in the figures; they stay in your prospects."
        action={`/console/campaigns/${id}/leads/${leadId}/remove`}
        confirmLabel="Remove from campaign"
        back={`/console/campaigns/${id}`}
      />,
    );
  })
  .post('/campaigns/:id/leads/:leadId/remove', validate('param', leadParam), (c) => leadAction(c, 'remove'));

// ——— the list ———

type ListRow = Campaign & { stepCount: number; leads: Partial<Record<string, number>>; leadTotal: number; figures: { sent: number; opened: number; replied: number; bounced: number } };

/** A page of campaigns with their steps, their leads by state, and what was sent and came back (people's opens only). */
export async function loadCampaigns(db: Db, workspaceId: string, pageQuery: PageQuery, status?: Campaign['status']) {
  const { rows, total } = await listCampaigns(db, workspaceId, { ...pageQuery, status });
  const ids = rows.map((r) => r.id);
  const [leads, figures] = await Promise.all([leadCountsOf(db, workspaceId, ids), campaignTotalsOf(db, workspaceId, ids)]);
  return {
    total,
    rows: rows.map((r): ListRow => {
      const counts = leads.get(r.id) ?? {};
      return { ...r, stepCount: r.steps.length, leads: counts, leadTotal: Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0), figures: figures.get(r.id) ?? { sent: 0, opened: 0, replied: 0, bounced: 0 } };
    }),
  };
}

export const CampaignsPage: FC<{ rows: ListRow[]; status?: string }> = ({ rows, status }) => {
  const viewer = useViewer();
  return (
    <>
      <style>{raw(CAMPAIGN_CSS)}</style>
      <form method="get" action="/console/campaigns" class="toolbar" role="search" aria-label="Filter campaigns">
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">Any</option>
            {campaignStatusSchema.options.map((s) => (
              <option value={s} selected={s === status}>
                {campaignStatusWords(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
        {viewer && viewer.role !== 'viewer' && (
          <a class="button primary" href="/console/campaigns/new">
            New campaign
          </a>
        )}
      </form>
      <table class="rows">
        <thead>
          <tr>
            <th class="wide">Campaign</th>
            <th>Status</th>
            <th class="num">Steps</th>
            <th class="wide">Leads</th>
            <th class="num">Sent</th>
            <th class="num">Opened</th>
            <th class="num">Replies</th>
            <th class="num">Bounces</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <Empty cols={9}>
              {status ? 'No campaign with this status.' : viewer?.role === 'viewer' ? 'No campaigns yet.' : 'No campaigns yet — create one (“New campaign”) or import prospects first.'}
            </Empty>
          )}
          {rows.map((r) => (
            <tr data-campaign={r.name}>
              <td data-label="Campaign">
                <a href={`/console/campaigns/${r.id}`}>{r.name}</a>
              </td>
              <td data-label="Status">{campaignStatusWords(r.status)}</td>
              <td data-label="Steps" class="num" data-count="steps">
                {r.stepCount}
              </td>
              <td data-label="Leads" data-count="leads">
                <strong>{r.leadTotal}</strong>
                {r.leadTotal > 0 && (
                  <span class="muted small">
                    {' '}
                    (
                    {leadStatusSchema.options
                      .filter((s) => (r.leads[s] ?? 0) > 0)
                      .map((s) => `${r.leads[s]} ${shortLeadWords(s)}`)
                      .join(', ')}
                    )
                  </span>
                )}
              </td>
              <td data-label="Sent" class="num" data-count="sent">
                {r.figures.sent}
              </td>
              <td data-label="Opened (people)" class="num" data-count="opened">
                {r.figures.opened}
              </td>
              <td data-label="Replies" class="num" data-count="replies">
                {r.figures.replied}
              </td>
              <td data-label="Bounces" class="num" data-count="bounces">
                {r.figures.bounced}
              </td>
              <td data-label="Updated">
                <When at={r.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">Opened counts people, not the scanners and mail proxies that fetch every image.</p>
    </>
  );
};

const SHORT_LEAD: Record<string, string> = { pending: 'waiting', active: 'in sequence', paused: 'paused', replied: 'replied', referred: 'referred', bounced: 'bounced', unsubscribed: 'unsubscribed', failed: 'failed', completed: 'finished', stopped: 'stopped' };
const shortLeadWords = (s: string) => SHORT_LEAD[s] ?? leadStatusWords(s).toLowerCase();

// ——— the editor ———

async function editorPost(c: C, campaign: Campaign | undefined) {
  const { db } = c.get('deps');
  const s = c.get('session');
  if (campaign && !mayChange(s, 'campaign', campaign.ownerId)) return notYours(c);
  const form = await formOf(c);
  const draft = draftFromForm(form);
  const op = form.op ?? 'save';
  const prospectId = z.uuid().safeParse(form.prospect).data;
  const changed = applyOp(draft, op);
  if (changed) {
    const focus = Number(op.split(':')[1]);
    return showEditor(c, campaign, changed, { preview: op === 'add-step' ? changed.steps.length - 1 : Number.isFinite(focus) ? Math.min(focus, changed.steps.length - 1) : 0, prospectId });
  }
  if (op.startsWith('preview:')) return showEditor(c, campaign, draft, { preview: Number(op.slice(8)) || 0, prospectId });
  const parsed = (campaign ? updateCampaignRequest : createCampaignRequest).safeParse(requestOf(draft));
  if (!parsed.success) return showEditor(c, campaign, draft, { errors: editorErrors(parsed.error), prospectId });
  try {
    const saved = campaign ? await updateCampaign(db, s, campaign.id, parsed.data) : await createCampaign(db, s, parsed.data as z.infer<typeof createCampaignRequest>);
    await audit(c, campaign ? 'campaign.updated' : 'campaign.created', saved, { steps: saved.steps.length });
    return redirectWith(c, `/console/campaigns/${saved.id}`, { kind: 'ok', text: campaign ? `Saved the sequence of “${saved.name}” (${saved.steps.length} step(s)).` : `Created “${saved.name}” with ${saved.steps.length} step(s). Add leads, then launch it.` });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    return showEditor(c, campaign, draft, { errors: {}, refusal: err.message, prospectId });
  }
}

async function showEditor(c: C, campaign: Campaign | undefined, draft: Draft, opts: { errors?: Record<string, string>; refusal?: string; preview?: number; prospectId?: string }) {
  const { db } = c.get('deps');
  const s = c.get('session');
  const [templates, mailboxes, leads] = await Promise.all([
    listTemplates(db, s.workspaceId, { page: 1, limit: 200 }, s.userId),
    listMailboxes(db, s.workspaceId, { page: 1, limit: 200 }),
    campaign ? listLeads(db, s.workspaceId, campaign.id, { page: 1, limit: 50 }) : Promise.resolve({ rows: [] }),
  ]);
  // Preview for the campaign's own leads; before it has any, for the newest prospects.
  let list: PickOption[] = leads.rows.map((l) => ({ id: l.prospectId, email: l.email }));
  if (list.length === 0) list = (await listProspects(db, s.workspaceId, { page: 1, limit: 50 })).rows;
  const chosen = opts.prospectId ?? list[0]?.id;
  const prospect = chosen ? await found(() => getProspect(db, s.workspaceId, chosen)) : null;
  if (prospect && !list.some((p) => p.id === prospect.id)) list = [prospect, ...list];
  const preview = opts.preview !== undefined ? await previewStep(db, s.workspaceId, draft, opts.preview, prospect) : undefined;
  const invalid = Boolean(opts.errors && Object.keys(opts.errors).length) || Boolean(opts.refusal);
  return render(
    c,
    campaign ? `Edit “${campaign.name}”` : 'New campaign',
    <CampaignEditor campaign={campaign} draft={draft} errors={opts.errors} templates={templates.rows} mailboxes={mailboxes.rows} prospects={list} preview={preview} />,
    {
      status: invalid ? 400 : 200,
      notice: opts.refusal ? { kind: 'error', text: `Not saved: ${opts.refusal}.` } : invalid ? { kind: 'error', text: 'Not saved: check the highlighted fields.' } : undefined,
    },
  );
}

/** One step as the prospect would get it, each A/B version apart: the version's text, else the step's, else its template's (the scheduler's order). */
async function previewStep(db: Db, workspaceId: string, draft: Draft, i: number, prospect: Prospect | null): Promise<StepPreview | undefined> {
  const step = draft.steps[i];
  if (!step) return undefined;
  const template = step.templateId && z.uuid().safeParse(step.templateId).success ? await found(() => getTemplateRow(db, workspaceId, step.templateId)) : null;
  const vars = prospect ? prospectVars(prospect) : {};
  const delay = /^\d+$/.test(step.delay.trim()) ? delayWords(Number(step.delay), step.delayUnit, i === 0) : 'Wait not set';
  return {
    step: i,
    prospect,
    condition: stepConditionWords(step.condition),
    delay,
    thread: i === 0 ? null : step.sameThread ? 'sent as a reply in the previous email’s thread, subject “Re: …” of it' : 'sent in a new thread with its own subject',
    versions: (step.variants.length ? step.variants : [null]).map((v) => {
      const subject = v?.subject || step.subject || template?.subject || '';
      const bodyHtml = v?.bodyHtml || step.bodyHtml || template?.bodyHtml || '';
      const r = renderWith({ subject, bodyHtml: sanitizeEmailHtml(bodyHtml) }, vars);
      return { id: v ? v.id || null : null, weight: v ? v.weight : null, ...r };
    }),
  };
}

// ——— actions ———

const LIFECYCLE = {
  launch: { action: 'campaign.launched', run: (db: Db, w: string, id: string, config: Config) => launchCampaign(db, w, id, { postalAddressDefault: config.postalAddressDefault }), words: (c: Campaign, leads: number) => `Launched “${c.name}”: ${leads} lead(s) start with step 1 (the scheduler looks every 30 seconds, inside each mailbox’s cap and send window).` },
  pause: { action: 'campaign.paused', run: (db: Db, w: string, id: string) => setRunning(db, w, id, false), words: (c: Campaign) => `Paused “${c.name}”: nothing more goes out until you resume it.` },
  resume: { action: 'campaign.resumed', run: (db: Db, w: string, id: string) => setRunning(db, w, id, true), words: (c: Campaign) => `Resumed “${c.name}”: each lead picks up where it was.` },
  archive: { action: 'campaign.archived', run: archiveCampaign, words: (c: Campaign) => `Archived “${c.name}”: it is read-only now; its figures stay.` },
} as const;

async function lifecycle(c: C, verb: keyof typeof LIFECYCLE) {
  const { db } = c.get('deps');
  const owned = await ownCampaign(c, c.req.param('id')!);
  if (owned instanceof Response) return owned;
  const step = LIFECYCLE[verb];
  return act(c, `/console/campaigns/${owned.id}`, async () => {
    const after = await step.run(db, ws(c), owned.id, c.get('deps').config);
    await audit(c, step.action, after, { status: after.status });
    const leads = verb === 'launch' ? Object.values((await leadCountsOf(db, ws(c), [owned.id])).get(owned.id) ?? {}).reduce<number>((a, n) => a + (n ?? 0), 0) : 0;
    // The API's sender check (warnings, never a refusal): said at once, and on the campaign page.
    const warnings = verb === 'launch' || verb === 'resume' ? await senderWarnings(db, c.get('deps').config, { ...after, workspaceId: ws(c) }) : [];
    const problems = warnings.length === 1 ? 'a problem' : `${warnings.length} problems`;
    return warnings.length ? `${step.words(after, leads)} Check the sender: ${problems} with its domain’s DNS, listed below.` : step.words(after, leads);
  });
}

async function leadAction(c: C, verb: 'pause' | 'resume' | 'remove') {
  const { db } = c.get('deps');
  const leadId = c.req.param('leadId')!;
  const owned = await ownCampaign(c, c.req.param('id')!);
  if (owned instanceof Response) return owned;
  return act(c, `/console/campaigns/${owned.id}`, async () => {
    const lead = verb === 'remove' ? await removeLead(db, ws(c), owned.id, leadId) : await setLeadRunning(db, ws(c), owned.id, leadId, verb === 'resume');
    await audit(c, `campaign.lead_${verb === 'remove' ? 'removed' : verb === 'pause' ? 'paused' : 'resumed'}`, owned, { lead: lead.email, status: lead.status });
    return verb === 'remove' ? `${lead.email} is out of “${owned.name}”.` : `${lead.email}: ${leadStatusWords(lead.status).toLowerCase()}.`;
  });
}

// ——— helpers ———

const ws = (c: C) => c.get('session').workspaceId;
const ownerFilter = (c: C, owner: string | undefined) => (owner === 'me' ? c.get('session').userId : owner);

/** A read that 404s becomes null, so the page can say so in words. */
async function found<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

const gone = (c: C) => render(c, 'Not found', <p>That campaign or lead no longer exists. <a href="/console/campaigns">Back to campaigns</a></p>, { status: 404 });

/** The campaign, when the signed-in person may change it (owner or admin, as the API's `ownerOnly`); else the refusal page. */
async function ownCampaign(c: C, id: string): Promise<Campaign | Response> {
  const campaign = await found(() => getCampaign(c.get('deps').db, ws(c), id));
  if (!campaign) return gone(c);
  if (!mayChange(c.get('session'), 'campaign', campaign.ownerId)) return notYours(c);
  return campaign;
}

const notYours = (c: C) =>
  render(c, 'Not allowed', <p><a href="/console/campaigns">Back to campaigns</a></p>, { status: 403, notice: { kind: 'error', text: 'Only its owner or an admin can change this campaign.' } });

const readOnly = (c: C) =>
  render(c, 'Not allowed', <p><a href="/console/campaigns">Back to campaigns</a></p>, { status: 403, notice: { kind: 'error', text: KNOWN_ERRORS.READ_ONLY! } });

async function audit(c: C, action: string, campaign: Campaign, data: Record<string, unknown>) {
  const s = c.get('session');
  await recordAudit(c.get('deps').db, { workspaceId: s.workspaceId, actorId: s.userId, action, target: campaign.name, data: { campaignId: campaign.id, ...data } });
}

/** Every prospect id a search matches, a page of LEAD_CHUNK at a time (the prospects list's own filter). */
async function matchingProspects(db: Db, workspaceId: string, filter: { q?: string; ownerId?: string }): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; ; n++) {
    const { rows, total } = await listProspects(db, workspaceId, { page: n, limit: LEAD_CHUNK, ...filter });
    ids.push(...rows.map((r) => r.id));
    if (rows.length < LEAD_CHUNK || ids.length >= total) return ids;
  }
}

async function addInChunks(db: Db, workspaceId: string, campaignId: string, ids: string[]): Promise<AddLeadsResponse> {
  const sum: AddLeadsResponse = { added: 0, duplicates: [], suppressed: [], notFound: [] };
  for (let i = 0; i < ids.length; i += LEAD_CHUNK) {
    const r = await addLeads(db, workspaceId, campaignId, ids.slice(i, i + LEAD_CHUNK));
    sum.added += r.added;
    sum.duplicates.push(...r.duplicates);
    sum.suppressed.push(...r.suppressed);
    sum.notFound.push(...r.notFound);
  }
  return sum;
}

function addedWords(r: AddLeadsResponse, name: string): string {
  const parts = [`Added ${r.added} lead(s) to “${name}”.`];
  if (r.duplicates.length) parts.push(`${r.duplicates.length} already in it.`);
  if (r.suppressed.length) parts.push(`${r.suppressed.length} suppressed, left out (${r.suppressed.slice(0, 3).map((s) => s.email).join(', ')}${r.suppressed.length > 3 ? ', …' : ''}).`);
  return parts.join(' ');
}

/** The DNS checks page of the mailbox the sender check warned about (one mailbox sends a campaign). */
function dnsHrefOf(boxes: Array<{ id: string; email: string }>, warnings: Array<{ mailbox: string }>): string | undefined {
  const box = boxes.find((b) => b.email === warnings[0]?.mailbox);
  return box ? `/console/mailboxes/${box.id}/dns` : undefined;
}
