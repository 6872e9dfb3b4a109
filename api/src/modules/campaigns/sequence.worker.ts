import { and, asc, eq, exists, gte, inArray, isNotNull, isNull, lte, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { Deps } from '../../context';
import { campaignLeads, campaigns, emailEvents, emails, leadSteps, mailboxes, prospects, sequenceSteps, suppressions, templates } from '../../../../db/schema';
import { calendarOf, dueAfter } from './timing';
import { abVerdict, pickVariant, type Variant } from './variants';
import { ApiError } from '../../lib/api-error';
import { acceptSends, type BatchSend } from '../emails/service';
import { erasedMarkerSql } from '../suppressions/service';
import { rowsOf } from '../../../../db/prepared';
import { rowFromJson } from '../../../../db/json-row';
import { sendEmailRequest } from '../../../../shared/contracts/emails';
import { recordAudit } from '../admin/audit';

export const SEQUENCE_QUEUE = 'sequence';

export interface SequenceSettings {
  /** How often a tick is queued to look for due leads. */
  tickMs: number;
  /** Leads claimed per query. */
  batch: number;
  /** A claimed lead whose worker died is due again after this long (its send key prevents a double send). */
  leaseMs: number;
  /** A lead whose mailbox cannot send right now is looked at again after this long. */
  retryMs: number;
  /** A follow-up whose previous email is still queued (window, budget) is looked at again after this long. */
  waitPreviousMs: number;
  /** Claimed batches advanced at once (one's round trips overlap another's work; PGlite serialises them anyway). */
  concurrency: number;
}

export const defaultSequenceSettings: SequenceSettings = { tickMs: 30_000, batch: 500, leaseMs: 10 * 60_000, retryMs: 60 * 60_000, waitPreviousMs: 10 * 60_000, concurrency: 2 };

/**
 * The scheduler of multi-step sequences. A timer queues one tick per period (the job id
 * is the period, so several processes queue it once); the tick advances every due lead.
 */
export function registerSequenceWorker(deps: Deps, settings: Partial<SequenceSettings> = {}): () => Promise<void> {
  const s = { ...defaultSequenceSettings, ...settings };
  deps.queue.process(SEQUENCE_QUEUE, async () => {
    await advanceDueLeads(deps, s);
  });
  const queueTick = () =>
    deps.queue
      .enqueue(SEQUENCE_QUEUE, 'tick', {}, { jobId: `tick-${Math.floor(Date.now() / s.tickMs)}` })
      .catch((err) => deps.logger.warn({ err }, 'could not queue a sequence tick'));
  void queueTick();
  const timer = setInterval(queueTick, s.tickMs);
  timer.unref();
  return async () => clearInterval(timer);
}

export type LeadOutcome = 'sent' | 'skipped' | 'completed' | 'replied' | 'bounced' | 'unsubscribed' | 'stopped' | 'retry' | 'error';

/**
 * Sends the next step of every due lead (status pending/active, next_due_at passed, campaign
 * active). Each send goes through the one accept path (acceptSend) with the key
 * `campaign:<lead>:step:<step id>`, so a re-run after a crash replays instead of sending twice,
 * and the email row carries its campaign, lead, step and variant. `now` is the scheduler's
 * clock (tests drive it); returns what happened per lead.
 */
export async function advanceDueLeads(deps: Deps, settings: Partial<SequenceSettings> = {}, now = new Date()): Promise<Map<string, LeadOutcome>> {
  const s = { ...defaultSequenceSettings, ...settings };
  const outcomes = new Map<string, LeadOutcome>();
  await markRepliedLeads(deps, new Date(now.getTime() - 2 * 86_400_000));
  await wakeAwayLeads(deps, now);
  // A few batches at once, so one batch's round trips overlap another's work in JS.
  let drained = false;
  const lane = async () => {
    while (!drained) {
      const claimed = await claimDueLeads(deps, s, now);
      if (claimed.length < s.batch) drained = true;
      if (!claimed.length) break;
      const done = await advanceBatch(deps, s, claimed, now).catch(async (err) => {
        // A batch that failed as a whole is tried lead by lead, so one bad lead cannot hold up the rest.
        deps.logger.warn({ err, leads: claimed.length }, 'sequence batch failed; advancing its leads one by one');
        const each = new Map<string, LeadOutcome>();
        for (const lead of claimed) {
          const one = await advanceBatch(deps, s, [lead], now).catch((e) => {
            deps.logger.error({ err: e, leadId: lead.id }, 'sequence step failed; the lead is retried when its lease ends');
            return new Map<string, LeadOutcome>([[lead.id, 'error']]);
          });
          for (const [k, v] of one) each.set(k, v);
        }
        return each;
      });
      for (const [k, v] of done) outcomes.set(k, v);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, s.concurrency) }, lane));
  await completeFinishedCampaigns(deps, now);
  return outcomes;
}

