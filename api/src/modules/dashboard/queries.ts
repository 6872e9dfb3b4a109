import { eq, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../../../db/client';
import { rowsOf } from '../../../../db/prepared';
import type { Figures } from '../../../../shared/contracts/dashboard';
import { campaigns } from '../../../../db/schema';
import { listPage, pageable } from '../../lib/pagination';
import { leadCountsOf } from '../campaigns/service';
import { suppressedSql } from '../suppressions/service';

/**
 * Dashboard figures, all derived from `email_events` (append-only) and always scoped to
 * one workspace: workspace-wide figures from the rollups a trigger keeps beside the events
 * (migration 0003), per-campaign and per-template ones from the events themselves (range
 * scans on `events_ws_occurred_cover_idx`, which holds every column they read).
 */
type FigureRow = Record<'sent' | 'opens' | 'human_opens' | 'opened_emails' | 'clicks' | 'human_clicks' | 'clicked_emails' | 'replies' | 'replied_emails' | 'auto_replies' | 'bounces' | 'bounced_emails' | 'unsubscribes' | 'complaints', number>;

/** The aggregate columns over an events relation named `alias`. */
export function figureColumns(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`
    count(*) filter (where ${a}.type = 'sent')::int as sent,
    count(*) filter (where ${a}.type = 'open')::int as opens,
    count(*) filter (where ${a}.type = 'open' and not ${a}.machine)::int as human_opens,
    count(distinct ${a}.email_id) filter (where ${a}.type = 'open' and not ${a}.machine)::int as opened_emails,
    count(*) filter (where ${a}.type = 'click')::int as clicks,
    count(*) filter (where ${a}.type = 'click' and not ${a}.machine)::int as human_clicks,
    count(distinct ${a}.email_id) filter (where ${a}.type = 'click' and not ${a}.machine)::int as clicked_emails,
    count(*) filter (where ${a}.type = 'reply')::int as replies,
    count(distinct ${a}.email_id) filter (where ${a}.type = 'reply')::int as replied_emails,
    count(*) filter (where ${a}.type = 'auto_reply')::int as auto_replies,
    count(*) filter (where ${a}.type = 'bounce')::int as bounces,
    count(distinct ${a}.email_id) filter (where ${a}.type = 'bounce')::int as bounced_emails,
    count(*) filter (where ${a}.type = 'unsubscribe')::int as unsubscribes,
    count(*) filter (where ${a}.type = 'complaint')::int as complaints`;
}

export function toFigures(r: FigureRow): Figures {
  const n = (v: unknown) => Number(v ?? 0);
  const sent = n(r.sent);
  const rate = (x: number) => (sent ? Math.round((x / sent) * 10_000) / 10_000 : 0);
  return {
    sent,
    opens: n(r.opens),
    humanOpens: n(r.human_opens),
    openedEmails: n(r.opened_emails),
    clicks: n(r.clicks),
    humanClicks: n(r.human_clicks),
    clickedEmails: n(r.clicked_emails),
    replies: n(r.replies),
    repliedEmails: n(r.replied_emails),
    autoReplies: n(r.auto_replies),
    bounces: n(r.bounces),
    unsubscribes: n(r.unsubscribes),
    complaints: n(r.complaints),
    openRate: rate(n(r.opened_emails)),
    replyRate: rate(n(r.replied_emails)),
    bounceRate: rate(n(r.bounced_emails)),
  };
}

/**
 * Figures of a time range. The whole workspace reads the trigger-kept rollups (hourly
 * counts, and each email's first human open / click / reply / bounce), so the cost does
 * not grow with the number of events; a campaign's figures aggregate its events directly.
 */
export async function figuresBetween(db: Db, workspaceId: string, since: Date, until: Date, campaignId?: string): Promise<Figures> {
  if (campaignId) return campaignFiguresBetween(db, workspaceId, since, until, campaignId);
  return rolledUpFigures(db, workspaceId, since, until);
}

/** What Home shows of a week, the workspace's or one sender's: event counts only, from the rollups. */
export type WeekCounts = Pick<Figures, 'sent' | 'humanOpens' | 'replies' | 'bounces'>;
export async function rolledUpCounts(db: Db, workspaceId: string, since: Date, until: Date, userId?: string): Promise<WeekCounts> {
  const rows = rowsOf<Record<'sent' | 'human_opens' | 'replies' | 'bounces', number>>(
    await db.execute(sql`
      select
        coalesce(sum(n) filter (where type = 'sent'), 0)::int as sent,
        coalesce(sum(n) filter (where type = 'open' and not machine), 0)::int as human_opens,
        coalesce(sum(n) filter (where type = 'reply'), 0)::int as replies,
        coalesce(sum(n) filter (where type = 'bounce'), 0)::int as bounces
      from ${sql.raw(userId ? 'user_event_rollups' : 'event_rollups')}
      where workspace_id = ${workspaceId} ${userId ? sql`and user_id = ${userId}` : sql``}
        and hour >= date_trunc('hour', ${since.toISOString()}::timestamptz) and hour < ${until.toISOString()}`),
  );
  const r = rows[0]!;
  return { sent: Number(r.sent), humanOpens: Number(r.human_opens), replies: Number(r.replies), bounces: Number(r.bounces) };
}

/**
 * The rollups' figures of a time range: the whole workspace's (`event_rollups`), or one
 * sender's (`user_event_rollups`, and the engagement rows carrying that sender) — both kept by
 * the events trigger, so neither grows with the number of events.
 */
async function rolledUpFigures(db: Db, workspaceId: string, since: Date, until: Date, userId?: string): Promise<Figures> {
  const s = since.toISOString();
  const u = until.toISOString();
  const bySender = userId ? sql`and user_id = ${userId}` : sql``;
  const firsts = (column: string) =>
    sql`(select count(*) from email_engagement where workspace_id = ${workspaceId} ${bySender} and ${sql.raw(column)} >= ${s} and ${sql.raw(column)} < ${u})::int`;
  const rows = await db.execute(sql`
    select
      coalesce(sum(n) filter (where type = 'sent'), 0)::int as sent,
      coalesce(sum(n) filter (where type = 'open'), 0)::int as opens,
      coalesce(sum(n) filter (where type = 'open' and not machine), 0)::int as human_opens,
      coalesce(sum(n) filter (where type = 'click'), 0)::int as clicks,
      coalesce(sum(n) filter (where type = 'click' and not machine), 0)::int as human_clicks,
      coalesce(sum(n) filter (where type = 'reply'), 0)::int as replies,
      coalesce(sum(n) filter (where type = 'auto_reply'), 0)::int as auto_replies,
      coalesce(sum(n) filter (where type = 'bounce'), 0)::int as bounces,
      coalesce(sum(n) filter (where type = 'unsubscribe'), 0)::int as unsubscribes,
      coalesce(sum(n) filter (where type = 'complaint'), 0)::int as complaints,
      ${firsts('first_human_open_at')} as opened_emails,
      ${firsts('first_human_click_at')} as clicked_emails,
      ${firsts('replied_at')} as replied_emails,
      ${firsts('bounced_at')} as bounced_emails
    from ${sql.raw(userId ? 'user_event_rollups' : 'event_rollups')}
    where workspace_id = ${workspaceId} ${bySender} and hour >= date_trunc('hour', ${s}::timestamptz) and hour < ${u}`);
  return toFigures(rowsOf<FigureRow>(rows)[0]!);
}

async function campaignFiguresBetween(db: Db, workspaceId: string, since: Date, until: Date, campaignId: string): Promise<Figures> {
  const rows = await db.execute(sql`
    select ${figureColumns('ev')} from email_events ev
    where ev.workspace_id = ${workspaceId} and ev.occurred_at >= ${since.toISOString()} and ev.occurred_at < ${until.toISOString()}
      and ev.email_id in (select id from emails where workspace_id = ${workspaceId} and campaign_id = ${campaignId})`);
  return toFigures(rowsOf<FigureRow>(rows)[0]!);
}

/**
 * One point per local day. The workspace's comes from the hourly rollups (exact for
 * whole-hour time zones); one member's (`userId`) counts the events of the emails they sent.
 */
export async function dailyTimeline(db: Db, workspaceId: string, days: number, tz: string, userId?: string) {
  const start = DateTime.now().setZone(tz).startOf('day').minus({ days: days - 1 });
  const from = start.toUTC().toISO();
  const counted = (n: SQL, time: SQL) => sql`
      select to_char(${time} at time zone ${tz}, 'YYYY-MM-DD') as day,
        coalesce(sum(${n}) filter (where type = 'sent'), 0)::int as sent,
        coalesce(sum(${n}) filter (where type = 'open'), 0)::int as opens,
        coalesce(sum(${n}) filter (where type = 'open' and not machine), 0)::int as "humanOpens",
        coalesce(sum(${n}) filter (where type = 'click'), 0)::int as clicks,
        coalesce(sum(${n}) filter (where type = 'click' and not machine), 0)::int as "humanClicks",
        coalesce(sum(${n}) filter (where type = 'reply'), 0)::int as replies,
        coalesce(sum(${n}) filter (where type = 'bounce'), 0)::int as bounces`;
  const query = userId
    ? sql`${counted(sql`1`, sql`occurred_at`)} from email_events
        where workspace_id = ${workspaceId} and occurred_at >= ${from}
          and email_id in (select id from emails where workspace_id = ${workspaceId} and user_id = ${userId})
        group by 1`
    : sql`${counted(sql`n`, sql`hour`)} from event_rollups where workspace_id = ${workspaceId} and hour >= ${from} group by 1`;
  const rows = rowsOf<{ day: string } & Record<string, number>>(await db.execute(query));
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const day = start.plus({ days: i }).toISODate()!;
    const r = byDay.get(day);
    const v = (k: string) => Number(r?.[k] ?? 0);
    return { day, sent: v('sent'), opens: v('opens'), humanOpens: v('humanOpens'), clicks: v('clicks'), humanClicks: v('humanClicks'), replies: v('replies'), bounces: v('bounces') };
  });
}

