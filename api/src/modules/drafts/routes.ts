import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { notFound } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { draftIdSchema, listDraftsQuery, putDraftRequest } from '../../../../shared/contracts/drafts';
import { deleteDraft, listDrafts, putDraft } from './service';
import { assertOwnedIds } from '../../lib/owned-ids';

const idParam = z.object({ id: draftIdSchema });

/** Drafts are private to their author inside the workspace. */
export const draftRoutes = new Hono<AppEnv>()
  .get('/drafts', validate('query', listDraftsQuery), async (c) => {
    const { workspaceId, userId } = c.get('session');
    const q = c.req.valid('query');
    const { rows, total } = await listDrafts(c.get('deps').db, { workspaceId, userId }, q);
    return c.json(paginated(rows, total, q.page, q.limit));
  })
  .put('/drafts/:id', validate('param', idParam), validate('json', putDraftRequest), async (c) => {
    const { workspaceId, userId } = c.get('session');
    const body = c.req.valid('json');
    await assertOwnedIds(c.get('deps').db, workspaceId, { prospectId: { kind: 'prospect', id: body.prospectId } });
    const draft = await putDraft(c.get('deps').db, { workspaceId, userId }, c.req.valid('param').id, body);
    return c.json(draft, 200);
  })
  .delete('/drafts/:id', validate('param', idParam), async (c) => {
    const { workspaceId, userId } = c.get('session');
    if (!(await deleteDraft(c.get('deps').db, { workspaceId, userId }, c.req.valid('param').id))) throw notFound('Draft');
    return c.body(null, 204);
  });
