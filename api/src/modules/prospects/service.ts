import { and, count, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, campaigns, emailEngagement, emails, prospects, suppressions } from '../../../../db/schema';
import { rowsOf } from '../../../../db/prepared';
import { ApiError, notFound } from '../../lib/api-error';
import { listPage } from '../../lib/pagination';
import { erasedAmong, normalizeAddress } from '../suppressions/service';
import type { CreateProspectRequest, Prospect, UpdateProspectRequest } from '../../../../shared/contracts/prospects';

type ProspectRow = typeof prospects.$inferSelect;

/**
 * Where a prospect stands, derived (there is no status column): on the suppression list, replied
 * to a Lumina email (or stopped a sequence by replying), in a running sequence, or not written to yet.
 */
export const prospectStatuses = ['in_sequence', 'replied', 'suppressed', 'not_contacted'] as const;
export type ProspectStatus = (typeof prospectStatuses)[number];

export interface ListProspectsQuery {
  page: number;
  limit: number;
  q?: string;
  ownerId?: string;
  status?: ProspectStatus;
  /** Prospects who are leads of this campaign. */
  campaignId?: string;
  /** An IANA zone, or `none` for prospects without one. */
  timeZone?: string;
  /** Count at most this many (the answer says `capped` past it); exact when absent. */
  countUpTo?: number;
}

export async function listProspects(db: Db, workspaceId: string, query: ListProspectsQuery) {
  const where = and(
    eq(prospects.workspaceId, workspaceId),
    query.q ? searchFilter(query.q) : undefined,
    query.ownerId ? eq(prospects.ownerId, query.ownerId) : undefined,
    query.status ? statusFilter(workspaceId, query.status) : undefined,
    query.campaignId ? sql`${prospects.id} in (select cl.prospect_id from ${campaignLeads} cl where cl.campaign_id = ${query.campaignId} and cl.workspace_id = ${workspaceId})` : undefined,
    query.timeZone ? (query.timeZone === 'none' ? isNull(prospects.timeZone) : eq(prospects.timeZone, query.timeZone)) : undefined,
  );
  const list = db.select().from(prospects).where(where).orderBy(desc(prospects.createdAt), desc(prospects.id));
  if (query.countUpTo === undefined) {
    const { rows, total } = await listPage(db, query, { rows: list, from: prospects, where });
    return { rows: rows.map(toProspect), total, capped: false };
  }
  // Counting stops past `countUpTo`: a page of 100,000 prospects need not count them all to say "over 10,000".
  const counted = db.select({ one: sql`1` }).from(prospects).where(where).limit(query.countUpTo + 1).as('counted');
  const [rows, [n]] = await Promise.all([list.limit(query.limit).offset((query.page - 1) * query.limit), db.select({ n: count() }).from(counted)]);
  const total = Number(n?.n ?? 0);
  return { rows: rows.map(toProspect), total: Math.min(total, query.countUpTo), capped: total > query.countUpTo };
}

/*
 * The status filters as Postgres runs them best at 100,000 prospects (bench/console.ts): a hash
 * semi- or anti-join over the workspace's leads and suppressions, and per-prospect index probes
 * for replies (an OR of two sources, often most prospects). The console counts them up to 10,000.
 */
const leadsIn = (workspaceId: string, statuses: string[]) =>
  sql`select cl.prospect_id from ${campaignLeads} cl where cl.workspace_id = ${workspaceId} and cl.status in (${sql.join(statuses.map((st) => sql`${st}`), sql`, `)})`;
