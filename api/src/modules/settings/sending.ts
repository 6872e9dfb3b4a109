import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaigns, workspaces } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import { recordAudit } from '../admin/audit';
import type { SendingSettings } from '../../../../shared/contracts/settings';

/** The workspace's own postal address (`workspaces.settings.postalAddress`), if it set one. */
export function ownPostalAddress(settings: Record<string, unknown> | undefined): string | null {
  const v = settings?.postalAddress;
  return typeof v === 'string' && v.trim() ? v : null;
}

/** What campaign mail of the workspace carries: its own address, else the server's POSTAL_ADDRESS. */
export function postalAddressOf(settings: Record<string, unknown> | undefined, serverDefault: string | undefined): SendingSettings {
  const own = ownPostalAddress(settings);
  if (own) return { postalAddress: own, postalAddressSource: 'workspace' };
  return serverDefault ? { postalAddress: serverDefault, postalAddressSource: 'server' } : { postalAddress: null, postalAddressSource: null };
}

export async function readSendingSettings(db: Pick<Db, 'select'>, workspaceId: string, serverDefault: string | undefined): Promise<SendingSettings> {
  const [ws] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return postalAddressOf(ws?.settings, serverDefault);
}

/** Launching a campaign needs an address to put in its mail (CAN-SPAM): a 400 naming the setting otherwise. */
export async function requirePostalAddress(db: Pick<Db, 'select'>, workspaceId: string, serverDefault: string | undefined): Promise<void> {
  if ((await readSendingSettings(db, workspaceId, serverDefault)).postalAddress) return;
  throw new ApiError(
    'VALIDATION_ERROR',
    "Set the workspace's postal address before launching (console: Settings → Postal address; API: PATCH /api/settings/sending {postalAddress}). US law (CAN-SPAM) requires it in every campaign email.",
    [{ path: 'postalAddress', message: 'required before a campaign can launch' }],
  );
}

/**
 * Sets or clears the workspace's address, audited before → after. Clearing it while a campaign
 * is running (or paused, to be resumed) with no server default to fall back on is refused:
 * that campaign's next mail would have no address.
 */
export async function writeSendingSettings(db: Db, actor: { workspaceId: string; userId: string }, postalAddress: string | null, serverDefault: string | undefined): Promise<SendingSettings> {
  return db.transaction(async (tx) => {
    const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, actor.workspaceId)).for('update');
    const before = ownPostalAddress(ws?.settings);
    if (!postalAddress && !serverDefault) {
      const running = await tx
        .select({ name: campaigns.name })
        .from(campaigns)
        .where(and(eq(campaigns.workspaceId, actor.workspaceId), inArray(campaigns.status, ['active', 'paused'])))
        .limit(3);
      if (running.length) {
        throw new ApiError('CONFLICT', `Campaign mail needs the postal address: archive (or delete) ${running.map((r) => `"${r.name}"`).join(', ')}${running.length === 3 ? ' (and any other running campaign)' : ''} before clearing it, or set another address instead.`);
      }
    }
    await tx.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify({ postalAddress })}::jsonb` }).where(eq(workspaces.id, actor.workspaceId));
    if (before !== postalAddress) {
      await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'settings.changed', target: 'postalAddress', data: { before, after: postalAddress } });
    }
    return postalAddressOf({ postalAddress }, serverDefault);
  });
}
