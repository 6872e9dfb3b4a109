import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { patchPrivacySettingsRequest, prospectIdParamPrivacy } from '../../../../shared/contracts/privacy';
import { eraseProspect, exportProspect } from './service';
import { readPrivacySettings, writePrivacySettings } from './settings';

/**
 * A person's data (GDPR art. 15 and 17). Exporting hands out everything about someone, so it
 * takes a member (viewers read the app, not people's files); erasing takes an admin.
 */
export const privacyRoutes = new Hono<AppEnv>()
  .get('/prospects/:id/export', requireRole('member'), validate('param', prospectIdParamPrivacy), async (c) => {
    const s = c.get('session');
    const doc = await exportProspect(c.get('deps').db, s.workspaceId, c.req.valid('param').id, s.userId);
    c.header('content-disposition', `attachment; filename="prospect-${doc.prospect.id}.json"`);
    c.header('cache-control', 'no-store');
    return c.json(doc);
  })
  .post('/prospects/:id/erase', requireRole('admin'), validate('param', prospectIdParamPrivacy), async (c) => {
    const s = c.get('session');
    return c.json(await eraseProspect(c.get('deps').db, s.workspaceId, c.req.valid('param').id, s.userId));
  })
  .get('/privacy/settings', async (c) => c.json(await readPrivacySettings(c.get('deps').db, c.get('session').workspaceId)))
  .patch('/privacy/settings', requireRole('admin'), validate('json', patchPrivacySettingsRequest), async (c) => {
    const s = c.get('session');
    return c.json(await writePrivacySettings(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('json')));
  });
