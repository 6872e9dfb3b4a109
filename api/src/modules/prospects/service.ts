import { and, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, emailEngagement, emails, prospects, suppressions } from '../../../../db/schema';
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
}

export async function listProspects(db: Db, workspaceId: string, query: ListProspectsQuery) {
  const where = and(
    eq(prospects.workspaceId, workspaceId),
    query.q ? searchFilter(query.q) : undefined,
    query.ownerId ? eq(prospects.ownerId, query.ownerId) : undefined,
    query.status ? statusFilter(query.status) : undefined,
    query.campaignId ? sql`exists (select 1 from ${campaignLeads} cl where cl.campaign_id = ${query.campaignId} and cl.prospect_id = ${prospects.id})` : undefined,
    query.timeZone ? (query.timeZone === 'none' ? isNull(prospects.timeZone) : eq(prospects.timeZone, query.timeZone)) : undefined,
  );
  const { rows, total } = await listPage(db, query, { rows: db.select().from(prospects).where(where).orderBy(desc(prospects.createdAt), desc(prospects.id)), from: prospects, where });
  return { rows: rows.map(toProspect), total };
}

const inSequenceSql = sql`exists (select 1 from ${campaignLeads} cl where cl.prospect_id = ${prospects.id} and cl.status in ('pending', 'active', 'paused'))`;
const repliedSql = sql`(exists (select 1 from ${campaignLeads} cl where cl.prospect_id = ${prospects.id} and cl.status in ('replied', 'referred'))
  or exists (select 1 from ${emails} e join ${emailEngagement} g on g.email_id = e.id where e.prospect_id = ${prospects.id} and g.replied_at is not null))`;
const suppressedSql = sql`exists (select 1 from ${suppressions} s where s.workspace_id = ${prospects.workspaceId} and s.email = ${prospects.email})`;
const contactedSql = sql`(exists (select 1 from ${emails} e where e.prospect_id = ${prospects.id}) or exists (select 1 from ${campaignLeads} cl where cl.prospect_id = ${prospects.id}))`;

function statusFilter(status: ProspectStatus): SQL {
  if (status === 'in_sequence') return inSequenceSql;
  if (status === 'replied') return repliedSql;
  if (status === 'suppressed') return suppressedSql;
  return sql`not ${contactedSql}`;
}

/** The statuses of a page of prospects (a prospect may be several: replied and suppressed). */
export async function statusesOf(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, ProspectStatus[]>> {
  const out = new Map<string, ProspectStatus[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .select({
      id: prospects.id,
      suppressed: sql<boolean>`${suppressedSql}`,
      replied: sql<boolean>`${repliedSql}`,
      inSequence: sql<boolean>`${inSequenceSql}`,
      contacted: sql<boolean>`${contactedSql}`,
    })
    .from(prospects)
    .where(and(eq(prospects.workspaceId, workspaceId), inArray(prospects.id, ids)));
  for (const r of rows) {
    const list = out.get(r.id)!;
    if (r.inSequence) list.push('in_sequence');
    if (r.replied) list.push('replied');
    if (r.suppressed) list.push('suppressed');
    if (!r.contacted) list.push('not_contacted');
  }
  return out;
}

/** The time zones the workspace's prospects are in, for a filter (at most 200). */
export async function prospectTimeZones(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tz: prospects.timeZone })
    .from(prospects)
    .where(and(eq(prospects.workspaceId, workspaceId), sql`${prospects.timeZone} is not null`))
    .orderBy(prospects.timeZone)
    .limit(200);
  return rows.map((r) => r.tz!);
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
  await getProspect(db, workspaceId, id);
  if (input.email) {
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
    ilike(sql`coalesce(${prospects.firstName}, '') || ' ' || coalesce(${prospects.lastName}, '')`, pattern),
  );
}
