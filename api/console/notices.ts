import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../src/context';

/**
 * What the console tells a person after an action, in one place. A result travels to the
 * next page in a short-lived HttpOnly cookie (never in the URL, so a crafted link cannot
 * put words on the page); `?error=` in a URL is shown only when it is one of the codes below.
 */
const FLASH_COOKIE = 'lumina_flash';

export type Notice = { kind: 'ok' | 'error'; text: string };

export const KNOWN_ERRORS: Record<string, string> = {
  FORBIDDEN: 'You do not have permission to do that.',
  CSRF: 'This form had expired. Please try again.',
  NOT_FOUND: 'That item no longer exists.',
  READ_ONLY: 'Viewers can read but not change anything. Ask an admin for the member role.',
};

/** The text of a `?error=` code, or nothing for anything unknown. */
export const knownError = (code: string | undefined): Notice | undefined =>
  code && Object.hasOwn(KNOWN_ERRORS, code) ? { kind: 'error', text: KNOWN_ERRORS[code]! } : undefined;

export function setFlash(c: Context<AppEnv>, notice: Notice) {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify({ k: notice.kind, t: notice.text.slice(0, 500) })), {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/console',
    maxAge: 60,
    secure: c.get('deps').config.publicUrl.startsWith('https:'),
  });
}

/** Reads and clears the flash: it shows once. */
export function takeFlash(c: Context<AppEnv>): Notice | undefined {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: '/console' });
  try {
    const { k, t } = JSON.parse(decodeURIComponent(raw)) as { k: string; t: string };
    return typeof t === 'string' ? { kind: k === 'error' ? 'error' : 'ok', text: t } : undefined;
  } catch {
    return undefined; // a mangled cookie is no message
  }
}

/** After an action: go back with a result to show. */
export function redirectWith(c: Context<AppEnv>, to: string, notice: Notice) {
  setFlash(c, notice);
  return c.redirect(to, 303);
}
