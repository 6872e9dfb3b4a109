import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import type { Deps } from '../../context';
import { campaigns, emails, mailboxes } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import { failOpenSends } from '../emails/fail-sends';
import { revokeGoogleGrant, type SealedTokens } from '../../gmail/oauth';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Offboarding {
  mailboxes: string[];
  /** Open sends failed (no mailbox picked) or moved to the picked one. */
  failedSends: number;
  movedSends: number;
  /** Campaigns that sent from the member's mailboxes: moved, or paused when none was picked. */
  movedCampaigns: number;
  pausedCampaigns: number;
  /** Filled in after the commit: how many grants Google confirmed revoked. */
  revoked?: number;
  sealed: Array<{ email: string } & SealedTokens>;
}

/**
 * What leaving a workspace does to a member's mail, inside the removal's transaction: their
 * mailboxes there are disconnected (status `disabled`, sealed tokens deleted), their open
 * sends from those mailboxes are FAILED with a reason — or moved to `moveTo`, a mailbox the
 * admin picks — and campaigns sending from them are moved there or paused. The tokens come
 * back so the caller revokes them at Google once the transaction has committed.
 */
export async function offboardMailboxes(tx: Tx, workspaceId: string, userId: string, moveTo?: string): Promise<Offboarding> {
  const boxes = await tx
    .select({ id: mailboxes.id, email: mailboxes.email, accessTokenEnc: mailboxes.accessTokenEnc, refreshTokenEnc: mailboxes.refreshTokenEnc, tokenExpiresAt: mailboxes.tokenExpiresAt })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.userId, userId)));
  const ids = boxes.map((b) => b.id);
  let target: { id: string; email: string } | undefined;
  if (moveTo) {
    [target] = await tx
      .select({ id: mailboxes.id, email: mailboxes.email })
      .from(mailboxes)
      .where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, moveTo), eq(mailboxes.status, 'active'), or(isNull(mailboxes.userId), ne(mailboxes.userId, userId))));
    if (!target) throw new ApiError('NOT_FOUND', 'Mailbox not found', [{ path: 'moveSendsTo', message: "an active mailbox of this workspace that is not the removed member's" }]);
  }
  const result: Offboarding = { mailboxes: boxes.map((b) => b.email), failedSends: 0, movedSends: 0, movedCampaigns: 0, pausedCampaigns: 0, sealed: boxes };
  // Campaigns of the member's with no mailbox of their own send from the owner's: they go too.
  const campaignWhere = and(
    eq(campaigns.workspaceId, workspaceId),
    or(ids.length ? inArray(campaigns.mailboxId, ids) : undefined, and(isNull(campaigns.mailboxId), eq(campaigns.ownerId, userId))),
  );
  if (target) {
    if (ids.length) {
      const moved = await tx
        .update(emails)
        .set({ mailboxId: target.id, fromAddress: target.email, updatedAt: new Date() })
        .where(and(inArray(emails.mailboxId, ids), eq(emails.status, 'PENDING_SEND')))
        .returning({ id: emails.id });
      result.movedSends = moved.length;
    }
    const movedCampaigns = await tx.update(campaigns).set({ mailboxId: target.id, updatedAt: new Date() }).where(campaignWhere).returning({ id: campaigns.id });
    result.movedCampaigns = movedCampaigns.length;
  } else {
    const paused = await tx.update(campaigns).set({ status: 'paused', updatedAt: new Date() }).where(and(campaignWhere, eq(campaigns.status, 'active'))).returning({ id: campaigns.id });
    result.pausedCampaigns = paused.length;
  }
  if (ids.length) {
    result.failedSends = await failOpenSends(tx, inArray(emails.mailboxId, ids), 'The mailbox was disconnected: its owner was removed from the workspace');
    await tx.update(mailboxes).set({ status: 'disabled', accessTokenEnc: null, refreshTokenEnc: null, tokenExpiresAt: null }).where(inArray(mailboxes.id, ids));
  }
  return result;
}

/** After the commit: revoke each grant at Google (best effort, bounded), and count the confirmations. */
export async function revokeOffboarded(deps: Pick<Deps, 'config' | 'logger'>, off: Offboarding): Promise<number> {
  const results = await Promise.all(off.sealed.map((s) => revokeGoogleGrant(deps.config, s)));
  const revoked = results.filter(Boolean).length;
  if (revoked < off.sealed.length) deps.logger.warn({ mailboxes: off.mailboxes, revoked }, 'some grants of a removed member could not be revoked at Google; their tokens are deleted');
  return revoked;
}
