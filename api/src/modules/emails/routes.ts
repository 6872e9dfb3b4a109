import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { idempotencyKeySchema, listEmailsQuery, sendEmailRequest } from '../../../../shared/contracts/emails';
import { acceptSend, cancelEmail, getEmail, listEmails, userActor } from './service';
import { ownerOnly } from '../../lib/ownership';

const idParam = z.object({ id: z.uuid() });

export const emailRoutes = new Hono<AppEnv>()
  .post('/emails/send', validate('json', sendEmailRequest), async (c) => {
    const key = idempotencyKeySchema.safeParse(c.req.header('idempotency-key'));
    if (!key.success) {
      throw new ApiError('VALIDATION_ERROR', 'The Idempotency-Key header is required: a unique value per send (e.g. a UUID), reused only to retry that send', [
        { path: 'Idempotency-Key', message: key.error.issues[0]?.message ?? 'required' },
      ]);
    }
    const answer = await acceptSend(c.get('deps'), userActor(c.get('session')), key.data, c.req.valid('json'));
    return c.json(answer, 202);
  })
  .get('/emails', validate('query', listEmailsQuery), async (c) => {
    const q = c.req.valid('query');
    const s = c.get('session');
    const { rows, total } = await listEmails(c.get('deps').db, s.workspaceId, { ...q, userId: q.scope === 'me' ? s.userId : undefined });
    return c.json(paginated(rows, total, q.page, q.limit));
  })
  .get('/emails/:id', validate('param', idParam), async (c) => {
    return c.json(await getEmail(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  })
  .post('/emails/:id/cancel', validate('param', idParam), ownerOnly('email'), async (c) => {
    return c.json(await cancelEmail(c.get('deps'), c.get('session').workspaceId, c.req.valid('param').id));
  });
