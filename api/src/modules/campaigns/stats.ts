import { and, asc, count, countDistinct, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, emailEvents, emails, leadStatuses, leadSteps, sequenceSteps } from '../../../../db/schema';
import { abVerdict } from './variants';
import type { CampaignStats } from '../../../../shared/contracts/campaigns';
import { getCampaignRow } from './service';
import { stepWinnerTests } from './sequence.worker';

/** Derived, never stored: lead statuses plus the campaign's emails and their append-only events. */
export async function campaignStats(db: Db, workspaceId: string, campaignId: string): Promise<CampaignStats> {
  await getCampaignRow(db, workspaceId, campaignId);
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
    stepBreakdown(db, workspaceId, campaignId),
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
    stepCount: stepRows.filter((r) => !r.retired).length,
    steps: stepRows,
  };
}

const ratio = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 1000);

/**
 * Per step (each version) and per A/B variant, read from each email's step and variant links
 * (written by the one accept path). Skips come from the lead-step record.
 */
async function stepBreakdown(db: Db, workspaceId: string, campaignId: string): Promise<CampaignStats['steps']> {
  const human = (type: string) =>
    sql<number>`count(distinct ${emailEvents.emailId}) filter (where ${emailEvents.type} = ${type} and not ${emailEvents.machine})`.mapWith(Number);
  const [steps, rows, skips] = await Promise.all([
    db.select().from(sequenceSteps).where(eq(sequenceSteps.campaignId, campaignId)).orderBy(asc(sequenceSteps.position), asc(sequenceSteps.retiredAt)),
    db
      .select({
        stepId: emails.stepId,
        variantId: emails.variantId,
        sent: sql<number>`count(distinct ${emails.id}) filter (where ${emails.status} = 'SENT')`.mapWith(Number),
        opened: human('open'),
        clicked: human('click'),
        replied: sql<number>`count(distinct ${emailEvents.emailId}) filter (where ${emailEvents.type} = 'reply')`.mapWith(Number),
        bounced: sql<number>`count(distinct ${emailEvents.emailId}) filter (where ${emailEvents.type} = 'bounce')`.mapWith(Number),
      })
      .from(emails)
      .leftJoin(emailEvents, eq(emailEvents.emailId, emails.id))
      .where(and(eq(emails.workspaceId, workspaceId), eq(emails.campaignId, campaignId), isNotNull(emails.stepId)))
      .groupBy(emails.stepId, emails.variantId),
    db
      .select({ stepId: leadSteps.stepId, n: count() })
      .from(leadSteps)
      .innerJoin(sequenceSteps, eq(sequenceSteps.id, leadSteps.stepId))
      .where(and(eq(leadSteps.workspaceId, workspaceId), eq(sequenceSteps.campaignId, campaignId), eq(leadSteps.outcome, 'skipped')))
      .groupBy(leadSteps.stepId),
  ]);
  // The scheduler's own verdict (its fixed test cohort of the first N sends per variant), not a re-derivation.
  const winnerTests = await stepWinnerTests({ db }, steps.filter((st) => st.retiredAt === null));
  const zero = { sent: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 };
  return steps
    .map((step) => {
      const mine = rows.filter((r) => r.stepId === step.id);
      const test = winnerTests.get(step.id);
      const total = mine.reduce((a, r) => ({ sent: a.sent + r.sent, opened: a.opened + r.opened, clicked: a.clicked + r.clicked, replied: a.replied + r.replied, bounced: a.bounced + r.bounced }), zero);
      const variants = step.variants.map((v) => {
        const c = mine.find((r) => r.variantId === v.id) ?? zero;
        const counts = { sent: c.sent, opened: c.opened, clicked: c.clicked, replied: c.replied, bounced: c.bounced };
        return { id: v.id, weight: v.weight, ...counts, rates: { open: ratio(c.opened, c.sent), click: ratio(c.clicked, c.sent), reply: ratio(c.replied, c.sent), bounce: ratio(c.bounced, c.sent) } };
      });
      return {
        stepId: step.id,
        position: step.position,
        retired: step.retiredAt !== null,
        ...total,
        skipped: skips.find((k) => k.stepId === step.id)?.n ?? 0,
        variants,
        abTest: abVerdict(variants),
        winnerAfter: step.variants.length >= 2 ? (step.winnerAfter ?? null) : null,
        winnerToRest: test?.ready && test.verdict?.winner ? test.verdict.winner : null,
        winnerTest: test?.verdict ?? null,
      };
    })
    .filter((s) => !s.retired || s.sent > 0 || s.skipped > 0);
}
