import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Deps } from '../../context';
import { campaignLeads, campaigns, emailEvents, emails, mailboxes, prospects, sequenceSteps, workspaces } from '../../../../db/schema';
import { businessDayAfter, calendarOf, type LeadCalendar } from '../campaigns/timing';
import { insertSuppression } from '../suppressions/service';
import { publishEvents } from '../webhooks/publish';
import { pauseDaysOf } from './settings';
import { companyDomainOf } from '../campaigns/company-domain';
import { rowsOf } from '../../../../db/prepared';

/**
 * What an inbound message (or an unsubscribe click) does, written as an event first:
 * the event row is the fact, the lead status and suppression follow from it in the same
 * transaction. A replay of the same fact (same dedupe key) changes nothing.
 */
export type EffectKind = 'reply' | 'auto_reply' | 'bounce' | 'complaint' | 'unsubscribe';

export interface EffectEmail {
  id: string;
  workspaceId: string;
  to: string;
  prospectId: string | null;
  campaignLeadId: string | null;
}

export interface EffectInput {
  kind: EffectKind;
  email: EffectEmail;
  /** Natural key of the fact, e.g. `inbound:<message id>` or `unsubscribe:<email id>`. */
  dedupeKey: string;
  occurredAt?: Date;
  data?: Record<string, unknown>;
  bounce?: { hard: boolean; recipient?: string | null };
  /** Out-of-office: when the person says they are back. */
  returnDate?: Date | null;
}

export interface EffectResult {
  recorded: boolean;
  eventId?: number;
  /** Auto-reply: when the paused sequence picks up again. */
  resumeAt?: Date;
  suppressed?: string;
  /** Colleagues' leads stopped by the campaigns' same-company-domain setting. */
  companyStopped?: number;
  /** Referral: the address of the person named, now a prospect. */
  referred?: string;
}

export const LEAD_RESUME_QUEUE = 'lead-resume';
const LIVE_LEAD = ['pending', 'active', 'paused'] as const;
/** A soft bounce retries the step this much later, at most this many times, then the lead has failed. */
export const SOFT_BOUNCE_RETRY_MS = 6 * 3_600_000;
export const SOFT_BOUNCE_RETRIES = 3;

/**
 * Applies one fact. Stops reach every campaign of the workspace the person is in, not only the
 * one whose email it answers: a reply, a hard bounce, an unsubscribe or a complaint ends their
 * live leads everywhere (the last three also suppress the address); an out-of-office pauses
 * them until the business day after the return date; a soft bounce sends the same step again
 * later. The email's links (campaign_lead_id, step_id, written by the one accept path) say
 * which lead and step the fact is about.
 */
