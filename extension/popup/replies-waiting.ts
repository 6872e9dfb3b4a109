import type { ReplyItem, ReplyMeaning } from '../../shared/contracts/replies';

/**
 * What a reply means, in a rep's words. A person wrote the first five; the rest are machines
 * or mail problems, which wait for nobody.
 */
export const MEANING_WORDS: Record<ReplyMeaning, string> = {
  interested: 'Interested',
  not_now: 'Not now',
  objection: 'Objection',
  referral: 'Points to someone else',
  other: 'Replied',
  unsubscribe_request: 'Asked to unsubscribe',
  out_of_office: 'Out of office',
  auto_reply: 'Automatic reply',
  bounce: 'Bounced',
  complaint: 'Marked as spam',
};
const HUMAN: ReadonlySet<ReplyMeaning> = new Set(['interested', 'not_now', 'objection', 'referral', 'other']);

/**
 * The replies that wait for the rep: written by a person and asking for an answer. The API has
 * no "answered" flag, so this is the recent human replies among those it returned.
 */
export function repliesWaiting(items: ReplyItem[]): ReplyItem[] {
  return items.filter((r) => HUMAN.has(r.meaning));
}
