import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { emails, mailboxes, manualSends } from '../../../../db/schema';
import { ApiError, notFound } from '../../lib/api-error';
import type { ReportManualSendRequest, ReportManualSendResponse } from '../../../../shared/contracts/mailboxes';
import type { SessionInfo } from '../../context';
import { getMailbox } from './service';

/**
 * Records one message the rep sent from Gmail itself, once per (mailbox, Gmail id): the full-mode
 * inbox sync and the light-mode report from the extension both land here, so a message seen by
 * both still counts once. Answers whether this call recorded it.
 */
export async function recordManualSend(db: Db, row: { workspaceId: string; mailboxId: string; providerMessageId: string; sentAt: Date }): Promise<boolean> {
  const inserted = await db.insert(manualSends).values(row).onConflictDoNothing().returning({ id: manualSends.id });
  return inserted.length > 0;
}

/**
 * Light mode: the extension saw the rep press Gmail's own Send. Only for the caller's own mailbox
 * (a rep reports what they sent, nobody else's); a message Lumina sent is ours and already counted.
 */
export async function reportManualSend(db: Db, session: SessionInfo, mailboxId: string, report: ReportManualSendRequest): Promise<{ created: boolean; body: ReportManualSendResponse }> {
  const [box] = await db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, session.workspaceId), eq(mailboxes.id, mailboxId)));
  if (!box) throw notFound('Mailbox');
  if (box.userId !== session.userId) throw new ApiError('FORBIDDEN', 'Only the owner of this mailbox reports what was sent from it');
  const [ours] = await db
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.workspaceId, session.workspaceId), eq(emails.providerMessageId, report.gmailMessageId)))
    .limit(1);
  let outcome: ReportManualSendResponse['outcome'] = 'sent_by_lumina';
  if (!ours) {
    // The extension's clock may run ahead a little: a send is never counted as later than now.
    const sentAt = new Date(Math.min(Date.now(), report.sentAt ? Date.parse(report.sentAt) : Date.now()));
    const recorded = await recordManualSend(db, { workspaceId: box.workspaceId, mailboxId: box.id, providerMessageId: report.gmailMessageId, sentAt });
    outcome = recorded ? 'recorded' : 'already_recorded';
  }
  const { lastSyncedAt: _, ...mailbox } = await getMailbox(db, session.workspaceId, box.id);
  return { created: outcome === 'recorded', body: { outcome, mailbox } };
}