export async function applyEffect(deps: Pick<Deps, 'db' | 'queue' | 'logger'>, input: EffectInput, now = new Date()): Promise<EffectResult> {
  const { email } = input;
  const resumed: string[] = [];
  const { result, event } = await deps.db.transaction(async (tx) => {
    const machine = input.kind === 'auto_reply' || input.kind === 'bounce';
    const [event] = await tx
      .insert(emailEvents)
      .values({
        workspaceId: email.workspaceId,
        emailId: email.id,
        type: input.kind,
        machine,
        reason: input.kind === 'bounce' ? (input.bounce?.hard ? 'hard' : 'soft') : null,
        data: input.data ?? {},
        dedupeKey: input.dedupeKey,
        occurredAt: input.occurredAt ?? now,
      })
      .onConflictDoNothing()
      .returning();
    if (!event) return { result: { recorded: false } as EffectResult, event: undefined };

    const out: EffectResult = { recorded: true, eventId: event.id };
    const [link] = await tx
      .select({ leadId: emails.campaignLeadId, stepId: emails.stepId, prospectId: emails.prospectId, timeZone: prospects.timeZone, window: mailboxes.sendWindow, campaignSettings: campaigns.settings })
      .from(emails)
      .leftJoin(prospects, eq(prospects.id, emails.prospectId))
      .leftJoin(mailboxes, eq(mailboxes.id, emails.mailboxId))
      .leftJoin(campaigns, eq(campaigns.id, emails.campaignId))
      .where(and(eq(emails.id, email.id), eq(emails.workspaceId, email.workspaceId)));
    const leadId = link?.leadId ?? email.campaignLeadId;
    const prospectId = link?.prospectId ?? email.prospectId;
    const leadsOfEmail = leadId ? [eq(campaignLeads.id, leadId)] : [];
    const leadsOfPerson = prospectId ? [eq(campaignLeads.prospectId, prospectId)] : [];
    const everywhere = [...leadsOfEmail, ...leadsOfPerson];
    const live = (scope: typeof leadsOfEmail, statuses: readonly LeadStatus[] = LIVE_LEAD) =>
      and(eq(campaignLeads.workspaceId, email.workspaceId), inArray(campaignLeads.status, [...statuses]), or(...scope));
    const setLeads = async (scope: typeof leadsOfEmail, set: Partial<typeof campaignLeads.$inferInsert>, statuses?: readonly LeadStatus[]) => {
      if (!scope.length) return [];
      return tx.update(campaignLeads).set({ ...set, updatedAt: now }).where(live(scope, statuses)).returning({ id: campaignLeads.id });
    };
    const suppress = async (address: string, reason: 'unsubscribe' | 'hard_bounce' | 'complaint') => {
      out.suppressed = address;
      await insertSuppression(tx, email.workspaceId, { email: address, reason, sourceEmailId: email.id });
    };

    switch (input.kind) {
      case 'reply': {
        const referral = referralOf(input.data);
        if (!referral) {
          await setLeads(everywhere, { status: 'replied', nextDueAt: null, pausedUntil: null, reason: 'Replied' });
          break;
        }
        // "Talk to Dana, dana@acme.com": the sequence stops as referred, and the person named
        // becomes a prospect of the workspace (never enrolled by itself), linked to who referred them.
        const to = [referral.name, referral.email ? `<${referral.email}>` : ''].filter(Boolean).join(' ');
        await setLeads(everywhere, { status: 'referred', nextDueAt: null, pausedUntil: null, reason: to ? `Referred to ${to}` : "Referred to someone else" });
        if (referral.email && referral.email !== addressOf(email.to)) {
          const [first, ...rest] = (referral.name ?? '').split(/\s+/).filter(Boolean);
          await tx
            .insert(prospects)
            .values({
              workspaceId: email.workspaceId,
              email: referral.email,
              firstName: first ?? null,
              lastName: rest.length ? rest.join(' ') : null,
              customFields: { referred_by: addressOf(email.to) },
            })
            .onConflictDoNothing();
          out.referred = referral.email;
        }
        break;
      }
      case 'auto_reply': {
        const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, email.workspaceId));
        const cal = calendarOf({ prospectZone: link?.timeZone, window: link?.window, holidays: link?.campaignSettings?.holidays });
        out.resumeAt = resumeDate(input.returnDate ?? null, pauseDaysOf(ws?.settings), now, cal);
        const back = input.returnDate ? `back ${input.returnDate.toISOString().slice(0, 10)}` : 'no return date given';
        // A manual pause (no end date) is the rep's: an out-of-office does not turn it into a timed one.
        const rows = !everywhere.length ? [] : await tx
          .update(campaignLeads)
          .set({ status: 'paused', pausedUntil: out.resumeAt, nextDueAt: out.resumeAt, reason: `Out of office (${back}): paused until ${out.resumeAt.toISOString()}`, updatedAt: now })
          .where(and(live(everywhere), sql`not (${campaignLeads.status} = 'paused' and ${campaignLeads.pausedUntil} is null)`))
          .returning({ id: campaignLeads.id });
        resumed.push(...rows.map((r) => r.id));
        break;
      }
      case 'bounce':
        if (input.bounce?.hard) {
          await suppress(addressOf(input.bounce.recipient ?? email.to), 'hard_bounce');
          await setLeads(everywhere, { status: 'bounced', nextDueAt: null, pausedUntil: null, reason: 'Hard bounce: the address does not exist' });
        } else if (leadId) {
          await softBounce(tx, leadId, link?.stepId ?? null, input, now);
        }
        break;
      case 'complaint':
        await suppress(addressOf(email.to), 'complaint');
        await setLeads(everywhere, { status: 'stopped', nextDueAt: null, pausedUntil: null, reason: 'Marked as spam' });
        break;
      case 'unsubscribe':
        await suppress(addressOf(email.to), 'unsubscribe');
        await setLeads(everywhere, { status: 'unsubscribed', nextDueAt: null, pausedUntil: null, reason: 'Unsubscribed' });
        break;
    }
    // A campaign may stop a whole company when one of its people answers or opts out: their
    // colleagues (same company domain, never a free-mail one) stop in the campaigns that ask for it.
    if (input.kind === 'reply' || input.kind === 'unsubscribe' || input.kind === 'complaint' || (input.kind === 'bounce' && input.bounce?.hard)) {
      out.companyStopped = await stopCompany(tx, email, prospectId, input.kind, now);
    }
    return { result: out, event };
  });
  if (event) publishEvents(deps, [event]);
  // The scheduler also wakes these on its tick; the job only makes the resume prompt when no tick runs.
  for (const id of result.resumeAt ? resumed : []) {
    // The date is in the id: the resume of the lead's earlier out-of-office may still be
    // waiting, and an add with a live job's id is ignored.
    await deps.queue.enqueue(LEAD_RESUME_QUEUE, 'resume', { leadId: id }, {
      jobId: `resume-${id}-${result.resumeAt!.getTime()}`,
      delayMs: Math.max(0, result.resumeAt!.getTime() - Date.now()),
      attempts: 5,
    });
  }
  return result;
}

