import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export const sha256 = (input: string | Buffer) => createHash('sha256').update(input).digest('hex');

/** A 256-bit random token, base64url. */
export const randomToken = () => randomBytes(32).toString('base64url');

export function hmac(secret: string | Buffer, data: string): Buffer {
  return createHmac('sha256', typeof secret === 'string' ? keyOf(secret) : secret).update(data).digest();
}

// Secrets from config are few and long-lived; every tracking hit checks one, so its key is
// imported once rather than on each call.
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 16) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * AES-256-GCM with the key id stored beside the ciphertext (`v1.<keyId>.<iv>.<tag>.<data>`),
 * so keys can rotate: decrypt picks the key by id, encrypt always uses the current one.
 */
export interface Keyring {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

export function keyringFrom(key: Buffer, older: Buffer[] = []): Keyring {
  const entry = (k: Buffer) => ({ id: sha256(k).slice(0, 8), key: k });
  const current = entry(key);
  return { current, byId: new Map([current, ...older.map(entry)].map((e) => [e.id, e.key])) };
}

export function encrypt(ring: Keyring, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ring.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function decrypt(ring: Keyring, sealed: string): string {
  const [version, keyId, iv, tag, data] = sealed.split('.');
  const key = ring.byId.get(keyId ?? '');
  if (version !== 'v1' || !key || !iv || !tag || data === undefined) throw new Error('cannot decrypt: unknown format or key');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