/** People opening or clicking in the last week who have not answered: who to follow up with first. */
export async function hotLeads(db: Db, workspaceId: string, since: Date, limit = 10, userId?: string) {
  // Aggregate the week's human opens and clicks per email first (an index-only range scan),
  // then look up only those emails: answered, bounced or unsubscribed ones are not leads.
  const rows = rowsOf<{ email_id: string; to: string; subject: string; human_opens: number; human_clicks: number; last_at: string | Date }>(
    await db.execute(sql`
      with engaged as (
        select email_id,
          count(*) filter (where type = 'open')::int as human_opens,
          count(*) filter (where type = 'click')::int as human_clicks,
          max(occurred_at) as last_at
        from email_events
        where workspace_id = ${workspaceId} and occurred_at >= ${since.toISOString()} and type in ('open', 'click') and not machine
        group by email_id
        having count(*) filter (where type = 'open') >= 2 or count(*) filter (where type = 'click') >= 1
      )
      select e.id as email_id, e."to", e.subject, g.human_opens, g.human_clicks, g.last_at
      from engaged g
      join emails e on e.id = g.email_id
      left join email_engagement x on x.email_id = g.email_id
      where x.replied_at is null and x.bounced_at is null ${userId ? sql`and e.user_id = ${userId}` : sql``}
        and not ${suppressedSql(sql`${workspaceId}::uuid`, sql`e."to"`)}
      order by g.human_clicks desc, g.human_opens desc, g.last_at desc
      limit ${limit}`),
  );
  return rows.map((r) => ({ emailId: r.email_id, to: r.to, subject: r.subject, humanOpens: Number(r.human_opens), humanClicks: Number(r.human_clicks), lastActivityAt: new Date(r.last_at).toISOString() }));
}

