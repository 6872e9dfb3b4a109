import { and, asc, desc, eq, exists, gte, inArray, isNotNull, isNull, lte, ne, sql, type SQLWrapper } from 'drizzle-orm';
import type { Deps } from '../../context';
import { campaignLeads, campaigns, emailEvents, emails, leadSteps, mailboxes, prospects, sequenceSteps, templates } from '../../../../db/schema';
import { calendarOf, dueAfter } from './timing';
import { pickVariant, type Variant } from './variants';
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
  /** A follow-up whose previous email is still queued (window, budget) is looked at again after this long. */
  waitPreviousMs: number;
  /** Claimed leads advanced at once (each lead's work is sequential; PGlite serialises them anyway). */
  concurrency: number;
}

export const defaultSequenceSettings: SequenceSettings = { tickMs: 30_000, batch: 50, leaseMs: 10 * 60_000, retryMs: 60 * 60_000, waitPreviousMs: 10 * 60_000, concurrency: 8 };

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
  for (;;) {
    const claimed = await claimDueLeads(deps, s, now);
    // Leads are independent (each has its own send key and guarded update): a few at a time,
    // so the round trips and commits of one overlap another's.
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < claimed.length; i = next++) {
        const lead = claimed[i]!;
        outcomes.set(lead.id, await advanceLead(deps, s, lead, now).catch((err) => {
          deps.logger.error({ err, leadId: lead.id }, 'sequence step failed; the lead is retried when its lease ends');
          return 'error' as const;
        }));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, s.concurrency) }, lane));
    if (claimed.length < s.batch) break;
  }
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

async function advanceLead(deps: Deps, s: SequenceSettings, lead: Lead, now: Date): Promise<LeadOutcome> {
  const { db } = deps;
  const [ctx] = await db
    .select({ campaign: campaigns, prospect: prospects })
    .from(campaigns)
    .innerJoin(prospects, eq(prospects.id, lead.prospectId))
    .where(and(eq(campaigns.id, lead.campaignId), eq(campaigns.workspaceId, lead.workspaceId), eq(prospects.workspaceId, lead.workspaceId)));
  if (!ctx) return finish(deps, lead, 'stopped', 'The campaign or the prospect is gone');
  const { campaign, prospect } = ctx;

  const stop = await stopReason(deps, lead, prospect.email);
  if (stop) return finish(deps, lead, stop.status, stop.reason);

  const steps = await liveSteps(db, campaign.id);
  const step = steps[lead.currentStep];
  if (!step) return finish(deps, lead, 'completed', 'Every step done');
  // The owner sends (their mailbox, or the campaign's, which only its owner or an admin could pick).
  if (!campaign.ownerId) return refused(deps, s, lead, new ApiError('NOT_FOUND', 'The campaign has no owner any more'), now);
  const cal = calendarOf({ prospectZone: prospect.timeZone, window: (await senderMailbox(deps, campaign))?.sendWindow, holidays: campaign.settings.holidays });
  const next = steps[lead.currentStep + 1];

  // The condition is read now, at due time, on what people did (machine opens and clicks left out).
  const unmet = await unmetCondition(deps, lead, step.condition);
  if (unmet) {
    const reason = `Step ${step.position + 1} skipped: ${unmet}`;
    await moveAndRecord(deps, lead, {
      set: {
        currentStep: lead.currentStep + 1,
        status: next ? 'active' : 'completed',
        nextDueAt: next ? dueAfter(now, { amount: next.delayAmount, unit: next.delayUnit }, cal) : null,
        reason,
        updatedAt: now,
      },
      record: { stepId: step.id, position: step.position, outcome: 'skipped', reason, emailId: null, at: now },
    });
    return 'skipped';
  }

  const previous = await lastEmailOf(deps, lead, step.id);
  // A follow-up waits for the email before it: it replies to that email's Message-ID and thread.
  if (previous && (previous.status === 'PENDING_SEND' || previous.status === 'SENDING') && step.sameThread) {
    await db.update(campaignLeads).set({ nextDueAt: new Date(now.getTime() + s.waitPreviousMs) }).where(eq(campaignLeads.id, lead.id));
    return 'retry';
  }
  const variant = pickVariant(lead.id, step.id, step.variants);
  const content = await stepContent(deps, lead, step, variant, previous);

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
    return refused(deps, s, lead, new ApiError('VALIDATION_ERROR', `Step ${step.position} cannot be sent (${problem})`), now);
  }
  let emailId: string | undefined;
  try {
    const accepted = await acceptSend(
      deps,
      { kind: 'campaign', workspaceId: lead.workspaceId, campaignId: campaign.id, ownerId: campaign.ownerId, mailboxId: campaign.mailboxId, leadId: lead.id, stepId: step.id, variantId: variant?.id ?? null },
      stepKey(lead.id, step.id, lead.softBounces),
      request.data,
    );
    emailId = accepted.id;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // The key was used with another body: that step was accepted before the step was edited.
    if (err.code !== 'IDEMPOTENCY_CONFLICT') return refused(deps, s, lead, err, now);
  }

  await moveAndRecord(deps, lead, {
    set: {
      currentStep: lead.currentStep + 1,
      status: next ? 'active' : 'completed',
      nextDueAt: next ? dueAfter(now, { amount: next.delayAmount, unit: next.delayUnit }, cal) : null,
      reason: `Step ${step.position + 1} sent${variant ? ` (variant ${variant.id})` : ''}`,
      softBounces: 0,
      updatedAt: now,
    },
    record: { stepId: step.id, position: step.position, outcome: 'sent', reason: null, emailId: emailId ?? null, at: now },
  });
  return next ? 'sent' : 'completed';
}

