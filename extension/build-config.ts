/**
 * Build-time settings of the extension, read from the environment by vite.config.ts and
 * manifest.config.ts (never at run time: the extension has no process.env).
 */

/**
 * Chrome wants 1–4 dot-separated integers (0–65535, no leading zeros): "0.1.0-beta.2" →
 * "0.1.0.2". Build metadata ("+sha.5") is dropped; `version_name` keeps the full string.
 */
export function chromeVersion(semver: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(semver.trim());
  if (!match) throw new Error(`package.json version "${semver}" is not semver`);
  const build = match[4]?.match(/\d+/)?.[0];
  const parts = [match[1], match[2], match[3], build].filter((p): p is string => p !== undefined).map(Number);
  if (parts.some((n) => n > 65535)) throw new Error(`version "${semver}": Chrome allows at most 65535 in each part`);
  return parts.join('.');
}

/** The API the extension talks to until the rep changes it on the options page. */
export function defaultApiUrl(env: Record<string, string | undefined>): string {
  return new URL(env.LUMINA_API_URL ?? 'http://127.0.0.1:8787').origin;
}

/**
 * Host permission for the configured API origin. Chrome match patterns carry no port, so
 * `http://127.0.0.1/*` covers the API on any port of that host — a self-hoster (or a test)
 * can move the port on the options page without rebuilding.
 */
export function apiHostPermission(apiUrl: string): string {
  const url = new URL(apiUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/**
 * InboxSDK app id (free to register at https://www.inboxsdk.com/register). Without one the
 * SDK still loads, under an "invalid appId" warning bar — fine for development and tests.
 */
export const UNREGISTERED_APP_ID = 'sdk_lumina_unregistered';

export function inboxSdkAppId(env: Record<string, string | undefined>): string {
  return env.INBOXSDK_APP_ID || UNREGISTERED_APP_ID;
}
