import { eq } from 'drizzle-orm';
import type { gmail_v1 } from 'googleapis';
import type { Deps } from '../../context';
import { emails, mailboxes } from '../../../../db/schema';
import { gmailForMailbox, type GmailClientOptions, type GmailDeps, type MailboxRow } from '../../gmail/client';
import { failOpenSends } from '../emails/fail-sends';

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
    const [mailbox] = await tx.update(mailboxes).set({ status: 'needs_reauth' }).where(eq(mailboxes.id, mailboxId)).returning({ email: mailboxes.email });
    return failOpenSends(tx, eq(emails.mailboxId, mailboxId), reauthReason(mailbox?.email ?? mailboxId));
  });
  deps.logger.warn({ mailboxId, failedSends: failed }, 'mailbox needs reauth: Google refused its grant');
}

/** The failure reason of every send a refused grant stopped. */
export const reauthReason = (mailboxEmail: string) => `Gmail access was revoked (invalid_grant): reconnect ${mailboxEmail}`;