type LeadStatus = (typeof campaignLeads.$inferSelect)['status'];
type Tx = Parameters<Parameters<Deps['db']['transaction']>[0]>[0];

/**
 * A soft bounce (mailbox full, greylisted…) sends the bounced step again later: the lead goes
 * back to that step (its live position), up to three retries; the next soft bounce fails the lead.
 */
async function softBounce(tx: Tx, leadId: string, stepId: string | null, input: EffectInput, now: Date) {
  const [lead] = await tx.select().from(campaignLeads).where(eq(campaignLeads.id, leadId)).for('update');
  if (!lead || !(LIVE_LEAD as readonly string[]).includes(lead.status)) return;
  const why = typeof input.data?.bounce === 'object' && input.data.bounce && 'reason' in input.data.bounce ? String((input.data.bounce as { reason?: unknown }).reason ?? '') : '';
  // Counted from the facts (this one included): the soft-bounced emails of this lead for this step.
  const [{ n } = { n: 0 }] = stepId
    ? await tx
        .select({ n: sql<number>`count(distinct ${emails.id})::int`.mapWith(Number) })
        .from(emailEvents)
        .innerJoin(emails, eq(emails.id, emailEvents.emailId))
        .where(and(eq(emails.workspaceId, lead.workspaceId), eq(emails.campaignLeadId, leadId), eq(emails.stepId, stepId), eq(emailEvents.type, 'bounce'), eq(emailEvents.reason, 'soft')))
    : [{ n: lead.softBounces + 1 }];
  if (n > SOFT_BOUNCE_RETRIES) {
    await tx
      .update(campaignLeads)
      .set({ status: 'failed', nextDueAt: null, pausedUntil: null, reason: `Soft bounce ${n} times${why ? ` (${why})` : ''}: gave up`, updatedAt: now })
      .where(eq(campaignLeads.id, leadId));
    return;
  }
  const live = await tx.select({ id: sequenceSteps.id }).from(sequenceSteps).where(and(eq(sequenceSteps.campaignId, lead.campaignId), isNull(sequenceSteps.retiredAt))).orderBy(asc(sequenceSteps.position));
  const at = stepId ? live.findIndex((s) => s.id === stepId) : -1;
  await tx
    .update(campaignLeads)
    .set({
      status: lead.status === 'paused' ? 'paused' : 'active',
      currentStep: at >= 0 ? at : lead.currentStep,
      // The retry's send key carries n, so each retry is its own send.
      softBounces: n,
      nextDueAt: new Date(now.getTime() + SOFT_BOUNCE_RETRY_MS),
      reason: `Soft bounce${why ? ` (${why})` : ''}: retry ${n} of ${SOFT_BOUNCE_RETRIES} later`,
      updatedAt: now,
    })
    .where(eq(campaignLeads.id, leadId));
}

