import { and, asc, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { listPage } from '../../lib/pagination';
import { preparedQuery } from '../../../../db/prepared';
import { drafts } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import type { Draft, PutDraftRequest } from '../../../../shared/contracts/drafts';

type DraftRow = typeof drafts.$inferSelect;
export interface DraftOwner { workspaceId: string; userId: string }

const ph = sql.placeholder;

/** The autosave of every open composer, every few seconds: prepared once (db/prepared.ts). */
const upsertDraft = preparedQuery((db) => {
  const content = ['version', 'to', 'cc', 'subject', 'bodyHtml', 'bodyText', 'prospectId', 'threadId', 'deletedAt', 'updatedAt'] as const;
  return db
    .insert(drafts)
    .values({
      id: ph('id'), workspaceId: ph('workspaceId'), userId: ph('userId'), version: ph('version'), to: ph('to'), cc: ph('cc'), subject: ph('subject'),
      bodyHtml: ph('bodyHtml'), bodyText: ph('bodyText'), prospectId: ph('prospectId'), threadId: ph('threadId'), deletedAt: sql`null`, updatedAt: ph('now'),
    })
    .onConflictDoUpdate({
      target: [drafts.workspaceId, drafts.id],
      set: Object.fromEntries(content.map((k) => [k, sql.raw(`excluded.${drafts[k].name}`)])),
      setWhere: and(sql`${drafts.version} < ${ph('version')}`, eq(drafts.userId, ph('userId'))),
    })
    .returning()
    .prepare('put_draft');
});

/**
 * Saves a draft if its version is higher than the stored one, in one atomic upsert.
 * A lower version, or the same version with other content, is a 409 carrying the server's
 * copy; the very same PUT repeated (same version, same content) answers the stored copy,
 * so a client retrying after a lost response never sees a false conflict.
 */
export async function putDraft(db: Db, owner: DraftOwner, id: string, input: PutDraftRequest): Promise<Draft> {
  const values = {
    id,
    workspaceId: owner.workspaceId,
    userId: owner.userId,
    version: input.version,
    to: input.to,
    cc: input.cc ?? [],
    subject: input.subject,
    bodyHtml: input.bodyHtml,
    bodyText: input.bodyText ?? null,
    prospectId: input.prospectId ?? null,
    threadId: input.threadId ?? null,
  };
  const [saved] = await upsertDraft(db).execute({ ...values, now: new Date() }); // encoded by each value's column, as in any insert
  if (saved) return toDraft(saved);

  const [stored] = await db.select().from(drafts).where(and(eq(drafts.workspaceId, owner.workspaceId), eq(drafts.id, id)));
  // A colleague's draft with the same client id: never show it, never overwrite it.
  if (!stored || stored.userId !== owner.userId) throw new ApiError('CONFLICT', 'This draft id is already in use; generate a new one');
  const server = toDraft(stored);
  if (stored.version === input.version && !stored.deletedAt && sameContent(server, values)) return server;
  throw new ApiError('VERSION_CONFLICT', `The server holds version ${stored.version}; send a higher version to overwrite it`, { server });
}

export async function listDrafts(db: Db, owner: DraftOwner, query: { updatedSince?: string; page: number; limit: number }) {
  // Without updatedSince the client wants its drafts; with it, every change since, deletions included.
  const where = and(
    eq(drafts.workspaceId, owner.workspaceId),
    eq(drafts.userId, owner.userId),
    query.updatedSince ? gt(drafts.updatedAt, new Date(query.updatedSince)) : isNull(drafts.deletedAt),
  );
  const { rows, total } = await listPage(db, query, { rows: db.select().from(drafts).where(where).orderBy(asc(drafts.updatedAt), asc(drafts.id)), from: drafts, where });
  return { rows: rows.map(toDraft), total };
}

/** Deletion leaves a tombstone so the user's other devices learn of it through updatedSince. */
export async function deleteDraft(db: Db, owner: DraftOwner, id: string): Promise<boolean> {
  const rows = await db
    .update(drafts)
    .set({ deletedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(drafts.workspaceId, owner.workspaceId), eq(drafts.userId, owner.userId), eq(drafts.id, id)))
    .returning({ id: drafts.id });
  return rows.length > 0;
}

export function toDraft(row: DraftRow): Draft {
  return {
    id: row.id,
    version: row.version,
    to: row.to,
    cc: row.cc,
    subject: row.subject,
    bodyHtml: row.bodyHtml,
    bodyText: row.bodyText,
    prospectId: row.prospectId,
    threadId: row.threadId,
    deleted: row.deletedAt !== null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function sameContent(a: Draft, b: Omit<Draft, 'deleted' | 'updatedAt'>) {
  const pick = (d: typeof b) => JSON.stringify([d.to, d.cc, d.subject, d.bodyHtml, d.bodyText, d.prospectId, d.threadId]);
  return pick(a) === pick(b);
}