function statusFilter(workspaceId: string, status: ProspectStatus): SQL {
  if (status === 'in_sequence') return sql`${prospects.id} in (${leadsIn(workspaceId, ['pending', 'active', 'paused'])})`;
  // Per-prospect probes on the prospect indexes of emails and leads, walked in the list's order until a
  // page is found: `offset 0` keeps Postgres from turning each EXISTS into a hash of every reply in the
  // workspace (65,000 emails hashed per page at 100,000 prospects: 180 ms → 1 ms for the page). The
  // emails probe first: a reply to our mail is the commoner way to have replied, so the OR stops there.
  if (status === 'replied')
    return sql`(exists (select 1 from ${emails} e join ${emailEngagement} g on g.email_id = e.id where e.prospect_id = ${prospects.id} and g.replied_at is not null offset 0)
      or exists (select 1 from ${campaignLeads} cl where cl.prospect_id = ${prospects.id} and cl.status in ('replied', 'referred') offset 0))`;
  if (status === 'suppressed') return sql`${prospects.email} in (select s.email from ${suppressions} s where s.workspace_id = ${workspaceId})`;
  return sql`not exists (select 1 from ${emails} e where e.workspace_id = ${workspaceId} and e.prospect_id = ${prospects.id})
    and not exists (select 1 from ${campaignLeads} cl where cl.workspace_id = ${workspaceId} and cl.prospect_id = ${prospects.id})`;
}

/** The statuses of a page of prospects (a prospect may be several: replied and suppressed). */
export async function statusesOf(db: Db, workspaceId: string, page: Array<Pick<Prospect, 'id' | 'email'>>): Promise<Map<string, ProspectStatus[]>> {
  const out = new Map<string, ProspectStatus[]>(page.map((p) => [p.id, []]));
  if (page.length === 0) return out;
  const ids = page.map((p) => p.id);
  const [suppressed, leads, mail] = await Promise.all([
    db.select({ email: suppressions.email }).from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), inArray(suppressions.email, page.map((p) => p.email)))),
    db.select({ id: campaignLeads.prospectId, status: campaignLeads.status }).from(campaignLeads).where(and(eq(campaignLeads.workspaceId, workspaceId), inArray(campaignLeads.prospectId, ids))),
    db
      .select({ id: emails.prospectId, replied: sql<boolean>`bool_or(${emailEngagement.repliedAt} is not null)` })
      .from(emails)
      .leftJoin(emailEngagement, eq(emailEngagement.emailId, emails.id))
      .where(and(eq(emails.workspaceId, workspaceId), inArray(emails.prospectId, ids)))
      .groupBy(emails.prospectId),
  ]);
  const gone = new Set(suppressed.map((r) => r.email));
  const leadStates = new Map<string, string[]>();
  for (const l of leads) leadStates.set(l.id, [...(leadStates.get(l.id) ?? []), l.status]);
  const wrote = new Map(mail.map((m) => [m.id!, Boolean(m.replied)]));
  for (const p of page) {
    const list = out.get(p.id)!;
    const states = leadStates.get(p.id) ?? [];
    if (states.some((st) => st === 'pending' || st === 'active' || st === 'paused')) list.push('in_sequence');
    if (states.some((st) => st === 'replied' || st === 'referred') || wrote.get(p.id)) list.push('replied');
    if (gone.has(p.email)) list.push('suppressed');
    if (states.length === 0 && !wrote.has(p.id)) list.push('not_contacted');
  }
  return out;
}

/**
 * The time zones the workspace's prospects are in, for a filter (at most 200): a loose index scan
 * (one index probe per zone, on prospects_ws_tz_idx) rather than a DISTINCT over every prospect.
 */
export async function prospectTimeZones(db: Db, workspaceId: string): Promise<string[]> {
  const rows = rowsOf<{ tz: string | null }>(
    await db.execute(sql`with recursive z(tz, n) as (
      (select time_zone, 1 from ${prospects} where workspace_id = ${workspaceId} and time_zone is not null order by time_zone limit 1)
      union all
      select (select p.time_zone from ${prospects} p where p.workspace_id = ${workspaceId} and p.time_zone > z.tz order by p.time_zone limit 1), z.n + 1
      from z where z.tz is not null and z.n < 200
    ) select tz from z where tz is not null`),
  );
  return rows.map((r) => r.tz!);
}