type Lead = typeof campaignLeads.$inferSelect;
type Step = typeof sequenceSteps.$inferSelect;

/**
 * A reply ends a person's sequences at once, in every campaign of the workspace, not only
 * when a next step falls due, so the counts show it. The reply pipeline does this already;
 * this catches a reply recorded some other way.
 */
export async function markRepliedLeads(deps: Pick<Deps, 'db'>, since = new Date(Date.now() - 2 * 86_400_000)) {
  await deps.db
    .update(campaignLeads)
    .set({ status: 'replied', nextDueAt: null, pausedUntil: null, reason: 'Replied', updatedAt: new Date() })
    .where(
      and(
        inArray(campaignLeads.status, ['pending', 'active', 'paused']),
        exists(
          deps.db
            .select({ one: sql`1` })
            .from(emailEvents)
            .innerJoin(emails, eventEmail)
            .where(and(ofPerson(campaignLeads), eq(emailEvents.type, 'reply'), gte(emailEvents.occurredAt, since))),
        ),
      ),
    );
}

/** Leads paused by an out-of-office whose resume time has come pick up at the step they were on. */
async function wakeAwayLeads(deps: Pick<Deps, 'db'>, now: Date) {
  await deps.db
    .update(campaignLeads)
    .set({ status: 'active', nextDueAt: now, pausedUntil: null, reason: 'Back from out of office', updatedAt: now })
    .where(and(eq(campaignLeads.status, 'paused'), isNotNull(campaignLeads.pausedUntil), lte(campaignLeads.pausedUntil, now)));
}

/** An active campaign whose leads have nothing left (none pending, active or paused) is completed. */
async function completeFinishedCampaigns(deps: Pick<Deps, 'db'>, now: Date) {
  await deps.db.execute(sql`
    update ${campaigns} c set status = 'completed', updated_at = ${now.toISOString()}::timestamptz
    where c.status = 'active'
      and exists (select 1 from ${campaignLeads} l where l.campaign_id = c.id)
      and not exists (select 1 from ${campaignLeads} l where l.campaign_id = c.id and l.status in ('pending', 'active', 'paused'))`);
}

/** Takes a lease on due leads by pushing next_due_at forward, so no other tick takes them meanwhile. */
export async function claimDueLeads(deps: Pick<Deps, 'db'>, s: SequenceSettings, now: Date): Promise<Lead[]> {
  const due = deps.db
    .select({ id: campaignLeads.id })
    .from(campaignLeads)
    .innerJoin(campaigns, eq(campaigns.id, campaignLeads.campaignId))
    .where(and(inArray(campaignLeads.status, ['pending', 'active']), lte(campaignLeads.nextDueAt, now), eq(campaigns.status, 'active')))
    .orderBy(asc(campaignLeads.nextDueAt))
    .limit(s.batch)
    .for('update', { of: campaignLeads, skipLocked: true });
  return deps.db
    .update(campaignLeads)
    .set({ nextDueAt: new Date(now.getTime() + s.leaseMs) })
    .where(inArray(campaignLeads.id, due))
    .returning();
}

/** Live steps (not retired by an edit) in sending order. */
export function liveSteps(db: Deps['db'], campaignId: string): Promise<Step[]> {
  return db.select().from(sequenceSteps).where(and(eq(sequenceSteps.campaignId, campaignId), isNull(sequenceSteps.retiredAt))).orderBy(asc(sequenceSteps.position));
}

