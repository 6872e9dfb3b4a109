import { and, asc, count, desc, eq, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, campaigns, emailEvents, emails } from '../../../../db/schema';
import type { SessionInfo } from '../../context';
import { bounceReasonSchema, replyMeaningSchema, type ListRepliesQuery, type ReplyItem, type ReplyMeaning } from '../../../../shared/contracts/replies';
import { listPage, type Page } from '../../lib/pagination';
import { snippetOwnWords } from './classify/quoted';

/**
 * An inbound message's meaning: the classifier's stored answer, or — for rows written before
 * meanings were stored — the one its kind implies. One SQL expression, so the filter and the
 * list agree.
 */
const meaningOf = sql<string>`coalesce(${emailEvents.data}->>'meaning', case ${emailEvents.type}
  when 'auto_reply' then 'auto_reply' when 'bounce' then 'bounce' when 'complaint' then 'complaint'
  when 'unsubscribe' then 'unsubscribe_request' else 'other' end)`;

const INBOUND_TYPES = ['reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe'] as const;

/**
 * Replies, out-of-office notes, bounces and complaints that answered the workspace's mail,
 * newest first. Only inbound mail (its event key is the message's id), not one-click
 * unsubscribes or opens. Admins see the workspace's; members and viewers the replies to
 * what they sent.
 */
export async function listReplies(
  db: Db,
  session: Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>,
  query: ListRepliesQuery,
  /** Count at most this many (the answer says `capped` past it); exact when absent. */
  options: { countUpTo?: number } = {},
): Promise<Page<ReplyItem> & { capped: boolean }> {
  // Members and viewers see replies to their own sends; an admin too when asking for `scope=me`.
  const mineOnly = session.role !== 'admin' || query.scope === 'me';
  const where = and(
    eq(emailEvents.workspaceId, session.workspaceId),
    // The kinds inbound mail records (opens and clicks, most of the table, never are): lets the
    // (workspace, type, occurred_at) index find them.
    inArray(emailEvents.type, [...INBOUND_TYPES]),
    // A literal, not a parameter: it is the predicate of events_ws_inbound_idx (newest inbound mail
    // first), which the planner can only use when it sees the pattern.
    sql`${emailEvents.dedupeKey} like 'inbound:%'`,
    mineOnly ? eq(emails.userId, session.userId) : undefined,
    query.meaning ? sql`${meaningOf} = ${query.meaning}` : undefined,
    query.campaignId ? eq(emails.campaignId, query.campaignId) : undefined,
  ) as SQL;
  const rows = db
    .select({ event: emailEvents, meaning: meaningOf, email: { id: emails.id, to: emails.to, subject: emails.subject, threadId: emails.threadId }, campaign: { id: campaigns.id, name: campaigns.name }, leadStatus: campaignLeads.status })
    .from(emailEvents)
    .innerJoin(emails, eventEmail)
    .leftJoin(campaigns, eq(campaigns.id, emails.campaignId))
    .leftJoin(campaignLeads, eq(campaignLeads.id, emails.campaignLeadId))
    .where(where)
    .orderBy(desc(emailEvents.occurredAt), desc(emailEvents.id));
  // The filter reads emails too, so the total joins it — only when the filter reads emails (every
  // event has its email: a not-null foreign key). Counting stops past `countUpTo` (200,000 inbound
  // messages need not all be counted to say "over 10,000").
  const readsEmails = mineOnly || query.campaignId !== undefined;
  const matching = readsEmails
    ? db.select({ one: sql`1` }).from(emailEvents).innerJoin(emails, eventEmail).where(where)
    : db.select({ one: sql`1` }).from(emailEvents).where(where);
  const total = db.select({ n: sql<number>`count(*)::int` }).from((options.countUpTo === undefined ? matching : matching.limit(options.countUpTo + 1)).as('matching'));
  const page = await listPage(db, query, { rows, count: total });
  const cap = options.countUpTo ?? Infinity;
  return { rows: page.rows.map(toReplyItem), total: Math.min(page.total, cap), capped: page.total > cap };
}

const eventEmail = eq(emails.id, emailEvents.emailId);

/** The campaigns a list of replies can be narrowed to (the console's filter), by name; at most 500. */
export function replyCampaignChoices(db: Db, workspaceId: string): Promise<Array<{ id: string; name: string }>> {
  return db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(eq(campaigns.workspaceId, workspaceId)).orderBy(asc(campaigns.name)).limit(500);
}

type Row = { event: typeof emailEvents.$inferSelect; meaning: string; email: ReplyItem['email']; campaign: { id: string | null; name: string | null } | null; leadStatus: string | null };

function toReplyItem({ event, meaning, email, campaign, leadStatus }: Row): ReplyItem {
  const data = event.data as Record<string, unknown>;
  const text = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : null);
  const referral = data.referral && typeof data.referral === 'object' ? (data.referral as ReplyItem['referral']) : null;
  const bounce = data.bounce && typeof data.bounce === 'object' ? bounceReasonSchema.safeParse((data.bounce as { reason?: unknown }).reason) : undefined;
  return {
    id: event.id,
    receivedAt: event.occurredAt.toISOString(),
    meaning: replyMeaningSchema.catch('other').parse(meaning) as ReplyMeaning,
    from: text('from'),
    subject: text('subject'),
    snippet: text('snippet') === null ? null : snippetOwnWords(text('snippet')!),
    returnDate: text('returnDate'),
    referral,
    bounceReason: bounce?.success ? bounce.data : null,
    email,
    campaign: campaign?.id ? { id: campaign.id, name: campaign.name ?? '' } : null,
    leadStatus,
  };
}
