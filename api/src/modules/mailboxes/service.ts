import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { mailboxes } from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import type { Mailbox, PatchMailboxRequest } from '../../../../shared/contracts/mailboxes';
import { budgetUsed, effectiveCap } from '../emails/schedule';

type MailboxRow = typeof mailboxes.$inferSelect;

export async function listMailboxes(db: Db, workspaceId: string, page: { page: number; limit: number }) {
  const where = eq(mailboxes.workspaceId, workspaceId);
  const [rows, [total]] = await Promise.all([
    db.select().from(mailboxes).where(where).orderBy(asc(mailboxes.createdAt), asc(mailboxes.id)).limit(page.limit).offset((page.page - 1) * page.limit),
    db.select({ n: count() }).from(mailboxes).where(where),
  ]);
  const used = await budgetUsed(db, rows.map((r) => r.id));
  return { rows: rows.map((r) => toMailbox(r, used.get(r.id) ?? 0)), total: total?.n ?? 0 };
}

export async function updateMailbox(db: Db, workspaceId: string, id: string, patch: PatchMailboxRequest): Promise<Mailbox> {
  const changes: Partial<MailboxRow> = {};
  if (patch.dailyCap !== undefined) changes.dailyCap = patch.dailyCap;
  if (patch.sendWindow !== undefined) changes.sendWindow = patch.sendWindow;
  if (patch.rampUp !== undefined) {
    changes.rampUp = patch.rampUp && { ...patch.rampUp, startedAt: new Date(patch.rampUp.startedAt ?? Date.now()).toISOString() };
  }
  const [row] = await db.update(mailboxes).set(changes).where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, id))).returning();
  if (!row) throw notFound('Mailbox');
  const used = await budgetUsed(db, [row.id]);
  return toMailbox(row, used.get(row.id) ?? 0);
}

/** Never exposes tokens: only what an admin needs to see and tune. */
export function toMailbox(row: MailboxRow, used: number): Mailbox {
  const cap = effectiveCap(row);
  return {
    id: row.id,
    email: row.email,
    provider: row.provider,
    status: row.status,
    userId: row.userId,
    scopes: row.scopes,
    dailyCap: row.dailyCap,
    effectiveCap: cap,
    sendWindow: row.sendWindow ?? null,
    rampUp: row.rampUp ?? null,
    used,
    remaining: Math.max(0, cap - used),
    createdAt: row.createdAt.toISOString(),
  };
}
