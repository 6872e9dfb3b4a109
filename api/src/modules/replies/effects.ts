import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Deps } from '../../context';
import { campaignLeads, emailEvents, workspaces } from '../../../../db/schema';
import { insertSuppression } from '../suppressions/service';
import { publishEvents } from '../webhooks/publish';
import { pauseDaysOf } from './settings';

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
}

export const LEAD_RESUME_QUEUE = 'lead-resume';
const LIVE_LEAD = ['pending', 'active', 'paused'] as const;

export async function applyEffect(deps: Pick<Deps, 'db' | 'queue' | 'logger'>, input: EffectInput): Promise<EffectResult> {
  const { email } = input;
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
        occurredAt: input.occurredAt ?? new Date(),
      })
      .onConflictDoNothing()
      .returning();
    if (!event) return { result: { recorded: false } as EffectResult, event: undefined };

    const out: EffectResult = { recorded: true, eventId: event.id };
    const leadsOfEmail = email.campaignLeadId ? [eq(campaignLeads.id, email.campaignLeadId)] : [];
    const leadsOfPerson = email.prospectId ? [eq(campaignLeads.prospectId, email.prospectId)] : [];
    const live = (scope: typeof leadsOfEmail) =>
      and(eq(campaignLeads.workspaceId, email.workspaceId), inArray(campaignLeads.status, [...LIVE_LEAD]), or(...scope));
    const setLeads = async (scope: typeof leadsOfEmail, set: Partial<typeof campaignLeads.$inferInsert>) => {
      if (scope.length) await tx.update(campaignLeads).set({ ...set, updatedAt: new Date() }).where(live(scope));
    };
    const suppress = async (address: string, reason: 'unsubscribe' | 'hard_bounce' | 'complaint') => {
      out.suppressed = address;
      await insertSuppression(tx, email.workspaceId, { email: address, reason, sourceEmailId: email.id });
    };

    switch (input.kind) {
      case 'reply':
        await setLeads(leadsOfEmail, { status: 'replied', nextDueAt: null, pausedUntil: null });
        break;
      case 'auto_reply': {
        const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, email.workspaceId));
        out.resumeAt = resumeDate(input.returnDate ?? null, pauseDaysOf(ws?.settings));
        await setLeads(leadsOfEmail, { status: 'paused', pausedUntil: out.resumeAt, nextDueAt: out.resumeAt });
        break;
      }
      case 'bounce':
        if (input.bounce?.hard) {
          await suppress(addressOf(input.bounce.recipient ?? email.to), 'hard_bounce');
          await setLeads([...leadsOfEmail, ...leadsOfPerson], { status: 'bounced', nextDueAt: null });
        }
        break;
      case 'complaint':
        await suppress(addressOf(email.to), 'complaint');
        await setLeads([...leadsOfEmail, ...leadsOfPerson], { status: 'stopped', nextDueAt: null });
        break;
      case 'unsubscribe':
        await suppress(addressOf(email.to), 'unsubscribe');
        await setLeads([...leadsOfEmail, ...leadsOfPerson], { status: 'unsubscribed', nextDueAt: null });
        break;
    }
    return { result: out, event };
  });
  if (event) publishEvents(deps, [event]);
  if (result.resumeAt && email.campaignLeadId) {
    // The date is in the id: the resume of the lead's earlier out-of-office may still be
    // waiting, and an add with a live job's id is ignored.
    await deps.queue.enqueue(LEAD_RESUME_QUEUE, 'resume', { leadId: email.campaignLeadId }, {
      jobId: `resume-${email.campaignLeadId}-${result.resumeAt.getTime()}`,
      delayMs: Math.max(0, result.resumeAt.getTime() - Date.now()),
      attempts: 5,
    });
  }
  return result;
}

/** The day after the return date (start of that day, UTC), or the workspace default from now. */
export function resumeDate(returnDate: Date | null, defaultDays: number, now = new Date()): Date {
  const base = returnDate && returnDate.getTime() > now.getTime() - 86_400_000 ? DateTime.fromJSDate(returnDate).toUTC().plus({ days: 1 }).startOf('day') : DateTime.fromJSDate(now).toUTC().plus({ days: defaultDays });
  return base.toJSDate();
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
    .set({ status: 'active', pausedUntil: null, nextDueAt: sql`now()`, updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, leadId), eq(campaignLeads.status, 'paused')));
}