/**
 * Advances a claimed batch of leads: every fact the rules read is loaded for the whole batch in
 * a handful of statements (contexts, stop facts, conditions, steps, mailboxes, templates, previous
 * emails), each lead is decided in memory by the same rules as before, the sends go through one
 * batch accept (acceptSends: the same checks and rows as acceptSend), and the leads move with
 * their step records in one statement. Rare outcomes (a stop, a refusal, a wait) are written
 * lead by lead.
 */
async function advanceBatch(deps: Deps, s: SequenceSettings, leads: Lead[], now: Date): Promise<Map<string, LeadOutcome>> {
  const out = new Map<string, LeadOutcome>();
  const facts = await batchFacts(deps, leads);
  const moves: Move[] = [];
  const sends: Array<{ lead: Lead; step: Step; next: Step | undefined; cal: ReturnType<typeof calendarOf>; variant: Variant | undefined; request: BatchSend }> = [];

  const stepsNeeded: Array<{ lead: Lead; f: LeadFacts; step: Step; next: Step | undefined; cal: ReturnType<typeof calendarOf> }> = [];
  for (const lead of leads) {
    const f = facts.leads.get(lead.id);
    if (!f?.campaign || !f.prospect) { out.set(lead.id, await finish(deps, lead, 'stopped', 'The campaign or the prospect is gone')); continue; }
    const stop = stopFrom(f);
    if (stop) { out.set(lead.id, await finish(deps, lead, stop.status, stop.reason)); continue; }
    const steps = facts.steps.get(f.campaign.id) ?? [];
    const step = steps[lead.currentStep];
    if (!step) { out.set(lead.id, await finish(deps, lead, 'completed', 'Every step done')); continue; }
    // The owner sends (their mailbox, or the campaign's, which only its owner or an admin could pick).
    if (!f.campaign.ownerId) { out.set(lead.id, await refused(deps, s, lead, new ApiError('NOT_FOUND', 'The campaign has no owner any more'), now)); continue; }
    const cal = calendarOf({ prospectZone: f.prospect.timeZone, window: facts.mailboxes.get(f.campaign.id)?.sendWindow, holidays: f.campaign.settings.holidays });
    const next = steps[lead.currentStep + 1];
    const nextDueAt = next ? dueAfter(now, { amount: next.delayAmount, unit: next.delayUnit }, cal) : null;

    // The condition is read now, at due time, on what people did (machine opens and clicks left out).
    const unmet = unmetCondition(f.seen, step.condition);
    if (unmet) {
      const reason = `Step ${step.position + 1} skipped: ${unmet}`;
      moves.push({ lead, set: { currentStep: lead.currentStep + 1, status: next ? 'active' : 'completed', nextDueAt, reason, resetSoftBounces: false }, record: { stepId: step.id, position: step.position, outcome: 'skipped', reason, emailId: null } });
      out.set(lead.id, 'skipped');
      continue;
    }
    stepsNeeded.push({ lead, f, step, next, cal });
  }

  const { previous, variantOf } = await lastEmailsOf(deps, stepsNeeded.map(({ lead, step }) => ({ lead, stepId: step.id })));
  const winners = await stepWinners(deps, [...new Map(stepsNeeded.map(({ step }) => [step.id, step])).values()]);
  for (const { lead, f, step, next, cal } of stepsNeeded) {
    const prev = previous.get(lead.id);
    // A follow-up waits for the email before it: it replies to that email's Message-ID and thread.
    if (prev && (prev.status === 'PENDING_SEND' || prev.status === 'SENDING') && step.sameThread) {
      await deps.db.update(campaignLeads).set({ nextDueAt: new Date(now.getTime() + s.waitPreviousMs) }).where(eq(campaignLeads.id, lead.id));
      out.set(lead.id, 'retry');
      continue;
    }
    const campaign = f.campaign!;
    const prospect = f.prospect!;
    const own = variantOf.get(lead.id);
    const winner = winners.get(step.id);
    const variant = (own && step.variants.find((v) => v.id === own)) || (winner && step.variants.find((v) => v.id === winner)) || pickVariant(lead.id, step.id, step.variants);
    const content = stepContent(facts.templates, step, variant, prev);
    // Held to the same contract as POST /api/emails/send: a step left empty (its template
    // deleted, say) stops the lead on the record instead of sending a blank email.
    const request = sendEmailRequest.safeParse({
      to: prospect.email,
      subject: content.subject,
      bodyHtml: content.bodyHtml,
      prospectId: prospect.id,
      campaignId: campaign.id,
      ...(campaign.mailboxId ? { mailboxId: campaign.mailboxId } : {}),
      ...(content.threadId ? { threadId: content.threadId } : {}),
      ...(content.inReplyTo ? { inReplyTo: content.inReplyTo } : {}),
    });
    if (!request.success) {
      const problem = request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      out.set(lead.id, await refused(deps, s, lead, new ApiError('VALIDATION_ERROR', `Step ${step.position} cannot be sent (${problem})`), now));
      continue;
    }
    sends.push({
      lead, step, next, cal, variant,
      request: {
        sender: { kind: 'campaign', workspaceId: lead.workspaceId, campaignId: campaign.id, ownerId: campaign.ownerId!, mailboxId: campaign.mailboxId, leadId: lead.id, stepId: step.id, variantId: variant?.id ?? null },
        key: stepKey(lead.id, step.id, lead.softBounces),
        body: request.data,
      },
    });
  }

  const answers = await acceptSends(deps, sends.map((x) => x.request));
  for (const [i, { lead, step, next, cal, variant }] of sends.entries()) {
    const answer = answers[i]!;
    // A key used with another body: that step was accepted before the step was edited.
    if (!answer.ok && answer.error.code !== 'IDEMPOTENCY_CONFLICT') {
      out.set(lead.id, await refused(deps, s, lead, answer.error, now));
      continue;
    }
    moves.push({
      lead,
      set: {
        currentStep: lead.currentStep + 1,
        status: next ? 'active' : 'completed',
        nextDueAt: next ? dueAfter(now, { amount: next.delayAmount, unit: next.delayUnit }, cal) : null,
        reason: `Step ${step.position + 1} sent${variant ? ` (variant ${variant.id})` : ''}`,
        resetSoftBounces: true,
      },
      record: { stepId: step.id, position: step.position, outcome: 'sent', reason: null, emailId: answer.ok ? answer.answer.id : null },
    });
    out.set(lead.id, next ? 'sent' : 'completed');
  }
  await moveAndRecord(deps, moves, now);
  return out;
}