/** The campaigns a prospect filter can name: the newest 200, names only. */
export async function campaignChoices(db: Db, workspaceId: string): Promise<Array<{ id: string; name: string }>> {
  return db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(eq(campaigns.workspaceId, workspaceId)).orderBy(desc(campaigns.createdAt)).limit(200);
}

export async function getProspect(db: Db, workspaceId: string, id: string): Promise<Prospect> {
  const [row] = await db.select().from(prospects).where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, id)));
  if (!row) throw notFound('Prospect');
  return toProspect(row);
}

export async function findProspectByEmail(db: Db, workspaceId: string, email: string): Promise<Prospect | null> {
  const [row] = await db.select().from(prospects).where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.email, email.toLowerCase())));
  return row ? toProspect(row) : null;
}

export async function createProspect(db: Db, workspaceId: string, ownerId: string, input: CreateProspectRequest): Promise<Prospect> {
  if ((await erasedAmong(db, workspaceId, [normalizeAddress(input.email)])).size > 0) {
    throw new ApiError('CONFLICT', 'This person was erased at their request and cannot be added again');
  }
  const [row] = await db
    .insert(prospects)
    .values({ workspaceId, ownerId, email: input.email, ...fieldsOf(input), customFields: input.customFields ?? {} })
    .onConflictDoNothing({ target: [prospects.workspaceId, prospects.email] })
    .returning();
  if (!row) throw new ApiError('CONFLICT', `A prospect with the email ${input.email} already exists`);
  return toProspect(row);
}

export async function updateProspect(db: Db, workspaceId: string, id: string, input: UpdateProspectRequest): Promise<Prospect> {
  const current = await getProspect(db, workspaceId, id);
  if (input.email) {
    // Renaming a record to an erased person's address would bring them back, as adding would.
    if (input.email !== current.email && (await erasedAmong(db, workspaceId, [normalizeAddress(input.email)])).size > 0) {
      throw new ApiError('CONFLICT', 'This person was erased at their request and cannot be added again');
    }
    const clash = await findProspectByEmail(db, workspaceId, input.email);
    if (clash && clash.id !== id) throw new ApiError('CONFLICT', `A prospect with the email ${input.email} already exists`);
  }
  const [row] = await db
    .update(prospects)
    .set({
      ...(input.email ? { email: input.email } : {}),
      ...fieldsOf(input),
      ...(input.customFields ? { customFields: input.customFields } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, id)))
    .returning();
  if (!row) throw notFound('Prospect');
  return toProspect(row);
}

export async function deleteProspect(db: Db, workspaceId: string, id: string) {
  const gone = await db.delete(prospects).where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, id))).returning({ id: prospects.id });
  if (gone.length === 0) throw notFound('Prospect');
}

export function toProspect(row: ProspectRow): Prospect {
  return {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    company: row.company,
    title: row.title,
    timeZone: row.timeZone,
    customFields: row.customFields,
    ownerId: row.ownerId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The optional text fields that were given; an empty string clears a field. */
function fieldsOf(input: UpdateProspectRequest) {
  const out: Partial<Pick<ProspectRow, 'firstName' | 'lastName' | 'company' | 'title' | 'timeZone'>> = {};
  for (const key of ['firstName', 'lastName', 'company', 'title', 'timeZone'] as const) {
    if (input[key] !== undefined) out[key] = input[key] || null;
  }
  return out;
}

function searchFilter(q: string): SQL | undefined {
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(
    ilike(prospects.email, pattern),
    ilike(prospects.firstName, pattern),
    ilike(prospects.lastName, pattern),
    ilike(prospects.company, pattern),
    // The full name only when the words could span first and last name (the concatenation costs on every row).
    q.trim().includes(' ') ? ilike(sql`coalesce(${prospects.firstName}, '') || ' ' || coalesce(${prospects.lastName}, '')`, pattern) : undefined,
  );
}
