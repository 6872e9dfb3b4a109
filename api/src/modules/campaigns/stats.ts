import { and, count, countDistinct, eq, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, emailEvents, emails, leadStatuses } from '../../../../db/schema';
import type { CampaignStats } from '../../../../shared/contracts/campaigns';
import { getCampaignRow } from './service';

/** Derived, never stored: lead statuses plus the campaign's emails and their append-only events. */
export async function campaignStats(db: Db, workspaceId: string, campaignId: string): Promise<CampaignStats> {
  await getCampaignRow(db, workspaceId, campaignId);
  const ofCampaign = and(eq(emails.workspaceId, workspaceId), eq(emails.campaignId, campaignId));
  const [leadRows, emailRows, eventRows, stepRows] = await Promise.all([
    db
      .select({ status: campaignLeads.status, n: count() })
      .from(campaignLeads)
      .where(and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.campaignId, campaignId)))
      .groupBy(campaignLeads.status),
    db
      .select({ status: emails.status, n: count() })
      .from(emails)
      .where(and(eq(emails.workspaceId, workspaceId), eq(emails.campaignId, campaignId)))
      .groupBy(emails.status),
    db
      .select({ type: emailEvents.type, n: countDistinct(emailEvents.emailId) })
      .from(emailEvents)
      .innerJoin(emails, eq(emails.id, emailEvents.emailId))
      .where(
        and(
          eq(emailEvents.workspaceId, workspaceId),
          eq(emails.campaignId, campaignId),
          // A scanner's or proxy's fetch is not a person reading.
          sql`not (${emailEvents.type} in ('open', 'click') and ${emailEvents.machine})`,
        ),
      )
      .groupBy(emailEvents.type),
    stepBreakdown(db, ofCampaign!),
  ]);

  const leads = Object.fromEntries(leadStatuses.map((s) => [s, 0])) as Record<(typeof leadStatuses)[number], number>;
  for (const r of leadRows) leads[r.status] = r.n;
  const byStatus = Object.fromEntries(emailRows.map((r) => [r.status, r.n]));
  const byType = Object.fromEntries(eventRows.map((r) => [r.type, r.n]));
  const sent = byStatus.SENT ?? 0;
  const events = {
    opened: byType.open ?? 0,
    clicked: byType.click ?? 0,
    replied: byType.reply ?? 0,
    bounced: byType.bounce ?? 0,
    unsubscribed: byType.unsubscribe ?? 0,
  };
  const rate = (n: number) => (sent === 0 ? 0 : Math.round((n / sent) * 1000) / 1000);
  return {
    leads: { ...leads, total: leadRows.reduce((a, r) => a + r.n, 0) },
    emails: { queued: (byStatus.PENDING_SEND ?? 0) + (byStatus.SENDING ?? 0), sent, failed: byStatus.FAILED ?? 0 },
    events,
    rates: { open: rate(events.opened), reply: rate(events.replied) },
    steps: stepRows,
  };
}

/**
 * The scheduler's sends carry the key `campaign:<lead>:step:<position>`, so the step of
 * each email is read from its key (the email row itself stays as the send pipeline wrote it).
 */
async function stepBreakdown(db: Db, ofCampaign: SQL) {
  const position = sql<number>`split_part(${emails.idempotencyKey}, ':', 4)::int`.mapWith(Number);
  const human = (type: string) =>
    sql<number>`count(distinct ${emailEvents.emailId}) filter (where ${emailEvents.type} = ${type} and not ${emailEvents.machine})`.mapWith(Number);
  const rows = await db
    .select({
      position,
      sent: sql<number>`count(distinct ${emails.id}) filter (where ${emails.status} = 'SENT')`.mapWith(Number),
      opened: human('open'),
      replied: sql<number>`count(distinct ${emailEvents.emailId}) filter (where ${emailEvents.type} = 'reply')`.mapWith(Number),
    })
    .from(emails)
    .leftJoin(emailEvents, eq(emailEvents.emailId, emails.id))
    .where(and(ofCampaign, like(emails.idempotencyKey, 'campaign:%:step:%')))
    .groupBy(position)
    .orderBy(position);
  return rows;
}
