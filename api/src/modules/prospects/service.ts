import { and, count, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { prospects } from '../../../../db/schema';
import { ApiError, notFound } from '../../lib/api-error';
import { listPage } from '../../lib/pagination';
import { erasedAmong, normalizeAddress } from '../suppressions/service';
import type { CreateProspectRequest, Prospect, UpdateProspectRequest } from '../../../../shared/contracts/prospects';

type ProspectRow = typeof prospects.$inferSelect;

export async function listProspects(db: Db, workspaceId: string, query: { page: number; limit: number; q?: string; ownerId?: string }) {
  const where = and(eq(prospects.workspaceId, workspaceId), query.q ? searchFilter(query.q) : undefined, query.ownerId ? eq(prospects.ownerId, query.ownerId) : undefined);
  const { rows, total } = await listPage(db, query, { rows: db.select().from(prospects).where(where).orderBy(desc(prospects.createdAt), desc(prospects.id)), from: prospects, where });
  return { rows: rows.map(toProspect), total };
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