/** The send key of a step for a lead; a soft-bounce retry is a new send, so it has its own key. */
export const stepKey = (leadId: string, stepId: string, retry = 0) => `campaign:${leadId}:step:${stepId}${retry ? `:retry:${retry}` : ''}`;

/**
 * Moves the lead past a step and records what happened to that step, in one statement (one
 * round trip, one commit). Guarded on the step it was at: a lead moved meanwhile (an edit, a
 * reply) is left alone and nothing is recorded. A skipped step's successor is due after its
 * delay counted from now.
 */
async function moveAndRecord(
  deps: Deps,
  lead: Lead,
  change: { set: Partial<typeof campaignLeads.$inferInsert>; record: { stepId: string; position: number; outcome: 'sent' | 'skipped'; reason: string | null; emailId: string | null; at: Date } },
) {
  const r = change.record;
  const moved = deps.db
    .update(campaignLeads)
    .set(change.set)
    .where(and(eq(campaignLeads.id, lead.id), eq(campaignLeads.currentStep, lead.currentStep), inArray(campaignLeads.status, ['pending', 'active'])))
    .returning({ id: campaignLeads.id });
  await deps.db.execute(sql`with moved as (${moved.getSQL()})
    insert into ${leadSteps} (workspace_id, lead_id, step_id, position, outcome, reason, email_id, at)
    select ${lead.workspaceId}::uuid, id, ${r.stepId}::uuid, ${r.position}::int, ${r.outcome}, ${r.reason}, ${r.emailId}::uuid, ${r.at.toISOString()}::timestamptz from moved`);
}

