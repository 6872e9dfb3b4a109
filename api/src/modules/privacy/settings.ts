import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { workspaces } from '../../../../db/schema';
import type { PrivacySettings } from '../../../../shared/contracts/privacy';
import { recordAudit } from '../admin/audit';

/** Raw open/click user agents and IPs are kept this many days, or forever (null, the default). */
export function retentionDaysOf(settings: Record<string, unknown> | undefined): number | null {
  const days = settings?.rawEventRetentionDays;
  return typeof days === 'number' && Number.isInteger(days) && days >= 1 ? days : null;
}

export async function readPrivacySettings(db: Db, workspaceId: string): Promise<PrivacySettings> {
  const [ws] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return { rawEventRetentionDays: retentionDaysOf(ws?.settings) };
}

/** Kept in `workspaces.settings` beside the workspace's other settings (jsonb `||` merges); audited before → after. */
export async function writePrivacySettings(db: Db, workspaceId: string, actorId: string, input: PrivacySettings): Promise<PrivacySettings> {
  return db.transaction(async (tx) => {
    const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
    const before = retentionDaysOf(ws?.settings);
    await tx.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify(input)}::jsonb` }).where(eq(workspaces.id, workspaceId));
    if (before !== input.rawEventRetentionDays) {
      await recordAudit(tx, { workspaceId, actorId, action: 'settings.changed', target: 'rawEventRetentionDays', data: { before, after: input.rawEventRetentionDays } });
    }
    return { rawEventRetentionDays: input.rawEventRetentionDays };
  });
}
