import { and, asc, eq, exists, gte, inArray, lte, sql, type SQLWrapper } from 'drizzle-orm';
import type { Deps } from '../../context';
import { campaignLeads, campaigns, emailEvents, emails, prospects, sequenceSteps, templates } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import { acceptSend } from '../emails/service';
import { suppressionReason } from '../suppressions/service';
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
}

export const defaultSequenceSettings: SequenceSettings = { tickMs: 30_000, batch: 50, leaseMs: 10 * 60_000, retryMs: 60 * 60_000 };

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

export type LeadOutcome = 'sent' | 'completed' | 'replied' | 'bounced' | 'unsubscribed' | 'stopped' | 'retry' | 'error';

/**
 * Sends the next step of every due lead (status pending/active, next_due_at passed, campaign
 * active). Each send goes through the send pipeline with the key `campaign:<lead>:step:<n>`,
 * so a re-run after a crash replays instead of sending twice. Returns what happened per lead.
 */
export async function advanceDueLeads(deps: Deps, settings: Partial<SequenceSettings> = {}, now = new Date()): Promise<Map<string, LeadOutcome>> {
  const s = { ...defaultSequenceSettings, ...settings };
  const outcomes = new Map<string, LeadOutcome>();
  await markRepliedLeads(deps);
  for (;;) {
    const claimed = await claimDueLeads(deps, s, now);
    for (const lead of claimed) {
      outcomes.set(lead.id, await advanceLead(deps, s, lead, now).catch((err) => {
        deps.logger.error({ err, leadId: lead.id }, 'sequence step failed; the lead is retried when its lease ends');
        return 'error' as const;
      }));
    }
    if (claimed.length < s.batch) return outcomes;
  }
}

type Lead = typeof campaignLeads.$inferSelect;

/**
 * A reply ends a lead's sequence at once, not only when its next step falls due, so the
 * campaign's counts show it. Matched by campaign and prospect (sends made here carry both).
 */
export async function markRepliedLeads(deps: Pick<Deps, 'db'>, since = new Date(Date.now() - 2 * 86_400_000)) {
  await deps.db
    .update(campaignLeads)
    .set({ status: 'replied', nextDueAt: null, pausedUntil: null, updatedAt: new Date() })
    .where(
      and(
        inArray(campaignLeads.status, ['pending', 'active', 'paused']),
        exists(
          deps.db
            .select({ one: sql`1` })
            .from(emailEvents)
            .innerJoin(emails, eventEmail)
            .where(and(ofLead(campaignLeads), eq(emailEvents.type, 'reply'), gte(emailEvents.occurredAt, since))),
        ),
      ),
    );
}

/** Takes a lease on due leads by pushing next_due_at forward, so no other tick takes them meanwhile. */
async function claimDueLeads(deps: Deps, s: SequenceSettings, now: Date): Promise<Lead[]> {
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

async function advanceLead(deps: Deps, s: SequenceSettings, lead: Lead, now: Date): Promise<LeadOutcome> {
  const { db } = deps;
  const [ctx] = await db
    .select({ campaign: campaigns, prospect: prospects })
    .from(campaigns)
    .innerJoin(prospects, eq(prospects.id, lead.prospectId))
    .where(and(eq(campaigns.id, lead.campaignId), eq(campaigns.workspaceId, lead.workspaceId), eq(prospects.workspaceId, lead.workspaceId)));
  if (!ctx) return finish(deps, lead, 'stopped');
  const { campaign, prospect } = ctx;

  const stop = await stopReason(deps, lead, prospect.email);
  if (stop) return finish(deps, lead, stop);

  const steps = await db.select().from(sequenceSteps).where(eq(sequenceSteps.campaignId, campaign.id)).orderBy(asc(sequenceSteps.position));
  const step = steps[lead.currentStep];
  if (!step) return finish(deps, lead, 'completed');
  // The owner sends (their mailbox, or the campaign's, which only its owner or an admin could pick).
  if (!campaign.ownerId) return refused(deps, s, lead, new ApiError('NOT_FOUND', 'The campaign has no owner any more'), now);
  const content = await stepContent(deps, lead, step, steps[0]!);

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
  });
  if (!request.success) {
    const problem = request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return refused(deps, s, lead, new ApiError('VALIDATION_ERROR', `Step ${step.position} cannot be sent (${problem})`), now);
  }
  try {
    await acceptSend(
      deps,
      { kind: 'campaign', workspaceId: lead.workspaceId, campaignId: campaign.id, ownerId: campaign.ownerId, mailboxId: campaign.mailboxId },
      `campaign:${lead.id}:step:${step.position}`,
      request.data,
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // The key was used with another body: that step was accepted before the step was edited.
    if (err.code !== 'IDEMPOTENCY_CONFLICT') return refused(deps, s, lead, err, now);
  }

  const next = steps[lead.currentStep + 1];
  await db
    .update(campaignLeads)
    .set({
      currentStep: lead.currentStep + 1,
      status: next ? 'active' : 'completed',
      nextDueAt: next ? new Date(now.getTime() + next.delayDays * 86_400_000) : null,
      updatedAt: new Date(),
    })
    .where(and(eq(campaignLeads.id, lead.id), inArray(campaignLeads.status, ['pending', 'active'])));
  return next ? 'sent' : 'completed';
}