/**
 * The business day after the return date (start of that day in the lead's calendar), or the
 * workspace default number of days from now when no (usable) date was given.
 */
export function resumeDate(returnDate: Date | null, defaultDays: number, now = new Date(), cal: LeadCalendar = calendarOf({})): Date {
  if (returnDate && returnDate.getTime() > now.getTime() - 86_400_000) return businessDayAfter(returnDate.toISOString().slice(0, 10), cal);
  return DateTime.fromJSDate(now).toUTC().plus({ days: defaultDays }).toJSDate();
}

/**
 * Stops the live leads of the person's colleagues — prospects whose address has the same company
 * domain — in every campaign of the workspace whose `stopCompanyDomain` setting is on. A free-mail
 * or disposable domain is nobody's company, so it stops nobody else.
 */
async function stopCompany(tx: Tx, email: EffectEmail, prospectId: string | null, kind: EffectKind, now: Date): Promise<number> {
  const domain = companyDomainOf(addressOf(email.to));
  if (!domain) return 0;
  const what = kind === 'reply' ? 'replied' : kind === 'unsubscribe' ? 'unsubscribed' : kind === 'complaint' ? 'marked us as spam' : 'bounced';
  const rows = await tx.execute(sql`
    update ${campaignLeads} l set status = 'stopped', next_due_at = null, paused_until = null,
      reason = ${`Stopped: a colleague at ${domain} ${what} (${addressOf(email.to)})`}, updated_at = ${now.toISOString()}::timestamptz
    from ${prospects} p, ${campaigns} c
    where l.workspace_id = ${email.workspaceId} and l.status in ('pending', 'active', 'paused')
      and p.id = l.prospect_id and p.workspace_id = l.workspace_id and c.id = l.campaign_id
      and c.settings @> '{"stopCompanyDomain": true}'::jsonb
      and p.email like ${`%@${domain.replace(/[\\%_]/g, (ch) => `\\${ch}`)}`}
      and p.id is distinct from ${prospectId}::uuid
    returning l.id`);
  return rowsOf(rows).length;
}

/** The person a referral reply names (the classifier's reading, in the event's data), if it is one. */
function referralOf(data: Record<string, unknown> | undefined): { name?: string; email?: string } | undefined {
  if (data?.meaning !== 'referral') return undefined;
  const r = data.referral && typeof data.referral === 'object' ? (data.referral as { name?: unknown; email?: unknown }) : {};
  const email = typeof r.email === 'string' && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(r.email.trim()) ? r.email.trim().toLowerCase() : undefined;
  const name = typeof r.name === 'string' && r.name.trim() ? r.name.trim().slice(0, 200) : undefined;
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/** `"Ada <ada@x.io>"` → `ada@x.io`. */
export function addressOf(to: string): string {
  const angle = /<([^>]+)>/.exec(to);
  return (angle ? angle[1]! : to).trim().toLowerCase();
}

/** Resumes a lead paused by an out-of-office once its date has come (re-queues itself if pushed back). */
export async function resumePausedLead(deps: Pick<Deps, 'db' | 'queue'>, leadId: string) {
  const [lead] = await deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, leadId));
  if (!lead || lead.status !== 'paused' || !lead.pausedUntil) return;
  const wait = lead.pausedUntil.getTime() - Date.now();
  if (wait > 0) {
    await deps.queue.enqueue(LEAD_RESUME_QUEUE, 'resume', { leadId }, { jobId: `resume-${leadId}-${lead.pausedUntil.getTime()}`, delayMs: wait, attempts: 5 });
    return;
  }
  await deps.db
    .update(campaignLeads)
    .set({ status: 'active', pausedUntil: null, nextDueAt: sql`now()`, reason: 'Back from out of office', updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, leadId), eq(campaignLeads.status, 'paused')));
}
