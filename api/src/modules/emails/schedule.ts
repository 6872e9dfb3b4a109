import { and, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../../../db/client';
import { emails, mailboxes, manualSends } from '../../../../db/schema';
import { rowsOf } from '../../../../db/prepared';

type MailboxRow = typeof mailboxes.$inferSelect;
export type SendWindowValue = NonNullable<MailboxRow['sendWindow']>;
export type RampUpValue = NonNullable<MailboxRow['rampUp']>;

const DAY_MS = 24 * 3600 * 1000;

/** Today's cap: dailyCap, or while ramping up startCap + increment per completed period, whichever is lower. */
export function effectiveCap(mailbox: Pick<MailboxRow, 'dailyCap' | 'rampUp'>, now = new Date()): number {
  const ramp = mailbox.rampUp;
  if (!ramp) return mailbox.dailyCap;
  const days = Math.max(0, Math.floor((now.getTime() - new Date(ramp.startedAt).getTime()) / DAY_MS));
  return Math.min(mailbox.dailyCap, ramp.startCap + ramp.increment * Math.floor(days / ramp.everyDays));
}

/**
 * The first instant at or after `now` inside the send window (now itself when inside).
 * Days and hours are read in the window's own zone, so DST shifts move the wall clock, not the rule.
 */
export function nextWindowOpening(window: SendWindowValue | null, now = new Date()): Date {
  if (!window) return now;
  const local = DateTime.fromJSDate(now, { zone: window.tz });
  const [sh, sm] = window.start.split(':').map(Number) as [number, number];
  const [eh, em] = window.end.split(':').map(Number) as [number, number];
  for (let d = 0; d <= 7; d++) {
    const day = local.plus({ days: d }).startOf('day');
    if (!window.days.includes(day.weekday)) continue;
    const open = day.set({ hour: sh, minute: sm });
    const close = day.set({ hour: eh, minute: em });
    if (d === 0 && local >= open && local < close) return now;
    if (open > local) return open.toJSDate();
  }
  return now; // unreachable with a validated window (at least one day)
}

/** A mailbox's rolling-24 h budget spent, by who sent: Lumina (sent or in flight) and the rep from Gmail itself. */
export interface BudgetUse {
  lumina: number;
  gmail: number;
}

/**
 * Sends counted against the cap: sent in the rolling last 24 hours, plus those in flight, plus
 * what the rep sent from Gmail itself in those 24 hours (manual_sends: seen by the inbox sync in
 * full mode, reported by the extension in light mode).
 */
export async function budgetUsed(db: Db, mailboxIds: string[], now = new Date()): Promise<Map<string, number>> {
  const use = await budgetUse(db, mailboxIds, now);
  return new Map([...use].map(([id, u]) => [id, u.lumina + u.gmail]));
}

/** The same budget, told apart: what the popup and the console show ("38 by Lumina · 7 from Gmail"). */
export async function budgetUse(db: Db, mailboxIds: string[], now = new Date()): Promise<Map<string, BudgetUse>> {
  if (mailboxIds.length === 0) return new Map();
  const [ours, manual] = await Promise.all([
    db
      .select({ mailboxId: emails.mailboxId, n: sql<number>`count(*)::int` })
      .from(emails)
      .where(and(inArray(emails.mailboxId, mailboxIds), usedFilter(now)))
      .groupBy(emails.mailboxId),
    manualSentInLastDay(db, mailboxIds, now),
  ]);
  const use = new Map<string, BudgetUse>();
  for (const r of ours) use.set(r.mailboxId!, { lumina: Number(r.n), gmail: 0 });
  for (const [id, n] of manual) use.set(id, { lumina: use.get(id)?.lumina ?? 0, gmail: n });
  return use;
}

/** Per mailbox, the messages the rep sent from Gmail itself in the last 24 hours. */
export async function manualSentInLastDay(db: Db, mailboxIds: string[], now = new Date()): Promise<Map<string, number>> {
  if (mailboxIds.length === 0) return new Map();
  const rows = await db
    .select({ mailboxId: manualSends.mailboxId, n: sql<number>`count(*)::int` })
    .from(manualSends)
    .where(and(inArray(manualSends.mailboxId, mailboxIds), gt(manualSends.sentAt, new Date(now.getTime() - DAY_MS))))
    .groupBy(manualSends.mailboxId);
  return new Map(rows.map((r) => [r.mailboxId, Number(r.n)]));
}

/**
 * How many of the last 24 hours' sends a mailbox has made, counted up to `cap` (the claim only
 * needs to know whether the cap is reached). The order matters: it makes walking
 * (mailbox_id, sent_at) backwards the plan, stopping at `cap` entries. Without it, a generic plan
 * built on stale statistics — a workspace that sent from one mailbox, then added more — may pick
 * a sequential scan expected to "stop early", and read the whole emails table on every claim.
 */
export function sentInLastDay(mailboxId: string, cap: number, now: Date): SQL {
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  return sql`((select count(*)::int from (select 1 from ${emails} where ${emails.mailboxId} = ${mailboxId}
    and ${emails.sentAt} > ${since}::timestamptz order by ${emails.sentAt} desc limit ${cap}) s)
    + (select count(*)::int from (select 1 from ${manualSends} where ${manualSends.mailboxId} = ${mailboxId}
    and ${manualSends.sentAt} > ${since}::timestamptz order by ${manualSends.sentAt} desc limit ${cap}) m))`;
}

/**
 * When over the cap, the instant enough of the last 24 hours' sends age out to make room
 * for one more: the (used - cap + 1)-th oldest send plus 24 hours.
 */
export async function budgetFreesAt(db: Db, mailboxId: string, cap: number, used: number, now = new Date()): Promise<Date> {
  const rank = used - cap; // 0-based index of the send whose expiry frees a slot
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  // Our sends and the rep's own from Gmail age out alike.
  const [row] = rowsOf<{ sent_at: string | Date }>(
    await db.execute(sql`
      select sent_at from (
        select ${emails.sentAt} as sent_at from ${emails} where ${emails.mailboxId} = ${mailboxId} and ${emails.status} = 'SENT' and ${emails.sentAt} > ${since}::timestamptz
        union all
        select ${manualSends.sentAt} from ${manualSends} where ${manualSends.mailboxId} = ${mailboxId} and ${manualSends.sentAt} > ${since}::timestamptz) s
      order by sent_at offset ${Math.max(0, rank)} limit 1`),
  );
  // In-flight sends hold the rest of the budget; they settle within a lease, so look again soon.
  return row?.sent_at ? new Date(new Date(row.sent_at).getTime() + DAY_MS + 1000) : new Date(now.getTime() + 60_000);
}

function usedFilter(now: Date) {
  return or(and(eq(emails.status, 'SENT'), gt(emails.sentAt, new Date(now.getTime() - DAY_MS))), eq(emails.status, 'SENDING'));
}
