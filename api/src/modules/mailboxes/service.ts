import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaigns, emails, mailboxes } from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import { countRows, listPage, type Page, type PageQuery } from '../../lib/pagination';
import type { Mailbox, PatchMailboxRequest } from '../../../../shared/contracts/mailboxes';
import { budgetUse, effectiveCap, type BudgetUse } from '../emails/schedule';
import { recordAudit } from '../admin/audit';
import { failOpenSends } from '../emails/fail-sends';
import { revokeGoogleGrant } from '../../gmail/oauth';
import type { Deps } from '../../context';

type MailboxRow = typeof mailboxes.$inferSelect;

export async function listMailboxes(db: Db, workspaceId: string, page: PageQuery): Promise<Page<Mailbox>> {
  const { rows, total } = await pageOfMailboxes(db, workspaceId, page);
  return { rows: rows.map(({ row, used }) => toMailbox(row, used)), total };
}

/** The console's list: the API's Mailbox plus when the inbox was last synced, which the contract leaves out. */
export async function listMailboxesWithSync(db: Db, workspaceId: string, page: PageQuery): Promise<Page<Mailbox & { lastSyncedAt: string | null }>> {
  const { rows, total } = await pageOfMailboxes(db, workspaceId, page);
  return { rows: rows.map(({ row, used }) => ({ ...toMailbox(row, used), lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null })), total };
}

export const countMailboxes = (db: Db, workspaceId: string) => countRows(db, mailboxes, eq(mailboxes.workspaceId, workspaceId));

export async function getMailbox(db: Db, workspaceId: string, id: string): Promise<Mailbox & { lastSyncedAt: string | null }> {
  const [row] = await db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, id)));
  if (!row) throw notFound('Mailbox');
  const used = await budgetUse(db, [row.id]);
  return { ...toMailbox(row, used.get(row.id)), lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null };
}

/** Changes caps, window or ramp-up; with an actor, the change and its before → after are audited together. */
export async function updateMailbox(db: Db, workspaceId: string, id: string, patch: PatchMailboxRequest, actorId?: string): Promise<Mailbox> {
  const changes: Partial<MailboxRow> = {};
  if (patch.dailyCap !== undefined) changes.dailyCap = patch.dailyCap;
  if (patch.sendWindow !== undefined) changes.sendWindow = patch.sendWindow;
  if (patch.rampUp !== undefined) {
    changes.rampUp = patch.rampUp && { ...patch.rampUp, startedAt: new Date(patch.rampUp.startedAt ?? Date.now()).toISOString() };
  }
  if (patch.dkimSelectors !== undefined) changes.dkimSelectors = patch.dkimSelectors;
  const where = and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, id));
  const row = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(mailboxes).where(where).for('update');
    if (!before) throw notFound('Mailbox');
    const [after] = await tx.update(mailboxes).set(changes).where(where).returning();
    if (actorId) {
      // Sending limits are the mailbox's own row; the DKIM selectors are a setting of how it is checked.
      const keys = (Object.keys(changes) as Array<keyof typeof changes>).filter((k) => k !== 'dkimSelectors');
      const pick = (r: MailboxRow) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]));
      if (keys.length) await recordAudit(tx, { workspaceId, actorId, action: 'mailbox.updated', target: before.email, data: { before: pick(before), after: pick(after!) } });
      if (changes.dkimSelectors && changes.dkimSelectors.join(',') !== before.dkimSelectors.join(',')) {
        await recordAudit(tx, { workspaceId, actorId, action: 'settings.changed', target: 'dkimSelectors', data: { mailbox: before.email, before: before.dkimSelectors, after: after!.dkimSelectors } });
      }
    }
    return after!;
  });
  const used = await budgetUse(db, [row.id]);
  return toMailbox(row, used.get(row.id));
}

/**
 * Disconnects a mailbox: its open sends fail with the reason, campaigns sending from it pause,
 * its sealed tokens are deleted and it is `disabled` — one transaction, audited. The grant is
 * revoked at Google after the commit (best effort: the tokens are gone either way).
 */
export async function disconnectMailbox(deps: Pick<Deps, 'db' | 'config'>, workspaceId: string, id: string, actorId: string): Promise<Mailbox> {
  const where = and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, id));
  const { row, sealed } = await deps.db.transaction(async (tx) => {
    const [before] = await tx.select().from(mailboxes).where(where).for('update');
    if (!before) throw notFound('Mailbox');
    const failedSends = await failOpenSends(tx, eq(emails.mailboxId, before.id), 'The mailbox was disconnected by an admin');
    const paused = await tx
      .update(campaigns)
      .set({ status: 'paused', updatedAt: new Date() })
      .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.mailboxId, before.id), eq(campaigns.status, 'active')))
      .returning({ id: campaigns.id });
    const [after] = await tx.update(mailboxes).set({ status: 'disabled', accessTokenEnc: null, refreshTokenEnc: null, tokenExpiresAt: null }).where(where).returning();
    await recordAudit(tx, { workspaceId, actorId, action: 'mailbox.disconnected', target: before.email, data: { before: before.status, after: 'disabled', failedSends, pausedCampaigns: paused.length } });
    return { row: after!, sealed: before };
  });
  if (sealed.provider === 'gmail') await revokeGoogleGrant(deps.config, sealed).catch(() => false);
  return toMailbox(row);
}

/** Never exposes tokens: only what an admin needs to see and tune. */
export function toMailbox(row: MailboxRow, use: BudgetUse = { lumina: 0, gmail: 0 }): Mailbox {
  const cap = effectiveCap(row);
  const used = use.lumina + use.gmail;
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
    dkimSelectors: row.dkimSelectors,
    used,
    usedByLumina: use.lumina,
    usedFromGmail: use.gmail,
    remaining: Math.max(0, cap - used),
    createdAt: row.createdAt.toISOString(),
  };
}

async function pageOfMailboxes(db: Db, workspaceId: string, page: PageQuery) {
  const where = eq(mailboxes.workspaceId, workspaceId);
  const { rows, total } = await listPage(db, page, { rows: db.select().from(mailboxes).where(where).orderBy(asc(mailboxes.createdAt), asc(mailboxes.id)), from: mailboxes, where });
  const used = await budgetUse(db, rows.map((r) => r.id));
  return { rows: rows.map((row) => ({ row, used: used.get(row.id) })), total };
}