/** Events joined to their email (on emailEvents … innerJoin(emails, eventEmail)). */
const eventEmail = eq(emails.id, emailEvents.emailId);

/**
 * Scopes joined events to one lead: the emails of its campaign to its person, in its
 * workspace. The lead is a row's values, or the campaign_leads columns in a correlated subquery.
 */
function ofLead(lead: { workspaceId: string | SQLWrapper; campaignId: string | SQLWrapper; prospectId: string | SQLWrapper }) {
  return and(eq(emailEvents.workspaceId, lead.workspaceId), eq(emails.campaignId, lead.campaignId), eq(emails.prospectId, lead.prospectId));
}

/**
 * Why a lead must not get another email, read from the facts: a suppressed address, or a
 * reply, hard bounce or unsubscribe on any email of this campaign to this person (the lead
 * status is updated by the reply pipeline too; the events are checked so a missed link cannot slip through).
 */
async function stopReason(deps: Deps, lead: Lead, email: string): Promise<'replied' | 'bounced' | 'unsubscribed' | 'stopped' | undefined> {
  const { db } = deps;
  const suppressed = await suppressionReason(db, lead.workspaceId, email);
  if (suppressed) return suppressed === 'hard_bounce' ? 'bounced' : suppressed === 'unsubscribe' ? 'unsubscribed' : 'stopped';
  const facts = await db
    .selectDistinct({ type: emailEvents.type, reason: emailEvents.reason })
    .from(emailEvents)
    .innerJoin(emails, eventEmail)
    .where(and(ofLead(lead), inArray(emailEvents.type, ['reply', 'bounce', 'unsubscribe', 'complaint'])));
  if (facts.some((f) => f.type === 'reply')) return 'replied';
  if (facts.some((f) => f.type === 'bounce' && f.reason === 'hard')) return 'bounced';
  if (facts.some((f) => f.type === 'unsubscribe')) return 'unsubscribed';
  if (facts.some((f) => f.type === 'complaint')) return 'stopped';
  return undefined;
}

/** The step's text (its own or its template's); a follow-up without a subject replies in the first email's thread. */
async function stepContent(deps: Deps, lead: Lead, step: typeof sequenceSteps.$inferSelect, first: typeof sequenceSteps.$inferSelect) {
  const { db } = deps;
  const fromTemplate = async (st: typeof step) => {
    if (!st.templateId) return { subject: st.subject, bodyHtml: st.bodyHtml };
    const [t] = await db.select().from(templates).where(and(eq(templates.id, st.templateId), eq(templates.workspaceId, lead.workspaceId)));
    return { subject: st.subject || t?.subject || '', bodyHtml: st.bodyHtml || t?.bodyHtml || '' };
  };
  const own = await fromTemplate(step);
  if (step.id === first.id) return { ...own, threadId: undefined };
  const opening = await fromTemplate(first);
  const subject = own.subject.trim() ? own.subject : `Re: ${opening.subject}`;
  if (!step.sameThread) return { ...own, subject, threadId: undefined };
  const [firstEmail] = await db
    .select({ threadId: emails.threadId })
    .from(emails)
    .where(and(eq(emails.workspaceId, lead.workspaceId), eq(emails.idempotencyKey, `campaign:${lead.id}:step:${first.position}`)));
  return { ...own, subject, threadId: firstEmail?.threadId ?? undefined };
}

/** The send pipeline said no: a mailbox that cannot send now is retried later; anything else ends the lead, on the record. */
async function refused(deps: Deps, s: SequenceSettings, lead: Lead, err: ApiError, now: Date): Promise<LeadOutcome> {
  const details = err.details as { missing?: string[] } | undefined;
  const transient = err.code === 'UNPROCESSABLE' && !details?.missing;
  if (transient) {
    await deps.db.update(campaignLeads).set({ nextDueAt: new Date(now.getTime() + s.retryMs), updatedAt: new Date() }).where(eq(campaignLeads.id, lead.id));
    deps.logger.warn({ leadId: lead.id, reason: err.message }, 'sequence step deferred');
    return 'retry';
  }
  const status = err.code === 'RECIPIENT_SUPPRESSED' ? 'unsubscribed' : 'stopped';
  await finish(deps, lead, status);
  await recordAudit(deps.db, {
    workspaceId: lead.workspaceId,
    actorId: null,
    action: 'campaign.lead_stopped',
    target: lead.id,
    data: { campaignId: lead.campaignId, prospectId: lead.prospectId, step: lead.currentStep, code: err.code, reason: err.message },
  });
  return 'stopped';
}

async function finish(deps: Deps, lead: Lead, status: Exclude<Lead['status'], 'pending' | 'active' | 'paused'>): Promise<LeadOutcome> {
  await deps.db
    .update(campaignLeads)
    .set({ status, nextDueAt: null, updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, lead.id), inArray(campaignLeads.status, ['pending', 'active'])));
  return status;
}