export async function campaignFigures(db: Db, workspaceId: string, since: Date, page: number, limit: number) {
  const { rows, total } = await listPage(db, { page, limit }, {
    rows: pageable((limit, offset) =>
      db.execute(sql`
        select c.id, c.name, c.status, f.*
        -- The page of campaigns first, then the figures of those only (the lateral ran for every campaign before the limit).
        from (
          select id, name, status, created_at from campaigns where workspace_id = ${workspaceId}
          order by created_at desc, id desc limit ${limit} offset ${offset}
        ) c
        cross join lateral (
          select ${figureColumns('ev')} from emails e join email_events ev on ev.email_id = e.id
          where e.workspace_id = ${workspaceId} and e.campaign_id = c.id and ev.occurred_at >= ${since.toISOString()}
        ) f
        order by c.created_at desc, c.id desc`).then((r) => rowsOf<FigureRow & { id: string; name: string; status: string }>(r)),
    ),
    from: campaigns,
    where: eq(campaigns.workspaceId, workspaceId),
  });
  const leads = await leadCountsOf(db, workspaceId, rows.map((r) => r.id));
  return {
    total,
    data: rows.map((r) => ({ id: r.id, name: r.name, status: r.status, leads: leads.get(r.id) ?? {}, figures: toFigures(r) })),
  };
}

/**
 * All-time totals of the given campaigns, keyed by campaign: emails sent, and how many of them a
 * person opened, got a reply, bounced — read from `email_engagement` (each email's first human
 * open / reply / bounce, kept by the events trigger), one index walk per campaign, so the cost
 * follows the campaigns' own emails, not the workspace's events.
 */
