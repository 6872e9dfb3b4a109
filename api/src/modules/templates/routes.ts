import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { paginated } from '../../lib/pagination';
import {
  createTemplateRequest, listTemplatesQuery, renderTemplateRequest, templateIdParam, updateTemplateRequest,
} from '../../../../shared/contracts/templates';
import { audited } from '../admin/audit';
import { createTemplate, deleteTemplate, getTemplateRow, listTemplates, renderStoredTemplate, toTemplate, updateTemplate } from './service';
import { ownerOnly } from '../../lib/ownership';

export const templateRoutes = new Hono<AppEnv>()
  .get('/templates', validate('query', listTemplatesQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listTemplates(c.get('deps').db, c.get('session').workspaceId, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .post('/templates', validate('json', createTemplateRequest), async (c) => {
    const s = c.get('session');
    return c.json(await createTemplate(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('json')), 201);
  })
  .get('/templates/:id', validate('param', templateIdParam), async (c) => {
    return c.json(toTemplate(await getTemplateRow(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id)));
  })
  .patch('/templates/:id', validate('param', templateIdParam), ownerOnly('template'), validate('json', updateTemplateRequest), async (c) => {
    return c.json(await updateTemplate(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json')));
  })
  .delete('/templates/:id', validate('param', templateIdParam), ownerOnly('template', { change: 'delete' }), audited('template.deleted'), async (c) => {
    await deleteTemplate(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .post('/templates/:id/render', validate('param', templateIdParam), validate('json', renderTemplateRequest), async (c) => {
    const { db } = c.get('deps');
    return c.json(await renderStoredTemplate(db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json')));
  });
