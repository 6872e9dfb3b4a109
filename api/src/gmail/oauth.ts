// google-auth-library directly, not through the `googleapis` index (which loads every Google API).
import { OAuth2Client, type Credentials } from 'google-auth-library';
import type { Config } from '../env';
import { decrypt, encrypt, keyringFrom } from '../lib/crypto';

/** Scopes per workspace mode: light needs no yearly security audit; full adds server-side reply sync. */
export const GMAIL_SCOPES = {
  light: ['https://www.googleapis.com/auth/gmail.send', 'openid', 'email', 'profile'],
  full: ['https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly', 'openid', 'email', 'profile'],
} as const;

/** The client id the sandbox uses against the built-in emulator (which accepts any client when unconfigured). */
export const SANDBOX_CLIENT = { clientId: 'lumina-sandbox', clientSecret: 'lumina-sandbox' } as const;

export interface GoogleEndpoints {
  /** googleapis `rootUrl` for the Gmail API. */
  apiRoot: string;
  /** googleapis `rootUrl` for the OAuth2 userinfo API. */
  userinfoRoot: string;
  tokenUrl: string;
  authUrl: string;
  revokeUrl: string;
}

/** Google's endpoints, or all of them under GOOGLE_API_ROOT (the emulator in tests and sandbox mode). */
export function googleEndpoints(config: Pick<Config, 'google'>): GoogleEndpoints {
  const root = config.google.apiRoot?.replace(/\/+$/, '');
  if (!root) {
    return { apiRoot: 'https://gmail.googleapis.com/', userinfoRoot: 'https://www.googleapis.com/', tokenUrl: 'https://oauth2.googleapis.com/token', authUrl: 'https://accounts.google.com/o/oauth2/v2/auth', revokeUrl: 'https://oauth2.googleapis.com/revoke' };
  }
  return { apiRoot: `${root}/`, userinfoRoot: `${root}/`, tokenUrl: `${root}/token`, authUrl: `${root}/o/oauth2/v2/auth`, revokeUrl: `${root}/revoke` };
}

export interface OAuthClientOptions {
  redirectUri?: string;
  /** Applies to the token endpoint too, so a hung token call fails instead of waiting forever. */
  timeoutMs?: number;
}

/** googleapis' OAuth2 client bound to our endpoints; refreshes and retries once after a 401. */
export function createOAuthClient(config: Pick<Config, 'google'>, options: OAuthClientOptions = {}): OAuth2Client {
  const endpoints = googleEndpoints(config);
  return new OAuth2Client({
    clientId: config.google.clientId ?? SANDBOX_CLIENT.clientId,
    clientSecret: config.google.clientSecret ?? SANDBOX_CLIENT.clientSecret,
    redirectUri: options.redirectUri,
    endpoints: { oauth2TokenUrl: endpoints.tokenUrl, oauth2AuthBaseUrl: endpoints.authUrl },
    forceRefreshOnFailure: true,
    ...(options.timeoutMs ? { transporterOptions: { timeout: options.timeoutMs } } : {}),
  });
}

/** The mailbox columns that hold tokens, AES-256-GCM sealed under ENCRYPTION_KEY. */
export interface SealedTokens {
  accessTokenEnc?: string | null;
  refreshTokenEnc?: string | null;
  tokenExpiresAt?: Date | null;
}

/** Seals what Google handed back; fields it did not send are left out (a refresh keeps the old refresh token). */
export function sealTokens(config: Pick<Config, 'encryptionKey'>, tokens: Credentials): SealedTokens {
  const ring = keyringFrom(config.encryptionKey);
  return {
    ...(tokens.access_token ? { accessTokenEnc: encrypt(ring, tokens.access_token) } : {}),
    ...(tokens.refresh_token ? { refreshTokenEnc: encrypt(ring, tokens.refresh_token) } : {}),
    ...(tokens.expiry_date ? { tokenExpiresAt: new Date(tokens.expiry_date) } : {}),
  };
}

/** Is anything in this row sealed under a key other than the current one (a key being rotated out)? */
export function sealedUnderOlderKey(config: Pick<Config, 'encryptionKey'>, sealed: SealedTokens): boolean {
  const current = keyringFrom(config.encryptionKey).current.id;
  return [sealed.accessTokenEnc, sealed.refreshTokenEnc].some((v) => v && v.split('.')[1] !== current);
}

/** Opens tokens sealed under the current key or one being rotated out (a refresh re-seals under the current one). */
export function openTokens(config: Pick<Config, 'encryptionKey' | 'previousEncryptionKeys'>, sealed: SealedTokens): Credentials {
  const ring = keyringFrom(config.encryptionKey, config.previousEncryptionKeys);
  return {
    access_token: sealed.accessTokenEnc ? decrypt(ring, sealed.accessTokenEnc) : undefined,
    refresh_token: sealed.refreshTokenEnc ? decrypt(ring, sealed.refreshTokenEnc) : undefined,
    expiry_date: sealed.tokenExpiresAt ? sealed.tokenExpiresAt.getTime() : undefined,
  };
}

/**
 * Revokes a mailbox's grant at Google (the refresh token, else the access token): true when
 * Google confirmed it. Best effort — a token Google already forgot, or Google being down,
 * must not stop a member being removed; the sealed tokens are deleted either way.
 */
export async function revokeGoogleGrant(config: Pick<Config, 'google' | 'encryptionKey' | 'previousEncryptionKeys'>, sealed: SealedTokens, timeoutMs = 5000): Promise<boolean> {
  let token: string | undefined;
  try {
    const open = openTokens(config, sealed);
    token = open.refresh_token ?? open.access_token ?? undefined;
  } catch {
    return false; // sealed under a key we no longer hold
  }
  if (!token) return false;
  try {
    const res = await fetch(googleEndpoints(config).revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}