/** The send key of a step for a lead; a soft-bounce retry is a new send, so it has its own key. */
export const stepKey = (leadId: string, stepId: string, retry = 0) => `campaign:${leadId}:step:${stepId}${retry ? `:retry:${retry}` : ''}`;

interface Move {
  lead: Lead;
  set: { currentStep: number; status: 'active' | 'completed'; nextDueAt: Date | null; reason: string; resetSoftBounces: boolean };
  record: { stepId: string; position: number; outcome: 'sent' | 'skipped'; reason: string | null; emailId: string | null };
}

/**
 * Moves leads past a step and records what happened to that step, for a whole batch in one
 * statement (one round trip, one commit). Each is guarded on the step it was at: a lead moved
 * meanwhile (an edit, a reply) is left alone and nothing is recorded for it.
 */
async function moveAndRecord(deps: Deps, moves: Move[], now: Date) {
  if (!moves.length) return;
  const rows = moves.map(({ lead, set, record }) => ({
    lead_id: lead.id, workspace_id: lead.workspaceId, from_step: lead.currentStep, current_step: set.currentStep, status: set.status,
    next_due_at: set.nextDueAt?.toISOString() ?? null, reason: set.reason, reset: set.resetSoftBounces,
    step_id: record.stepId, position: record.position, outcome: record.outcome, step_reason: record.reason, email_id: record.emailId,
  }));
  await deps.db.execute(sql`
    with r as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(lead_id uuid, workspace_id uuid, from_step int, current_step int, status text,
        next_due_at timestamptz, reason text, reset boolean, step_id uuid, position int, outcome text, step_reason text, email_id uuid)),
    moved as (
      update ${campaignLeads} l set current_step = r.current_step, status = r.status, next_due_at = r.next_due_at, reason = r.reason,
        soft_bounces = case when r.reset then 0 else l.soft_bounces end, updated_at = ${now.toISOString()}::timestamptz
      from r where l.id = r.lead_id and l.current_step = r.from_step and l.status in ('pending', 'active')
      returning l.id)
    insert into ${leadSteps} (workspace_id, lead_id, step_id, position, outcome, reason, email_id, at)
    select r.workspace_id, r.lead_id, r.step_id, r.position, r.outcome, r.step_reason, r.email_id, ${now.toISOString()}::timestamptz
    from r join moved on moved.id = r.lead_id`);
}

