import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { paginated } from '../../lib/pagination';
import {
  createTemplateRequest, listTemplatesQuery, renderTemplateRequest, templateIdParam, updateTemplateRequest,
} from '../../../../shared/contracts/templates';
import { audited } from '../admin/audit';
import { copyTemplate, createTemplate, deleteTemplate, getTemplate, listTemplates, renderStoredTemplate, setFavourite, updateTemplate } from './service';
import { ownerOnly } from '../../lib/ownership';

export const templateRoutes = new Hono<AppEnv>()
  .get('/templates', validate('query', listTemplatesQuery), async (c) => {
    const query = c.req.valid('query');
    const s = c.get('session');
    const { rows, total } = await listTemplates(c.get('deps').db, s.workspaceId, query, s.userId);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .post('/templates', validate('json', createTemplateRequest), async (c) => {
    const s = c.get('session');
    return c.json(await createTemplate(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('json')), 201);
  })
  .get('/templates/:id', validate('param', templateIdParam), async (c) => {
    const s = c.get('session');
    return c.json(await getTemplate(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('param').id));
  })
  .patch('/templates/:id', validate('param', templateIdParam), ownerOnly('template'), validate('json', updateTemplateRequest), async (c) => {
    const s = c.get('session');
    const { db } = c.get('deps');
    const id = c.req.valid('param').id;
    await updateTemplate(db, s.workspaceId, id, c.req.valid('json'));
    return c.json(await getTemplate(db, s.workspaceId, s.userId, id));
  })
  .delete('/templates/:id', validate('param', templateIdParam), ownerOnly('template', { change: 'delete' }), audited('template.deleted'), async (c) => {
    await deleteTemplate(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .post('/templates/:id/copy', validate('param', templateIdParam), async (c) => {
    const s = c.get('session');
    return c.json(await copyTemplate(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('param').id), 201);
  })
  // A star is the caller's own: any member may star any template of the workspace.
  .put('/templates/:id/favourite', validate('param', templateIdParam), async (c) => {
    const s = c.get('session');
    await setFavourite(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('param').id, true);
    return c.body(null, 204);
  })
  .delete('/templates/:id/favourite', validate('param', templateIdParam), async (c) => {
    const s = c.get('session');
    await setFavourite(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('param').id, false);
    return c.body(null, 204);
  })
  .post('/templates/:id/render', validate('param', templateIdParam), validate('json', renderTemplateRequest), async (c) => {
    const { db } = c.get('deps');
    return c.json(await renderStoredTemplate(db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json')));
  });
