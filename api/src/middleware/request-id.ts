import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

/** An incoming id is kept when it is 1–255 word characters, `-` or `=` (hono/request-id's rule). */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * The request id an answer carries and the logs name: the caller's `X-Request-Id` when it is
 * acceptable, a fresh UUID otherwise. The one rule for the Hono app and the open pixel's
 * fast path in front of it; it allocates nothing beyond the UUID it may generate.
 */
export function requestIdFor(incoming: string | undefined | null): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Sets `requestId` on the context and the `X-Request-Id` answer header. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdFor(c.req.header('x-request-id'));
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