interface Seen { opened: boolean; clicked: boolean; replied: boolean }

/** Why the condition is false, or undefined when the step goes. Only human events count. */
function unmetCondition(seen: Seen, condition: Step['condition']): string | undefined {
  switch (condition) {
    case 'always':
      return undefined;
    case 'no_reply':
      return seen.replied ? 'condition "no_reply" is false (they replied)' : undefined;
    case 'opened':
      return seen.opened ? undefined : 'condition "opened" is false (no email of this sequence opened by a person yet)';
    case 'not_opened':
      return seen.opened ? 'condition "not_opened" is false (they opened an email of this sequence)' : undefined;
    case 'clicked':
      return seen.clicked ? undefined : 'condition "clicked" is false (no link clicked by a person yet)';
    case 'not_clicked':
      return seen.clicked ? 'condition "not_clicked" is false (they clicked a link)' : undefined;
  }
}

interface LeadFacts {
  campaign?: typeof campaigns.$inferSelect;
  prospect?: typeof prospects.$inferSelect;
  /** The suppression reason of the prospect's address, if it is on the list. */
  suppressed: string | null;
  /** Reply, bounce, unsubscribe and complaint events on any email to this person in the workspace. */
  stops: Array<{ type: string; reason: string | null }>;
  /** What people did with this lead's own emails. */
  seen: Seen;
}

/**
 * Everything the rules read for a batch of leads, in four statements: each lead's campaign,
 * prospect, suppression, stop facts and human events; the live steps of their campaigns; the
 * mailbox each campaign sends from (its own, else the owner's, active first); and the templates
 * of those steps.
 */
