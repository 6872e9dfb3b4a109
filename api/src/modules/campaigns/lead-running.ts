import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, leadSteps, prospects } from '../../../../db/schema';
import { ApiError, notFound } from '../../lib/api-error';
import type { Lead, LeadDetail } from '../../../../shared/contracts/campaigns';
import { firstDue, getCampaignRow, stepsOf, toLead } from './service';

/** Leads still in the sequence; the others (replied, bounced, completed…) are over for good. */
const RUNNING = ['pending', 'active'] as const;
/** Paused already counts: a manual pause turns an out-of-office pause into an open-ended one. */
const PAUSABLE = [...RUNNING, 'paused'] as const;

/**
 * Pauses or resumes one lead's sequence — what a rep means from a single thread — leaving
 * the campaign and its other leads alone. The scheduler only picks pending and active
 * leads, so a paused lead gets no step until it is resumed. Pausing again, or resuming a
 * lead that runs, answers the lead as it is, so a double click is harmless.
 */
export async function setLeadRunning(db: Db, workspaceId: string, campaignId: string, leadId: string, run: boolean): Promise<Lead> {
  const campaign = await getCampaignRow(db, workspaceId, campaignId);
  if (campaign.status === 'archived') throw new ApiError('CONFLICT', 'An archived campaign is read-only');
  const lead = await leadOf(db, workspaceId, campaignId, leadId);
  if (run && (RUNNING as readonly string[]).includes(lead.status)) return toLead(lead, lead.email);
  if (!(PAUSABLE as readonly string[]).includes(lead.status)) throw new ApiError('CONFLICT', `A ${lead.status} lead cannot be ${run ? 'resumed' : 'paused'}`);
  // A manual pause has no end date: clearing pausedUntil also stops a pending out-of-office
  // resume (resumePausedLead) from waking the lead behind the rep's back.
  const set = run ? { ...(await resumeFields(db, campaign.status, lead)), reason: 'Resumed by the rep' } : { status: 'paused' as const, pausedUntil: null, reason: 'Paused by the rep' };
  const [row] = await db
    .update(campaignLeads)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, leadId), run ? eq(campaignLeads.status, 'paused') : inArray(campaignLeads.status, [...PAUSABLE])))
    .returning();
  // Lost a race (the scheduler finished the lead, a reply stopped it): say what it is now.
  if (!row) return setLeadRunning(db, workspaceId, campaignId, leadId, run);
  return toLead(row, lead.email);
}

/**
 * Where a resumed lead picks up. In a campaign not launched yet it waits again (pending).
 * Otherwise it keeps its schedule when that is still ahead, and is due now when the due
 * time passed during the pause — or when it was an out-of-office pause the rep cut short.
 * A lead paused before launch has no due time yet: the first step's delay counts from now.
 */
async function resumeFields(db: Db, campaignStatus: string, lead: typeof campaignLeads.$inferSelect) {
  const now = new Date();
  if (campaignStatus === 'draft') return { status: 'pending' as const, pausedUntil: null, nextDueAt: null };
  let nextDueAt = lead.pausedUntil || !lead.nextDueAt || lead.nextDueAt < now ? now : lead.nextDueAt;
  if (!lead.nextDueAt && !lead.pausedUntil) {
    const step = (await stepsOf(db, lead.campaignId))[lead.currentStep];
    nextDueAt = await firstDue(db, await getCampaignRow(db, lead.workspaceId, lead.campaignId), step, now);
  }
  return { status: 'active' as const, pausedUntil: null, nextDueAt };
}

async function leadOf(db: Db, workspaceId: string, campaignId: string, leadId: string) {
  const [row] = await db
    .select({ lead: campaignLeads, email: prospects.email })
    .from(campaignLeads)
    .innerJoin(prospects, eq(prospects.id, campaignLeads.prospectId))
    .where(and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.campaignId, campaignId), eq(campaignLeads.id, leadId)));
  if (!row) throw notFound('Lead');
  return { ...row.lead, email: row.email };
}

/**
 * Takes a lead out of the sequence for good: it is stopped (with the reason) rather than
 * deleted, so what it was sent stays in the figures. Removing a finished lead changes nothing.
 */
export async function removeLead(db: Db, workspaceId: string, campaignId: string, leadId: string): Promise<Lead> {
  const campaign = await getCampaignRow(db, workspaceId, campaignId);
  if (campaign.status === 'archived') throw new ApiError('CONFLICT', 'An archived campaign is read-only');
  const lead = await leadOf(db, workspaceId, campaignId, leadId);
  const [row] = await db
    .update(campaignLeads)
    .set({ status: 'stopped', nextDueAt: null, pausedUntil: null, reason: 'Removed from the campaign by the rep', updatedAt: new Date() })
    .where(and(eq(campaignLeads.id, leadId), inArray(campaignLeads.status, [...PAUSABLE])))
    .returning();
  return toLead(row ?? lead, lead.email);
}

/** One lead with the record of its steps: sent (with the email) or skipped (with why). */
export async function leadDetail(db: Db, workspaceId: string, campaignId: string, leadId: string): Promise<LeadDetail> {
  await getCampaignRow(db, workspaceId, campaignId);
  const lead = await leadOf(db, workspaceId, campaignId, leadId);
  const history = await db.select().from(leadSteps).where(and(eq(leadSteps.workspaceId, workspaceId), eq(leadSteps.leadId, leadId))).orderBy(asc(leadSteps.at), asc(leadSteps.id));
  return {
    ...toLead(lead, lead.email),
    history: history.map((h) => ({ stepId: h.stepId, position: h.position, outcome: h.outcome, reason: h.reason, emailId: h.emailId, at: h.at.toISOString() })),
  };
}
