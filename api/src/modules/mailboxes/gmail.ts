import { eq } from 'drizzle-orm';
import type { gmail_v1 } from 'googleapis';
import type { Deps } from '../../context';
import { emails, mailboxes } from '../../../../db/schema';
import { gmailForMailbox, type GmailClientOptions, type GmailDeps, type MailboxRow } from '../../gmail/client';
import { failOpenSends } from '../emails/fail-sends';
import { recordAudit } from '../admin/audit';

/**
 * The Gmail client of one mailbox with Lumina's rule for a refused grant wired in: whichever
 * call meets it (a send, the inbox sync, a token refresh), the mailbox is marked needs_reauth
 * and its pending sends fail. Every worker takes its client from here.
 */
export function mailboxGmail(deps: GmailDeps, mailbox: string | MailboxRow, options: Omit<GmailClientOptions, 'onInvalidGrant'> = {}): Promise<gmail_v1.Gmail> {
  return gmailForMailbox(deps, mailbox, { ...options, onInvalidGrant: (mailboxId) => markNeedsReauth(deps, mailboxId) });
}

/**
 * Marks the mailbox as needing a new sign-in (`GET /api/mailboxes` shows it) and fails its
 * pending sends with that reason, in one transaction: they could only fail later, one by
 * one, as each came due.
 */
export async function markNeedsReauth(deps: Pick<Deps, 'db' | 'logger'>, mailboxId: string) {
  const failed = await deps.db.transaction(async (tx) => {
    const [before] = await tx.select({ status: mailboxes.status, workspaceId: mailboxes.workspaceId }).from(mailboxes).where(eq(mailboxes.id, mailboxId)).for('update');
    const [mailbox] = await tx.update(mailboxes).set({ status: 'needs_reauth' }).where(eq(mailboxes.id, mailboxId)).returning({ email: mailboxes.email });
    const failedSends = await failOpenSends(tx, eq(emails.mailboxId, mailboxId), reauthReason(mailbox?.email ?? mailboxId));
    // Google's refusal, not a person's: no actor. Once per loss of access, not per call that met it.
    if (before && mailbox && before.status !== 'needs_reauth') {
      await recordAudit(tx, { workspaceId: before.workspaceId, actorId: null, action: 'mailbox.needs_reauth', target: mailbox.email, data: { before: before.status, after: 'needs_reauth', failedSends } });
    }
    return failedSends;
  });
  deps.logger.warn({ mailboxId, failedSends: failed }, 'mailbox needs reauth: Google refused its grant');
}

/** The failure reason of every send a refused grant stopped. */
export const reauthReason = (mailboxEmail: string) => `Gmail access was revoked (invalid_grant): reconnect ${mailboxEmail}`;
