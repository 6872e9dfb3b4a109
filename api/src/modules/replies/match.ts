import { and, desc, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { emails, mailboxes } from '../../../../db/schema';
import { addressOf } from './effects';

export interface InboundRef {
  /** Gmail thread id the message landed in. */
  threadId?: string | null;
  /** The inbound message's own RFC 822 Message-ID. */
  messageId?: string | null;
  inReplyTo?: string | null;
  references?: string | null;
  /** Message-IDs quoted inside the message (a bounce carries the returned message's headers). */
  quotedMessageIds?: string[];
  from?: string | null;
  date?: Date | null;
}

export type MatchedEmail = Pick<typeof emails.$inferSelect, 'id' | 'workspaceId' | 'to' | 'prospectId' | 'campaignLeadId' | 'mailboxId' | 'sentAt' | 'fromAddress'>;

export type MatchResult = { status: 'matched'; email: MatchedEmail } | { status: 'own_message' } | { status: 'unmatched' };

const columns = {
  id: emails.id,
  workspaceId: emails.workspaceId,
  to: emails.to,
  prospectId: emails.prospectId,
  campaignLeadId: emails.campaignLeadId,
  mailboxId: emails.mailboxId,
  sentAt: emails.sentAt,
  fromAddress: emails.fromAddress,
};

/**
 * Which of our emails an inbound message answers: by the Message-IDs it cites
 * (In-Reply-To, References, or quoted by a bounce) first, then by Gmail thread — the latest
 * of ours sent before it, so a reply to a follow-up lands on the follow-up. Our own sent
 * copies (our Message-ID, or from one of the workspace's mailboxes) are never replies.
 */
export async function matchInbound(db: Db, workspaceId: string, ref: InboundRef): Promise<MatchResult> {
  const ownId = normaliseId(ref.messageId);
  if (ownId) {
    const [ours] = await db.select({ id: emails.id }).from(emails).where(and(eq(emails.workspaceId, workspaceId), eq(emails.messageId, ownId))).limit(1);
    if (ours) return { status: 'own_message' };
  }
  if (ref.from && (await isOwnAddress(db, workspaceId, addressOf(ref.from)))) return { status: 'own_message' };

  const cited = [...new Set([ref.inReplyTo, ...(ref.references ?? '').split(/\s+/), ...(ref.quotedMessageIds ?? [])].map(normaliseId).filter((x): x is string => !!x && x !== ownId))];
  const sentBefore = ref.date ? [lte(emails.sentAt, new Date(ref.date.getTime() + 60_000))] : [];
  if (cited.length) {
    const [hit] = await db
      .select(columns)
      .from(emails)
      .where(and(eq(emails.workspaceId, workspaceId), inArray(emails.messageId, cited), isNotNull(emails.sentAt)))
      .orderBy(desc(emails.sentAt))
      .limit(1);
    if (hit) return { status: 'matched', email: hit };
  }
  if (ref.threadId) {
    const [hit] = await db
      .select(columns)
      .from(emails)
      .where(and(eq(emails.workspaceId, workspaceId), eq(emails.threadId, ref.threadId), isNotNull(emails.sentAt), ...sentBefore))
      .orderBy(desc(emails.sentAt))
      .limit(1);
    if (hit) return { status: 'matched', email: hit };
  }
  return { status: 'unmatched' };
}

/** Message-IDs found anywhere in a raw message (headers of a returned message included). */
export function messageIdsIn(raw: string): string[] {
  return [...raw.matchAll(/^(?:message-id|in-reply-to|references):\s*((?:<[^>\s]+>\s*)+)/gim)].flatMap((m) => m[1]!.match(/<[^>\s]+>/g) ?? []);
}

function normaliseId(id: string | null | undefined): string | undefined {
  const t = id?.trim();
  if (!t) return undefined;
  return t.startsWith('<') ? t : `<${t}>`;
}

async function isOwnAddress(db: Db, workspaceId: string, address: string) {
  const [mb] = await db.select({ id: mailboxes.id }).from(mailboxes).where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.email, address))).limit(1);
  return !!mb;
}
