/**
 * Build-time settings of the extension, read from the environment by vite.config.ts and
 * manifest.config.ts (never at run time: the extension has no process.env).
 */

/** Chrome wants 1–4 dot-separated integers: "0.1.0-beta.2" → "0.1.0.2". */
export function chromeVersion(semver: string): string {
  const [core, pre] = semver.split('-');
  const build = pre?.match(/\d+/)?.[0];
  return [core, build].filter(Boolean).join('.');
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
