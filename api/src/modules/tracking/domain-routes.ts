import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { setTrackingDomainRequest } from '../../../../shared/contracts/tracking-domain';
import { getTrackingDomain, setTrackingDomain } from './domain';

/** The workspace's tracking domain: anyone reads it (and how to set it up); admins set and clear it. */
export const trackingDomainRoutes = new Hono<AppEnv>()
  .get('/tracking-domain', async (c) => c.json(await getTrackingDomain(c.get('deps'), c.get('session').workspaceId)))
  .put('/tracking-domain', requireRole('admin'), validate('json', setTrackingDomainRequest), async (c) => {
    return c.json(await setTrackingDomain(c.get('deps'), c.get('session'), c.req.valid('json').domain));
  })
  .delete('/tracking-domain', requireRole('admin'), async (c) => c.json(await setTrackingDomain(c.get('deps'), c.get('session'), null)));
