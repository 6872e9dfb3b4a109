import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { paginated } from '../../lib/pagination';
import { pageQuerySchema } from '../../../../shared/errors';
import { patchMailboxRequest, reportManualSendRequest } from '../../../../shared/contracts/mailboxes';
import { reportManualSend } from './manual-sends';
import { disconnectMailbox, getMailbox, listMailboxes, updateMailbox } from './service';
import { deliverabilityOf } from './deliverability';
import { resolverFor } from '../../lib/dns';
import { deliverabilityQuery } from '../../../../shared/contracts/deliverability';

const idParam = z.object({ id: z.uuid() });

export const mailboxRoutes = new Hono<AppEnv>()
  .get('/mailboxes', validate('query', pageQuerySchema), async (c) => {
    const q = c.req.valid('query');
    const { rows, total } = await listMailboxes(c.get('deps').db, c.get('session').workspaceId, q);
    return c.json(paginated(rows, total, q.page, q.limit));
  })
  .patch('/mailboxes/:id', requireRole('admin'), validate('param', idParam), validate('json', patchMailboxRequest), async (c) => {
    const mailbox = await updateMailbox(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json'), c.get('session').userId);
    return c.json(mailbox);
  })
  // Light mode: a send the rep made from Gmail itself, seen by the extension (any role: it is the rep's own mailbox).
  .post('/mailboxes/:id/manual-sends', validate('param', idParam), validate('json', reportManualSendRequest), async (c) => {
    const { created, body } = await reportManualSend(c.get('deps').db, c.get('session'), c.req.valid('param').id, c.req.valid('json'));
    return c.json(body, created ? 201 : 200);
  })
  .get('/mailboxes/:id/deliverability', validate('param', idParam), validate('query', deliverabilityQuery), async (c) => {
    const { config, db } = c.get('deps');
    const mailbox = await getMailbox(db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.json(await deliverabilityOf(resolverFor(config.dnsServers), mailbox, c.req.valid('query')));
  })
  .delete('/mailboxes/:id', requireRole('admin'), validate('param', idParam), async (c) => {
    return c.json(await disconnectMailbox(c.get('deps'), c.get('session').workspaceId, c.req.valid('param').id, c.get('session').userId));
  });
