import { and, desc, eq, ilike, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { countRows, listPage, type PageQuery } from '../../lib/pagination';
import { createHash } from 'node:crypto';
import { suppressions, workspaces } from '../../../../db/schema';
import { createSuppressionRequest, type ImportSuppressionsResponse, type Suppression } from '../../../../shared/contracts/suppressions';
import { recordAudit } from '../admin/audit';

type Row = typeof suppressions.$inferSelect;

/** Addresses are compared lower-cased and trimmed everywhere. */
export { normalizeAddress } from '../../../../shared/address';
import { normalizeAddress } from '../../../../shared/address';

/**
 * Is the address suppressed in the workspace? As an expression inside a bigger statement (the
 * accept's one read, the send worker's load): the address must already be normalized.
 */
export const suppressedSql = (workspaceId: SQLWrapper, normalizedAddress: SQLWrapper) =>
  sql`exists (select 1 from ${suppressions} where ${suppressions.workspaceId} = ${workspaceId} and ${listsAddress(workspaceId, normalizedAddress)})`;

/** The suppression rows that concern one address in a workspace: its own entry, or the marker it left when erased. */
export function suppressionsOf(workspaceId: string, address: string): SQL {
  const normalized = normalizeAddress(address);
  return and(eq(suppressions.workspaceId, workspaceId), listsAddress(sql`${workspaceId}::uuid`, sql`${normalized}`))!;
}

/** The one rule: a row lists the address itself or its erased marker (both normalized). */
const listsAddress = (workspaceId: SQLWrapper, normalizedAddress: SQLWrapper) =>
  sql`${suppressions.email} in (${normalizedAddress}::text, ${erasedMarkerSql(workspaceId, normalizedAddress)})`;

/**
 * An erased person stays on the list as `erased:` + hex sha256(workspace salt || address), never
 * the address itself (DESIGN §3.9). The same marker in SQL (for the one-statement checks) and in
 * JS (for batches such as a CSV import); a test holds the two to each other.
 */
export const erasedMarkerSql = (workspaceId: SQLWrapper, normalizedAddress: SQLWrapper) =>
  sql`(select 'erased:' || encode(sha256(convert_to(w.privacy_salt || ${normalizedAddress}::text, 'UTF8')), 'hex') from ${workspaces} w where w.id = ${workspaceId})`;
export const erasedMarker = (salt: string, normalizedAddress: string) => `erased:${createHash('sha256').update(salt + normalizedAddress, 'utf8').digest('hex')}`;

/** The workspace's salt for erased markers. */
export async function privacySalt(db: Pick<Db, 'select'>, workspaceId: string): Promise<string> {
  const [row] = await db.select({ salt: workspaces.privacySalt }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw new Error(`no workspace ${workspaceId}`);
  return row.salt;
}

/** Which of these (normalized) addresses belong to erased people in the workspace. */
export async function erasedAmong(db: Pick<Db, 'select'>, workspaceId: string, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const salt = await privacySalt(db, workspaceId);
  const byMarker = new Map(addresses.map((a) => [erasedMarker(salt, a), a]));
  const rows = await db
    .select({ email: suppressions.email })
    .from(suppressions)
    .where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.reason, 'erased'), inArray(suppressions.email, [...byMarker.keys()])));
  return new Set(rows.map((r) => byMarker.get(r.email)!));
}

/** Why the address is suppressed in the workspace (its first entry's reason), or undefined. */
export async function suppressionReason(db: Pick<Db, 'select'>, workspaceId: string, address: string): Promise<Row['reason'] | undefined> {
  const [row] = await db.select({ reason: suppressions.reason }).from(suppressions).where(suppressionsOf(workspaceId, address));
  return row?.reason;
}

/**
 * Puts an address on the list, inside the caller's transaction or on the database; an address
 * already there keeps its first entry. Returns the new row, or undefined when it was there.
 */
export async function insertSuppression(db: Pick<Db, 'insert'>, workspaceId: string, input: { email: string; reason: Row['reason']; sourceEmailId?: string | null }) {
  const [created] = await db
    .insert(suppressions)
    .values({ workspaceId, email: normalizeAddress(input.email), reason: input.reason, sourceEmailId: input.sourceEmailId ?? null })
    .onConflictDoNothing({ target: [suppressions.workspaceId, suppressions.email] })
    .returning();
  return created;
}