async function batchFacts(deps: Deps, leads: Lead[]) {
  const { db } = deps;
  const ids = leads.map((l) => l.id);
  const rows = rowsOf<{ id: string; campaign: Json; prospect: Json; suppressed: string | null; stops: Array<{ type: string; reason: string | null }> | null; seen: Seen | null }>(
    await db.execute(sql`
      select l.id, to_jsonb(c) as campaign, to_jsonb(p) as prospect,
        (select s.reason from ${suppressions} s where s.workspace_id = l.workspace_id
           and s.email in (p.email, ${erasedMarkerSql(sql`l.workspace_id`, sql`p.email`)}) limit 1) as suppressed,
        (select jsonb_agg(distinct jsonb_build_object('type', e.type, 'reason', e.reason)) from ${emailEvents} e join ${emails} m on m.id = e.email_id
           where e.workspace_id = l.workspace_id and m.workspace_id = l.workspace_id and m.prospect_id = l.prospect_id
             and e.type in ('reply', 'bounce', 'unsubscribe', 'complaint')) as stops,
        (select jsonb_build_object(
            'opened', coalesce(bool_or(e.type = 'open' and not e.machine), false),
            'clicked', coalesce(bool_or(e.type = 'click' and not e.machine), false),
            'replied', coalesce(bool_or(e.type = 'reply'), false))
           from ${emailEvents} e join ${emails} m on m.id = e.email_id
           where e.workspace_id = l.workspace_id and m.campaign_lead_id = l.id) as seen
      from ${campaignLeads} l
      left join ${campaigns} c on c.id = l.campaign_id and c.workspace_id = l.workspace_id
      left join ${prospects} p on p.id = l.prospect_id and p.workspace_id = l.workspace_id
      where l.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`),
  );
  const byLead = new Map<string, LeadFacts>();
  for (const r of rows) {
    const campaign = rowFromJson(campaigns, r.campaign);
    const prospect = rowFromJson(prospects, r.prospect);
    byLead.set(String(r.id), {
      ...(campaign && prospect ? { campaign, prospect } : {}),
      suppressed: r.suppressed,
      stops: r.stops ?? [],
      seen: { opened: Boolean(r.seen?.opened), clicked: Boolean(r.seen?.clicked), replied: Boolean(r.seen?.replied) },
    });
  }
  const camps = [...new Map([...byLead.values()].flatMap((f) => (f.campaign ? [[f.campaign.id, f.campaign] as const] : []))).values()];
  const steps = new Map<string, Step[]>();
  const boxes = new Map<string, { id: string; sendWindow: typeof mailboxes.$inferSelect['sendWindow'] }>();
  const templatesById = new Map<string, typeof templates.$inferSelect>();
  if (camps.length) {
    const stepRows = await db.select().from(sequenceSteps).where(and(inArray(sequenceSteps.campaignId, camps.map((c) => c.id)), isNull(sequenceSteps.retiredAt))).orderBy(asc(sequenceSteps.campaignId), asc(sequenceSteps.position));
    for (const st of stepRows) steps.set(st.campaignId, [...(steps.get(st.campaignId) ?? []), st]);
    const named = camps.flatMap((c) => (c.mailboxId ? [c.mailboxId] : []));
    const owners = camps.flatMap((c) => (!c.mailboxId && c.ownerId ? [c.ownerId] : []));
    const boxRows = await db
      .select({ id: mailboxes.id, userId: mailboxes.userId, workspaceId: mailboxes.workspaceId, status: mailboxes.status, sendWindow: mailboxes.sendWindow })
      .from(mailboxes)
      .where(or(named.length ? inArray(mailboxes.id, named) : sql`false`, owners.length ? inArray(mailboxes.userId, owners) : sql`false`));
    for (const c of camps) {
      const mine = boxRows.filter((b) => b.workspaceId === c.workspaceId && (c.mailboxId ? b.id === c.mailboxId : b.userId === c.ownerId));
      const box = mine.find((b) => b.status === 'active') ?? mine[0];
      if (box) boxes.set(c.id, box);
    }
    const templateIds = [...new Set(stepRows.flatMap((st) => (st.templateId ? [st.templateId] : [])))];
    if (templateIds.length) for (const t of await db.select().from(templates).where(inArray(templates.id, templateIds))) templatesById.set(t.id, t);
  }
  return { leads: byLead, steps, mailboxes: boxes, templates: templatesById };
}

type Json = Record<string, unknown> | null;
type PreviousEmail = { id: string; status: string; subject: string; messageId: string; threadId: string | null };

/**
 * Each lead's latest email of an earlier step that is or will be out (a failed or cancelled one
 * is not replied to; a soft-bounce retry of this step answers what the first try answered).
 */
async function lastEmailsOf(deps: Deps, wanted: Array<{ lead: Lead; stepId: string }>): Promise<{ previous: Map<string, PreviousEmail>; variantOf: Map<string, string> }> {
  if (!wanted.length) return { previous: new Map(), variantOf: new Map() };
  const items = wanted.map(({ lead, stepId }) => ({ lead_id: lead.id, ws: lead.workspaceId, step_id: stepId }));
  const rows = rowsOf<{ lead_id: string; id: string | null; status: string; subject: string; message_id: string; thread_id: string | null; own_variant: string | null }>(
    await deps.db.execute(sql`
      select r.lead_id, x.id, x.status, x.subject, x.message_id, x.thread_id,
        -- A retry of this step (soft bounce) keeps the variant the lead got the first time.
        (select o.variant_id from ${emails} o where o.workspace_id = r.ws and o.campaign_lead_id = r.lead_id and o.step_id = r.step_id
           order by o.created_at limit 1) as own_variant
      from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(lead_id uuid, ws uuid, step_id uuid)
      left join lateral (
        select m.id, m.status, m.subject, m.message_id, m.thread_id from ${emails} m
        where m.workspace_id = r.ws and m.campaign_lead_id = r.lead_id and m.step_id <> r.step_id and m.status in ('PENDING_SEND', 'SENDING', 'SENT')
        order by m.created_at desc limit 1) x on true`),
  );
  const previous = new Map<string, PreviousEmail>();
  const variantOf = new Map<string, string>();
  for (const r of rows) {
    if (r.id) previous.set(String(r.lead_id), { id: String(r.id), status: r.status, subject: r.subject, messageId: r.message_id, threadId: r.thread_id });
    if (r.own_variant) variantOf.set(String(r.lead_id), r.own_variant);
  }
  return { previous, variantOf };
}

