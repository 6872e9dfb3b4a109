import { and, count, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, campaigns, prospects } from '../../../../db/schema';
import { rowsOf } from '../../../../db/prepared';
import { ApiError, notFound } from '../../lib/api-error';
import { listPage } from '../../lib/pagination';
import { erasedAmong, normalizeAddress } from '../suppressions/service';
import type { CreateProspectRequest, Prospect, ProspectFlagFilter, RecipientFlag, UpdateProspectRequest } from '../../../../shared/contracts/prospects';

type ProspectRow = typeof prospects.$inferSelect;

/**
 * Where a prospect stands: on the suppression list, replied to a Lumina email (or stopped a
 * sequence by replying), in a running sequence, or not written to yet. All but the sequence are
 * stored marks (`suppressed`, `replied`, `contacted`, kept by triggers, migration 0013); being in
 * a sequence is read from the campaign places.
 */
export const prospectStatuses = ['in_sequence', 'replied', 'suppressed', 'contacted', 'not_contacted'] as const;
export type ProspectStatus = (typeof prospectStatuses)[number];
/** What a prospect's row shows: "contacted" is a filter only (most prospects are; "not contacted yet" is the badge). */
type StatusBadge = Exclude<ProspectStatus, 'contacted'>;

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
  /** Prospects the recipient check flagged (any flag, or this one). */
  flag?: ProspectFlagFilter;
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
    query.flag ? flagFilter(query.flag) : undefined,
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
 * The status filters as Postgres runs them best at 100,000 prospects (bench/console.ts): replied,
 * suppressed and not written to read the stored marks, whose partial indexes hold the list's
 * order, so a page is read off the index; in a sequence is a hash semi-join over the leads.
 */
const leadsIn = (workspaceId: string, statuses: string[]) =>
  sql`select cl.prospect_id from ${campaignLeads} cl where cl.workspace_id = ${workspaceId} and cl.status in (${sql.join(statuses.map((st) => sql`${st}`), sql`, `)})`;
function statusFilter(workspaceId: string, status: ProspectStatus): SQL {
  if (status === 'in_sequence') return sql`${prospects.id} in (${leadsIn(workspaceId, ['pending', 'active', 'paused'])})`;
  if (status === 'replied') return sql`${prospects.replied}`;
  if (status === 'suppressed') return sql`${prospects.suppressed}`;
  // Most prospects are contacted: the list's own order index, filtered, finds a page at once.
  if (status === 'contacted') return sql`${prospects.contacted}`;
  return sql`not ${prospects.contacted}`;
}

/** Flagged prospects are few: prospects_ws_flagged_idx holds them in the list's order, the kind is checked on each. */
function flagFilter(flag: ProspectFlagFilter): SQL {
  const flagged = sql`${prospects.recipientFlags} <> '{}'::text[]`;
  return flag === 'any' ? flagged : sql`${flagged} and ${prospects.recipientFlags} @> array[${flag}]::text[]`;
}

/** The statuses of a page of prospects (a prospect may be several: replied and suppressed). */
export async function statusesOf(db: Db, workspaceId: string, page: Array<Pick<Prospect, 'id' | 'contacted' | 'replied' | 'suppressed'>>): Promise<Map<string, StatusBadge[]>> {
  const out = new Map<string, StatusBadge[]>(page.map((p) => [p.id, []]));
  if (page.length === 0) return out;
  const running = await db
    .selectDistinct({ id: campaignLeads.prospectId })
    .from(campaignLeads)
    .where(and(eq(campaignLeads.workspaceId, workspaceId), inArray(campaignLeads.prospectId, page.map((p) => p.id)), inArray(campaignLeads.status, ['pending', 'active', 'paused'])));
  const inSequence = new Set(running.map((r) => r.id));
  for (const p of page) {
    const list = out.get(p.id)!;
    if (inSequence.has(p.id)) list.push('in_sequence');
    if (p.replied) list.push('replied');
    if (p.suppressed) list.push('suppressed');
    if (!p.contacted) list.push('not_contacted');
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

/** `recipientFlags`: what the recipient check said about the address (stored for the list's badges and flag filter). */
export async function createProspect(db: Db, workspaceId: string, ownerId: string, input: CreateProspectRequest, recipientFlags: RecipientFlag[] = []): Promise<Prospect> {
  if ((await erasedAmong(db, workspaceId, [normalizeAddress(input.email)])).size > 0) {
    throw new ApiError('CONFLICT', 'This person was erased at their request and cannot be added again');
  }
  const [row] = await db
    .insert(prospects)
    .values({ workspaceId, ownerId, email: input.email, ...fieldsOf(input), customFields: input.customFields ?? {}, recipientFlags })
    .onConflictDoNothing({ target: [prospects.workspaceId, prospects.email] })
    .returning();
  if (!row) throw new ApiError('CONFLICT', `A prospect with the email ${input.email} already exists`);
  return toProspect(row);
}

/** `recipientFlags`: the check of a changed address; absent when the address did not change (its flags stay). */
export async function updateProspect(db: Db, workspaceId: string, id: string, input: UpdateProspectRequest, recipientFlags?: RecipientFlag[]): Promise<Prospect> {
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
      ...(recipientFlags ? { recipientFlags } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, id)))
    .returning();
  if (!row) throw notFound('Prospect');
  return toProspect(row);
}

/** A campaign send found the domain takes no mail any more: the prospect shows it from now on. */
export async function flagUndeliverable(db: Db, workspaceId: string, prospectId: string) {
  await db
    .update(prospects)
    .set({ recipientFlags: sql`array_append(array_remove(${prospects.recipientFlags}, 'no_mail'), 'no_mail')` })
    .where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, prospectId)));
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
    contacted: row.contacted,
    replied: row.replied,
    suppressed: row.suppressed,
    recipientFlags: row.recipientFlags,
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
