import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import {
  createProspectRequest, listProspectsQuery, lookupProspectQuery, prospectIdParam, updateProspectRequest,
} from '../../../../shared/contracts/prospects';
import { createProspect, deleteProspect, findProspectByEmail, getProspect, listProspects, updateProspect } from './service';
import { importProspects } from './csv-import';
import { ownerOnly } from '../../lib/ownership';
import { audited } from '../admin/audit';

export const prospectRoutes = new Hono<AppEnv>()
  .get('/prospects', validate('query', listProspectsQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listProspects(c.get('deps').db, c.get('session').workspaceId, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .get('/prospects/lookup', validate('query', lookupProspectQuery), async (c) => {
    const prospect = await findProspectByEmail(c.get('deps').db, c.get('session').workspaceId, c.req.valid('query').email);
    return c.json({ prospect });
  })
  .post('/prospects/import', audited('prospect.imported', (a) => ({ imported: a.imported, updated: a.updated, skipped: a.skipped })), async (c) => {
    const s = c.get('session');
    return c.json(await importProspects(c.get('deps').db, s.workspaceId, s.userId, await csvBody(c.req.raw)));
  })
  .post('/prospects', validate('json', createProspectRequest), async (c) => {
    const s = c.get('session');
    return c.json(await createProspect(c.get('deps').db, s.workspaceId, s.userId, c.req.valid('json')), 201);
  })
  .get('/prospects/:id', validate('param', prospectIdParam), async (c) => {
    return c.json(await getProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  })
  .patch('/prospects/:id', validate('param', prospectIdParam), ownerOnly('prospect'), validate('json', updateProspectRequest), async (c) => {
    const { db } = c.get('deps');
    return c.json(await updateProspect(db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json')));
  })
  .delete('/prospects/:id', validate('param', prospectIdParam), ownerOnly('prospect', { change: 'delete' }), audited('prospect.deleted'), async (c) => {
    await deleteProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  });

/** The CSV comes as a `text/csv` body or as the `file` field of a multipart form. */
async function csvBody(req: Request): Promise<string> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || type === 'text/plain') return req.text();
  if (type === 'multipart/form-data') {
    const form = await req.formData().catch(() => {
      throw new ApiError('VALIDATION_ERROR', 'Unreadable multipart body');
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw new ApiError('VALIDATION_ERROR', 'The form needs a `file` field holding the CSV');
    return file.text();
  }
  throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV as text/csv or as the `file` field of multipart/form-data');
}
