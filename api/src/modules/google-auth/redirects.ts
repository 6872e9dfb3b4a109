import type { Config } from '../../env';

const EXTENSION_REDIRECT = /^https:\/\/[a-p]{32}\.chromiumapp\.org\//;

/**
 * Where a session token may be handed: pages of our own PUBLIC_URL, URLs under a
 * GOOGLE_OAUTH_REDIRECT_ALLOW prefix (e.g. the store extension's
 * `https://<id>.chromiumapp.org/`), and — in embedded mode only, where extension ids are
 * local unpacked ones — any extension's chromiumapp.org URL. Anything else would turn
 * sign-in into a token leak.
 */
export function isAllowedRedirect(config: Pick<Config, 'publicUrl' | 'embedded' | 'google'>, target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password || (url.protocol !== 'https:' && url.protocol !== 'http:')) return false;
  if (url.origin === new URL(config.publicUrl).origin) return true;
  if (config.google.redirectAllow.some((prefix) => matchesPrefix(url, prefix))) return true;
  return config.embedded && EXTENSION_REDIRECT.test(url.href);
}

function matchesPrefix(url: URL, prefix: string): boolean {
  try {
    const allowed = new URL(prefix);
    return url.origin === allowed.origin && url.pathname.startsWith(allowed.pathname);
  } catch {
    return false;
  }
}
