import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { notFound } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { createSuppressionRequest, importSuppressionsRequest, listSuppressionsQuery, lookupSuppressionQuery } from '../../../../shared/contracts/suppressions';
import { addSuppression, findSuppression, importSuppressions, listSuppressions, removeSuppression } from './service';

const idParam = z.object({ id: z.uuid() });

/**
 * Any member may suppress an address (it only ever stops mail); lifting a suppression
 * means mailing someone who asked not to be mailed, so it takes an admin.
 */
export const suppressionRoutes = new Hono<AppEnv>()
  .get('/suppressions', validate('query', listSuppressionsQuery), async (c) => {
    const q = c.req.valid('query');
    const { rows, total } = await listSuppressions(c.get('deps').db, c.get('session').workspaceId, q);
    return c.json(paginated(rows, total, q.page, q.limit));
  })
  .get('/suppressions/lookup', validate('query', lookupSuppressionQuery), async (c) => {
    return c.json({ suppression: await findSuppression(c.get('deps').db, c.get('session').workspaceId, c.req.valid('query').email) });
  })
  .post('/suppressions', validate('json', createSuppressionRequest), async (c) => {
    const { created, suppression } = await addSuppression(c.get('deps').db, c.get('session').workspaceId, c.req.valid('json'), c.get('session').userId);
    return c.json(suppression, created ? 201 : 200);
  })
  .post('/suppressions/import', validate('json', importSuppressionsRequest), async (c) => {
    const s = c.get('session');
    return c.json(await importSuppressions(c.get('deps').db, s.workspaceId, c.req.valid('json').emails, s.userId));
  })
  .delete('/suppressions/:id', requireRole('admin'), validate('param', idParam), async (c) => {
    if (!(await removeSuppression(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id, c.get('session').userId))) throw notFound('Suppression');
    return c.body(null, 204);
  });