/** Why the condition is false, or undefined when the step goes. Only human events count. */
async function unmetCondition(deps: Deps, lead: Lead, condition: Step['condition']): Promise<string | undefined> {
  if (condition === 'always') return undefined;
  const [row] = await deps.db
    .select({
      opened: sql<boolean>`bool_or(${emailEvents.type} = 'open' and not ${emailEvents.machine})`,
      clicked: sql<boolean>`bool_or(${emailEvents.type} = 'click' and not ${emailEvents.machine})`,
      replied: sql<boolean>`bool_or(${emailEvents.type} = 'reply')`,
    })
    .from(emailEvents)
    .innerJoin(emails, eventEmail)
    .where(and(eq(emailEvents.workspaceId, lead.workspaceId), eq(emails.campaignLeadId, lead.id)));
  const seen = { opened: Boolean(row?.opened), clicked: Boolean(row?.clicked), replied: Boolean(row?.replied) };
  switch (condition) {
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

/** The mailbox the campaign sends from: its own, else the owner's (active first). */
async function senderMailbox(deps: Deps, campaign: typeof campaigns.$inferSelect) {
  const [box] = await deps.db
    .select({ id: mailboxes.id, sendWindow: mailboxes.sendWindow })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, campaign.workspaceId), campaign.mailboxId ? eq(mailboxes.id, campaign.mailboxId) : eq(mailboxes.userId, campaign.ownerId ?? sql`null`)))
    .orderBy(sql`${mailboxes.status} = 'active' desc`)
    .limit(1);
  return box;
}

/**
 * The lead's latest email of an earlier step that is or will be out (a failed or cancelled one
 * is not replied to; a soft-bounce retry of this step answers what the first try answered).
 */
async function lastEmailOf(deps: Deps, lead: Lead, stepId: string) {
  const [row] = await deps.db
    .select({ id: emails.id, status: emails.status, subject: emails.subject, messageId: emails.messageId, threadId: emails.threadId })
    .from(emails)
    .where(and(eq(emails.workspaceId, lead.workspaceId), eq(emails.campaignLeadId, lead.id), ne(emails.stepId, stepId), inArray(emails.status, ['PENDING_SEND', 'SENDING', 'SENT'])))
    .orderBy(desc(emails.createdAt))
    .limit(1);
  return row;
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
async function stopReason(deps: Deps, lead: Lead, email: string): Promise<{ status: StopStatus; reason: string } | undefined> {
  const { db } = deps;
  const suppressed = await suppressionReason(db, lead.workspaceId, email);
  if (suppressed) {
    return suppressed === 'hard_bounce' ? { status: 'bounced', reason: 'Hard bounce: the address is suppressed' }
      : suppressed === 'unsubscribe' ? { status: 'unsubscribed', reason: 'Unsubscribed' } : { status: 'stopped', reason: `Suppressed (${suppressed})` };
  }
  const facts = await db
    .selectDistinct({ type: emailEvents.type, reason: emailEvents.reason })
    .from(emailEvents)
    .innerJoin(emails, eventEmail)
    .where(and(ofPerson(lead), inArray(emailEvents.type, ['reply', 'bounce', 'unsubscribe', 'complaint'])));
  if (facts.some((f) => f.type === 'reply')) return { status: 'replied', reason: 'Replied' };
  if (facts.some((f) => f.type === 'bounce' && f.reason === 'hard')) return { status: 'bounced', reason: 'Hard bounce' };
  if (facts.some((f) => f.type === 'unsubscribe')) return { status: 'unsubscribed', reason: 'Unsubscribed' };
  if (facts.some((f) => f.type === 'complaint')) return { status: 'stopped', reason: 'Marked as spam' };
  return undefined;
}

/**
 * The step's text: the lead's variant, else the step's own, else its template's. A follow-up
 * in the same thread answers the previous email: `Re:` its subject, In-Reply-To its Message-ID,
 * in its Gmail thread; a step marked as a new thread goes out on its own subject.
 */
async function stepContent(deps: Deps, lead: Lead, step: Step, variant: Variant | undefined, previous: Awaited<ReturnType<typeof lastEmailOf>>) {
  const { db } = deps;
  let own = { subject: variant?.subject || step.subject, bodyHtml: variant?.bodyHtml || step.bodyHtml };
  if (step.templateId && (!own.subject.trim() || !own.bodyHtml.trim())) {
    const [t] = await db.select().from(templates).where(and(eq(templates.id, step.templateId), eq(templates.workspaceId, lead.workspaceId)));
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
