import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../context';

/** One structured line per request: request id, workspace, route, status, duration. */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const start = performance.now();
    await next();
    const logger = c.get('deps').logger;
    const status = c.res.status;
    const line = {
      requestId: c.get('requestId'),
      workspaceId: c.get('session')?.workspaceId,
      method: c.req.method,
      route: routePath(c),
      status,
      durationMs: Math.round((performance.now() - start) * 10) / 10,
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
