import { randomBytes } from 'node:crypto';
import type { Config } from '../../env';
import { hmac, safeEqual } from '../../lib/crypto';

/** What travels through Google inside `state`: signed, so the callback can trust it. */
export interface OAuthState {
  /** The scopes asked for. */
  mode: 'light' | 'full';
  /** The caller named the mode (an admin's choice sets the workspace's); otherwise the workspace's mode rules. */
  chosen?: boolean;
  /** This consent is the second one, asking for the full workspace's gmail.readonly: never a third. */
  upgrade?: boolean;
  redirect?: string;
  /** ms since epoch. */
  expiresAt: number;
}

const TTL_MS = 10 * 60 * 1000;

export function signState(config: Pick<Config, 'encryptionKey'>, state: Omit<OAuthState, 'expiresAt'>, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...state, expiresAt: now + TTL_MS, nonce: randomBytes(9).toString('base64url') })).toString('base64url');
  return `${payload}.${mac(config, payload)}`;
}

/** The state's content, or undefined when forged, altered, malformed or expired. */
export function verifyState(config: Pick<Config, 'encryptionKey'>, raw: string, now = Date.now()): OAuthState | undefined {
  const [payload, given, extra] = raw.split('.');
  if (!payload || !given || extra !== undefined) return undefined;
  if (!safeEqual(Buffer.from(given, 'base64url'), Buffer.from(mac(config, payload), 'base64url'))) return undefined;
  try {
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OAuthState;
    if (typeof state.expiresAt !== 'number' || state.expiresAt < now) return undefined;
    if (state.mode !== 'light' && state.mode !== 'full') return undefined;
    return state;
  } catch {
    return undefined;
  }
}

// A key of its own, derived from ENCRYPTION_KEY, so a state MAC can never double as another token's.
function mac(config: Pick<Config, 'encryptionKey'>, payload: string) {
  return hmac(hmac(config.encryptionKey, 'lumina:google-oauth-state'), payload).toString('base64url');
}