/** Adds an address; an address already on the list keeps its first entry (created=false). With an actor, a new entry is audited. */
export async function addSuppression(db: Db, workspaceId: string, input: { email: string; reason: Row['reason']; sourceEmailId?: string }, actorId?: string) {
  const email = normalizeAddress(input.email);
  const created = await insertSuppression(db, workspaceId, input);
  if (created) {
    if (actorId) await recordAudit(db, { workspaceId, actorId, action: 'suppression.added', target: email, data: { reason: input.reason } });
    return { created: true, suppression: toSuppression(created) };
  }
  const [existing] = await db.select().from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.email, email)));
  return { created: false, suppression: toSuppression(existing!) };
}

/**
 * Adds many addresses as manual suppressions (the console's CSV import, POST /api/suppressions/import):
 * each new one is audited as an add, and the import itself as one row with its counts.
 */
export async function importSuppressions(db: Db, workspaceId: string, addresses: string[], actorId: string): Promise<ImportSuppressionsResponse> {
  const out: ImportSuppressionsResponse = { imported: 0, alreadyListed: 0, invalid: [] };
  for (const raw of addresses) {
    const email = raw.trim();
    if (!createSuppressionRequest.shape.email.safeParse(email).success) {
      out.invalid.push({ email: raw, message: 'not an e-mail address' });
      continue;
    }
    if ((await addSuppression(db, workspaceId, { email, reason: 'manual' }, actorId)).created) out.imported++;
    else out.alreadyListed++;
  }
  await recordAudit(db, { workspaceId, actorId, action: 'suppression.imported', target: null, data: { imported: out.imported, alreadyListed: out.alreadyListed, invalid: out.invalid.length } });
  return out;
}

export async function listSuppressions(db: Db, workspaceId: string, query: PageQuery & { q?: string }) {
  const where = and(
    eq(suppressions.workspaceId, workspaceId),
    query.q ? ilike(suppressions.email, `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : sql`true`,
  );
  const { rows, total } = await listPage(db, query, { rows: db.select().from(suppressions).where(where).orderBy(desc(suppressions.createdAt), desc(suppressions.id)), from: suppressions, where });
  return { rows: rows.map(toSuppression), total };
}

export const countSuppressions = (db: Db, workspaceId: string) => countRows(db, suppressions, eq(suppressions.workspaceId, workspaceId));

export async function getSuppression(db: Db, workspaceId: string, id: string): Promise<Suppression | null> {
  const [row] = await db.select().from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.id, id)));
  return row ? toSuppression(row) : null;
}

/** The list's entry for one address (its own, or the marker an erase left), or null: the check the extension makes before a send. */
export async function findSuppression(db: Pick<Db, 'select'>, workspaceId: string, address: string): Promise<Suppression | null> {
  const [row] = await db.select().from(suppressions).where(suppressionsOf(workspaceId, address)).orderBy(suppressions.createdAt).limit(1);
  return row ? toSuppression(row) : null;
}

/** Lifts a suppression; with an actor, the lift (and what it was) is audited. */
export async function removeSuppression(db: Db, workspaceId: string, id: string, actorId?: string): Promise<boolean> {
  const rows = await db
    .delete(suppressions)
    .where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.id, id)))
    .returning({ email: suppressions.email, reason: suppressions.reason });
  if (rows[0] && actorId) await recordAudit(db, { workspaceId, actorId, action: 'suppression.lifted', target: rows[0].email, data: { reason: rows[0].reason } });
  return rows.length > 0;
}

/** Every suppression of the workspace, newest first, in pages of 1,000: the CSV export reads it without holding all in memory. */
export async function* allSuppressions(db: Db, workspaceId: string) {
  for (let page = 1; ; page++) {
    const { rows } = await listSuppressions(db, workspaceId, { page, limit: 1000 });
    yield* rows;
    if (rows.length < 1000) return;
  }
}

function toSuppression(row: Row): Suppression {
  return { id: row.id, email: row.email, reason: row.reason, sourceEmailId: row.sourceEmailId, createdAt: row.createdAt.toISOString() };
}