/**
 * "Send the winner to the rest": for each step with `winnerAfter` N, the test is the first N
 * sends of every variant (by send time, then id, so the cohort never changes once sent). When
 * every variant has N and the two-proportion test names a winner, the step's winner is that
 * variant; else there is none yet and leads keep their weighted split.
 */
export async function stepWinners(deps: Pick<Deps, 'db'>, steps: Step[]): Promise<Map<string, string>> {
  const winners = new Map<string, string>();
  for (const [stepId, t] of await stepWinnerTests(deps, steps)) if (t.ready && t.verdict?.winner) winners.set(stepId, t.verdict.winner);
  return winners;
}

/**
 * The test behind "send the winner to the rest", per step that has it: the verdict on the fixed
 * cohort (the first N sends of every variant) and whether every variant has its N yet. The
 * scheduler acts only on a ready test's winner; the stats show the same answer in words.
 */
export async function stepWinnerTests(deps: Pick<Deps, 'db'>, steps: Step[]): Promise<Map<string, { ready: boolean; verdict: ReturnType<typeof abVerdict> }>> {
  const tested = steps.filter((st) => st.winnerAfter && st.variants.length >= 2);
  if (!tested.length) return new Map();
  const items = tested.map((st) => ({ step_id: st.id, n: st.winnerAfter }));
  const rows = rowsOf<{ step_id: string; variant_id: string; sent: number; opened: number; replied: number }>(
    await deps.db.execute(sql`
      select x.step_id, x.variant_id, count(*)::int as sent, count(*) filter (where x.opened)::int as opened, count(*) filter (where x.replied)::int as replied
      from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as t(step_id uuid, n int)
      cross join lateral (
        select m.step_id, m.variant_id,
          exists (select 1 from ${emailEvents} e where e.email_id = m.id and e.type = 'open' and not e.machine) as opened,
          exists (select 1 from ${emailEvents} e where e.email_id = m.id and e.type = 'reply') as replied,
          row_number() over (partition by m.variant_id order by m.sent_at, m.id) as rn
        from ${emails} m where m.step_id = t.step_id and m.status = 'SENT' and m.variant_id is not null) x
      where x.rn <= t.n
      group by x.step_id, x.variant_id`),
  );
  const tests = new Map<string, { ready: boolean; verdict: ReturnType<typeof abVerdict> }>();
  for (const st of tested) {
    const counts = st.variants.map((v) => {
      const r = rows.find((x) => String(x.step_id) === st.id && x.variant_id === v.id);
      return { id: v.id, sent: Number(r?.sent ?? 0), opened: Number(r?.opened ?? 0), replied: Number(r?.replied ?? 0) };
    });
    tests.set(st.id, { ready: counts.every((c) => c.sent >= st.winnerAfter!), verdict: abVerdict(counts) });
  }
  return tests;
}

/** Events joined to their email (on emailEvents … innerJoin(emails, eventEmail)). */
const eventEmail = eq(emails.id, emailEvents.emailId);

/**
 * Scopes joined events to one person in one workspace: every email to them, whichever
 * campaign (or none) it came from — a reply to one campaign ends them all.
 */
function ofPerson(lead: { workspaceId: string | SQLWrapper; prospectId: string | SQLWrapper }) {
  return and(eq(emailEvents.workspaceId, lead.workspaceId), eq(emails.workspaceId, lead.workspaceId), eq(emails.prospectId, lead.prospectId));
}

type StopStatus = 'replied' | 'bounced' | 'unsubscribed' | 'stopped';

