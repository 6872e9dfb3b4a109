import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import type { Db } from '../../../../db/client';
import { workspaces } from '../../../../db/schema';
import { requireRole } from '../../middleware/auth';
import { validate } from '../../middleware/validate';
import { patchReplySettingsRequest, type ReplySettings } from '../../../../shared/contracts/replies';
import { pauseDaysOf } from './settings';
import { audited } from '../admin/audit';

/** The workspace's reply settings, kept in `workspaces.settings` beside its other settings. */
export const replySettingsRoutes = new Hono<AppEnv>()
  .get('/replies/settings', async (c) => c.json(await readReplySettings(c.get('deps').db, c.get('session').workspaceId)))
  .patch('/replies/settings', requireRole('admin'), validate('json', patchReplySettingsRequest), audited('settings.changed', (a) => ({ after: a })), async (c) => {
    const { db } = c.get('deps');
    const { workspaceId } = c.get('session');
    // jsonb `||` merges: the workspace's other settings are left as they are.
    await db.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify(c.req.valid('json'))}::jsonb` }).where(eq(workspaces.id, workspaceId));
    return c.json(await readReplySettings(db, workspaceId));
  });

async function readReplySettings(db: Db, workspaceId: string): Promise<ReplySettings> {
  const [ws] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return { autoReplyPauseDays: pauseDaysOf(ws?.settings) };
}
