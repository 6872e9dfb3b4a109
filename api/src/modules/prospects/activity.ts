import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, campaigns, emailEvents, emails } from '../../../../db/schema';

/**
 * Everything that happened with one prospect, for the console's detail page: the emails sent
 * to them (newest first, at most `limit`) with each one's events, and the campaigns they are in.
 */
export async function prospectActivity(db: Db, workspaceId: string, prospectId: string, limit = 50) {
  const [mail, leads] = await Promise.all([
    db
      .select({ id: emails.id, subject: emails.subject, status: emails.status, failureReason: emails.failureReason, sentAt: emails.sentAt, createdAt: emails.createdAt, campaignId: emails.campaignId })
      .from(emails)
      .where(and(eq(emails.workspaceId, workspaceId), eq(emails.prospectId, prospectId)))
      .orderBy(desc(emails.createdAt))
      .limit(limit),
    db
      .select({ campaignId: campaigns.id, name: campaigns.name, campaignStatus: campaigns.status, leadStatus: campaignLeads.status, currentStep: campaignLeads.currentStep })
      .from(campaignLeads)
      .innerJoin(campaigns, eq(campaigns.id, campaignLeads.campaignId))
      .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaignLeads.prospectId, prospectId))),
  ]);
  const events = mail.length
    ? await db
        .select({ emailId: emailEvents.emailId, type: emailEvents.type, machine: emailEvents.machine, occurredAt: emailEvents.occurredAt })
        .from(emailEvents)
        .where(and(eq(emailEvents.workspaceId, workspaceId), inArray(emailEvents.emailId, mail.map((m) => m.id))))
        .orderBy(asc(emailEvents.occurredAt))
    : [];
  return { emails: mail.map((m) => ({ ...m, events: events.filter((e) => e.emailId === m.id) })), campaigns: leads };
}