/**
 * Why a lead must not get another email, read from the facts: a suppressed address, or a
 * reply, hard bounce, unsubscribe or complaint on any email to this person in the workspace
 * (the effects set the status too; the events are checked so a missed link cannot slip through).
 */
function stopFrom(f: LeadFacts): { status: StopStatus; reason: string } | undefined {
  const suppressed = f.suppressed;
  if (suppressed) {
    return suppressed === 'hard_bounce' ? { status: 'bounced', reason: 'Hard bounce: the address is suppressed' }
      : suppressed === 'unsubscribe' ? { status: 'unsubscribed', reason: 'Unsubscribed' } : { status: 'stopped', reason: `Suppressed (${suppressed})` };
  }
  const facts = f.stops;
  if (facts.some((x) => x.type === 'reply')) return { status: 'replied', reason: 'Replied' };
  if (facts.some((x) => x.type === 'bounce' && x.reason === 'hard')) return { status: 'bounced', reason: 'Hard bounce' };
  if (facts.some((x) => x.type === 'unsubscribe')) return { status: 'unsubscribed', reason: 'Unsubscribed' };
  if (facts.some((x) => x.type === 'complaint')) return { status: 'stopped', reason: 'Marked as spam' };
  return undefined;
}

/**
 * The step's text: the lead's variant, else the step's own, else its template's. A follow-up
 * in the same thread answers the previous email: `Re:` its subject, In-Reply-To its Message-ID,
 * in its Gmail thread; a step marked as a new thread goes out on its own subject.
 */
function stepContent(templatesById: Map<string, typeof templates.$inferSelect>, step: Step, variant: Variant | undefined, previous: PreviousEmail | undefined) {
  let own = { subject: variant?.subject || step.subject, bodyHtml: variant?.bodyHtml || step.bodyHtml };
  if (step.templateId && (!own.subject.trim() || !own.bodyHtml.trim())) {
    const t = templatesById.get(step.templateId);
    own = { subject: own.subject || t?.subject || '', bodyHtml: own.bodyHtml || t?.bodyHtml || '' };
  }
  if (!previous) return { ...own, threadId: undefined, inReplyTo: undefined };
  const reSubject = `Re: ${previous.subject.replace(/^\s*(re:\s*)+/i, '')}`;
  if (!step.sameThread) return { ...own, subject: own.subject.trim() ? own.subject : reSubject, threadId: undefined, inReplyTo: undefined };
  return { ...own, subject: reSubject, threadId: previous.threadId ?? undefined, inReplyTo: previous.messageId };
}

/** The send pipeline said no: a mailbox that cannot send now is retried later; anything else ends the lead, on the record. */
async function refused(deps: Deps, s: SequenceSettings, lead: Lead, err: ApiError, now: Date): Promise<LeadOutcome> {
  const details = err.details as { missing?: string[] } | undefined;
  const transient = err.code === 'UNPROCESSABLE' && !details?.missing;
  if (transient) {
    await deps.db.update(campaignLeads).set({ nextDueAt: new Date(now.getTime() + s.retryMs), reason: `Waiting: ${err.message}`, updatedAt: now }).where(eq(campaignLeads.id, lead.id));
    deps.logger.warn({ leadId: lead.id, reason: err.message }, 'sequence step deferred');
    return 'retry';
  }
  const status = err.code === 'RECIPIENT_SUPPRESSED' ? 'unsubscribed' : 'stopped';
  await finish(deps, lead, status, err.message);
  await recordAudit(deps.db, {
    workspaceId: lead.workspaceId,
    actorId: null,
    action: 'campaign.lead_stopped',
    target: lead.id,
    data: { campaignId: lead.campaignId, prospectId: lead.prospectId, step: lead.currentStep, code: err.code, reason: err.message },
  });
  return 'stopped';
}

async function finish(deps: Deps, lead: Lead, status: Exclude<Lead['status'], 'pending' | 'active' | 'paused'>, reason: string): Promise<LeadOutcome> {
  await deps.db
    .update(campaignLeads)
    .set({ status, nextDueAt: null, reason, updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, lead.id), inArray(campaignLeads.status, ['pending', 'active'])));
  return status === 'failed' || status === 'referred' ? 'stopped' : status;
}
