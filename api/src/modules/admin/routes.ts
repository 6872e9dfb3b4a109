import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { paginated } from '../../lib/pagination';
import { pageQuerySchema } from '../../../../shared/errors';
import { inviteToken } from '../auth/password';
import { patchWorkspaceSettingsRequest } from '../../../../shared/contracts/auth';
import { auditQuery, changeRoleRequest, createInviteRequest, inviteParam, memberParam, removeMemberQuery } from '../../../../shared/contracts/admin';
import { changeRole, createInvite, listInvites, listMembers, readWorkspaceSettings, removeMember, revokeInvite, writeWorkspaceSettings } from './service';
import { listAudit } from './audit';
import { queueHealth } from './queues';

/** Workspace administration: every route takes the admin role. */
export const adminRoutes = new Hono<AppEnv>()
  .use('/admin/*', requireRole('admin'))
  .get('/admin/members', validate('query', pageQuerySchema), async (c) => {
    const page = c.req.valid('query');
    const { rows, total } = await listMembers(c.get('deps').db, c.get('session').workspaceId, page);
    return c.json(paginated(rows, total, page.page, page.limit));
  })
  .patch('/admin/members/:userId', validate('param', memberParam), validate('json', changeRoleRequest), async (c) => {
    return c.json(await changeRole(c.get('deps').db, c.get('session'), c.req.valid('param').userId, c.req.valid('json').role));
  })
  .delete('/admin/members/:userId', validate('param', memberParam), validate('query', removeMemberQuery), async (c) => {
    await removeMember(c.get('deps'), c.get('session'), c.req.valid('param').userId, c.req.valid('query'));
    return c.body(null, 204);
  })
  .get('/admin/invites', validate('query', pageQuerySchema), async (c) => {
    const page = c.req.valid('query');
    const { rows, total } = await listInvites(c.get('deps').db, c.get('session').workspaceId, page);
    return c.json(paginated(rows, total, page.page, page.limit));
  })
  .post('/admin/invites', validate('json', createInviteRequest), async (c) => {
    const invite = await createInvite(c.get('deps').db, c.get('session'), c.req.valid('json'));
    // The link for someone who will not use Google: shown once, to the admin who invited.
    return c.json({ ...invite, signUpToken: inviteToken(c.get('deps').config, invite) }, 201);
  })
  .delete('/admin/invites/:id', validate('param', inviteParam), async (c) => {
    await revokeInvite(c.get('deps').db, c.get('session'), c.req.valid('param').id);
    return c.body(null, 204);
  })
  .get('/admin/settings', async (c) => c.json(await readWorkspaceSettings(c.get('deps').db, c.get('session').workspaceId, c.get('deps').config.joinByDomainDefault)))
  .patch('/admin/settings', validate('json', patchWorkspaceSettingsRequest), async (c) => {
    const { db, config } = c.get('deps');
    return c.json(await writeWorkspaceSettings(db, c.get('session'), c.req.valid('json'), config.joinByDomainDefault));
  })
  .get('/admin/audit', validate('query', auditQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listAudit(c.get('deps').db, c.get('session').workspaceId, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .get('/admin/queues', async (c) => c.json(await queueHealth(c.get('deps'), c.get('session'))));