export async function campaignTotalsOf(db: Db, workspaceId: string, campaignIds: string[]): Promise<Map<string, { sent: number; opened: number; replied: number; bounced: number }>> {
  if (campaignIds.length === 0) return new Map();
  const rows = rowsOf<{ id: string; sent: number; opened: number; replied: number; bounced: number }>(
    await db.execute(sql`
      select c.id, f.*
      from unnest(array[${sql.join(campaignIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]) as c(id)
      cross join lateral (
        select count(*) filter (where e.status = 'SENT')::int as sent, count(g.first_human_open_at)::int as opened,
          count(g.replied_at)::int as replied, count(g.bounced_at)::int as bounced
        from emails e left join email_engagement g on g.email_id = e.id
        where e.workspace_id = ${workspaceId} and e.campaign_id = c.id
      ) f`),
  );
  return new Map(rows.map((r) => [r.id, { sent: Number(r.sent), opened: Number(r.opened), replied: Number(r.replied), bounced: Number(r.bounced) }]));
}

/** Performance per template, through the sequence steps that used it. */
export async function templateFigures(db: Db, workspaceId: string, since: Date) {
  const rows = rowsOf<FigureRow & { id: string; name: string }>(
    await db.execute(sql`
      with made as (
        -- Every email made from a template: a send naming it, or a campaign step built on it (each email once per template).
        select e.template_id as template_id, e.id as email_id from emails e where e.workspace_id = ${workspaceId} and e.template_id is not null
        union
        select s.template_id, e.id from emails e join sequence_steps s on s.id = e.step_id
        where e.workspace_id = ${workspaceId} and s.template_id is not null)
      select t.id, t.name, ${figureColumns('ev')}
      from made m
      join templates t on t.id = m.template_id and t.workspace_id = ${workspaceId}
      join email_events ev on ev.email_id = m.email_id and ev.occurred_at >= ${since.toISOString()}
      group by t.id, t.name
      order by t.name`),
  );
  return rows.map((r) => ({ id: r.id, name: r.name, figures: toFigures(r) }));
}

/** Sends by hour of the week (in `tz`) and how many of them were opened by a person or answered. */
export async function sendTimes(db: Db, workspaceId: string, since: Date, tz: string, minSample = 5) {
  const rows = rowsOf<{ weekday: number; hour: number; sent: number; opened: number; replied: number }>(
    await db.execute(sql`
      with sent as (
        select e.id, e.sent_at at time zone ${tz} as local from emails e
        where e.workspace_id = ${workspaceId} and e.sent_at >= ${since.toISOString()}
      ), ev as (
        select email_id, bool_or(type = 'open' and not machine) as opened, bool_or(type = 'reply') as replied
        from email_events where workspace_id = ${workspaceId} and occurred_at >= ${since.toISOString()} and type in ('open', 'reply')
        group by email_id
      )
      select extract(isodow from local)::int as weekday, extract(hour from local)::int as hour, count(*)::int as sent,
        count(*) filter (where ev.opened)::int as opened, count(*) filter (where ev.replied)::int as replied
      from sent left join ev on ev.email_id = sent.id
      group by 1, 2 order by 1, 2`),
  );
  const slots = rows.map((r) => {
    const sent = Number(r.sent);
    const rate = (x: number) => Math.round((x / sent) * 10_000) / 10_000;
    return { weekday: Number(r.weekday), hour: Number(r.hour), sent, opened: Number(r.opened), replied: Number(r.replied), openRate: rate(Number(r.opened)), replyRate: rate(Number(r.replied)) };
  });
  const best = slots
    .filter((s) => s.sent >= minSample)
    .sort((a, b) => b.replyRate - a.replyRate || b.openRate - a.openRate || b.sent - a.sent)
    .slice(0, 3);
  return { slots, best };
}

/**
 * One member's figures of a time range: the events of the emails they sent (the console's "me"),
 * from the per-sender rollups — hour-exact like the workspace's, so "You" never outgrows it.
 */
export async function userFiguresBetween(db: Db, workspaceId: string, userId: string, since: Date, until: Date): Promise<Figures> {
  return rolledUpFigures(db, workspaceId, since, until, userId);
}

/**
 * Replies since `since` that nobody has answered yet: no email to that address was created after
 * the reply (`answered_at`, kept by triggers). Optionally only replies to one member's mail.
 * Reads the few waiting replies off a partial index, not every reply of the week, and looks up only
 * their addresses (by key: a join let Postgres hash every email of the workspace instead).
 */
export async function repliesWaiting(db: Db, workspaceId: string, since: Date, userId?: string): Promise<number> {
  const rows = await db.execute(sql`
    select count(distinct (select e.to from emails e where e.id = g.email_id))::int as n from email_engagement g
    where g.workspace_id = ${workspaceId} and g.replied_at >= ${since.toISOString()} and g.answered_at is null
      ${userId ? sql`and g.user_id = ${userId}` : sql``}`);
  return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
}
