import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../src/context';
import { resolveSession } from '../src/modules/auth/service';

/** The console lives outside /api, so it keeps the session token in its own HttpOnly cookie. */
export const CONSOLE_COOKIE = 'lumina_console';

export function setConsoleCookie(c: Context<AppEnv>, token: string, expiresAt: Date) {
  setCookie(c, CONSOLE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/console',
    secure: c.get('deps').config.publicUrl.startsWith('https:'),
    expires: expiresAt,
  });
}

export function clearConsoleCookie(c: Context<AppEnv>) {
  deleteCookie(c, CONSOLE_COOKIE, { path: '/console' });
}

/**
 * Cookie → session. Anonymous visitors go to the sign-in page. Every role may enter: what
 * each one may see and change is decided per route (guard.ts).
 */
export function consoleSession(): MiddlewareHandler<AppEnv> {
  return async function consoleSession(c, next) {
    const token = getCookie(c, CONSOLE_COOKIE);
    const session = token ? await resolveSession(c.get('deps').db, token) : undefined;
    if (!session) {
      if (token) clearConsoleCookie(c);
      return c.redirect('/console/login', 302);
    }
    c.set('session', session);
    await next();
  };
}
