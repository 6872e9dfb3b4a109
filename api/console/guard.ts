import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppEnv } from '../src/context';
import { CONSOLE_COOKIE } from './session';

/** The hidden field every console form carries. */
export const CSRF_FIELD = '_csrf';

/**
 * The CSRF token of a session: an HMAC of the session cookie, so it is one per session,
 * needs no storage, and cannot be computed by a page that cannot read the HttpOnly cookie.
 */
export function csrfToken(c: Context<AppEnv>): string {
  const cookie = getCookie(c, CONSOLE_COOKIE) ?? '';
  return createHmac('sha256', c.get('deps').config.trackingSecret).update(`console-csrf:${cookie}`).digest('base64url');
}

/**
 * Refuses every POST whose form lacks the session's token (403). Runs after the session is
 * known; the Origin check in routes.tsx stays as a second wall.
 */
export function requireCsrf(refuse: (c: Context<AppEnv>) => Response | Promise<Response>): MiddlewareHandler<AppEnv> {
  return async function requireCsrf(c, next) {
    if (c.req.method !== 'POST') return next();
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const sent = body[CSRF_FIELD];
    const expected = csrfToken(c);
    if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) return refuse(c);
    await next();
  };
}

/** Viewers read only: the server refuses their writes, whatever the page shows. */
export function refuseViewerWrites(refuse: (c: Context<AppEnv>) => Response | Promise<Response>): MiddlewareHandler<AppEnv> {
  return async function refuseViewerWrites(c, next) {
    if (c.req.method === 'POST' && c.get('session').role === 'viewer') return refuse(c);
    await next();
  };
}

/** Admin-only pages and actions. */
export function adminOnly(refuse: (c: Context<AppEnv>) => Response | Promise<Response>): MiddlewareHandler<AppEnv> {
  return async function adminOnly(c, next) {
    if (c.get('session').role !== 'admin') return refuse(c);
    await next();
  };
}

/** The viewer's time zone, sent by the layout's one-line script; UTC until it has run once. */
export const TZ_COOKIE = 'lumina_tz';
export function viewerTimeZone(c: Context<AppEnv>): string {
  const tz = getCookie(c, TZ_COOKIE);
  if (!tz || tz.length > 64) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}
