import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { pageQuerySchema } from '../../../../shared/errors';
import { sandboxAutoReplyRequest, sandboxBounceRequest, sandboxMessageParams, sandboxReplyRequest } from '../../../../shared/contracts/sandbox';
import { injectInbound, listSandboxMessages, sandboxMailEnabled } from './service';

/** Embedded/sandbox mode only: watch the whole loop (send, reply, bounce) with no Google account. */
export const sandboxRoutes = new Hono<AppEnv>()
  .use('/sandbox/*', sandboxOnly())
  .get('/sandbox/messages', validate('query', pageQuerySchema), async (c) => {
    const { page, limit } = c.req.valid('query');
    const all = await listSandboxMessages(c.get('deps'), c.get('session'));
    return c.json(paginated(all.slice((page - 1) * limit, page * limit), all.length, page, limit));
  })
  .post('/sandbox/messages/:id/reply', validate('param', sandboxMessageParams), validate('json', sandboxReplyRequest), async (c) => {
    const injected = await injectInbound(c.get('deps'), c.get('session'), c.req.valid('param').id, 'reply', c.req.valid('json'));
    return c.json(injected, 201);
  })
  .post('/sandbox/messages/:id/auto-reply', validate('param', sandboxMessageParams), validate('json', sandboxAutoReplyRequest), async (c) => {
    const injected = await injectInbound(c.get('deps'), c.get('session'), c.req.valid('param').id, 'auto-reply', c.req.valid('json'));
    return c.json(injected, 201);
  })
  .post('/sandbox/messages/:id/bounce', validate('param', sandboxMessageParams), validate('json', sandboxBounceRequest), async (c) => {
    const injected = await injectInbound(c.get('deps'), c.get('session'), c.req.valid('param').id, 'bounce', c.req.valid('json'));
    return c.json(injected, 201);
  });

function sandboxOnly(): MiddlewareHandler<AppEnv> {
  return async function sandboxOnly(c, next) {
    if (!sandboxMailEnabled(c.get('deps').config)) {
      throw new ApiError('NOT_FOUND', 'The sandbox mailbox exists only in sandbox mode (embedded, no Google credentials); this server sends through Google.');
    }
    await next();
  };
}
