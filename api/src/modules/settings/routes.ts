import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { patchSendingSettingsRequest } from '../../../../shared/contracts/settings';
import { readSendingSettings, writeSendingSettings } from './sending';

/** What the workspace's outgoing campaign mail carries. Everyone reads it (a rep sees why a launch is refused); admins change it. */
export const settingsRoutes = new Hono<AppEnv>()
  .get('/settings/sending', async (c) => {
    const { db, config } = c.get('deps');
    return c.json(await readSendingSettings(db, c.get('session').workspaceId, config.postalAddressDefault));
  })
  .patch('/settings/sending', requireRole('admin'), validate('json', patchSendingSettingsRequest), async (c) => {
    const { db, config } = c.get('deps');
    return c.json(await writeSendingSettings(db, c.get('session'), c.req.valid('json').postalAddress, config.postalAddressDefault));
  });
