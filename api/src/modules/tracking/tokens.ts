import { hmac, safeEqual } from '../../lib/crypto';

/**
 * Tracking tokens: `<payload>.<mac>` in base64url, HMAC-SHA256 under TRACKING_SECRET,
 * truncated to 128 bits (plenty against forgery, short enough for real links).
 * Kinds: o = open pixel, c = click (carries the link index and the target URL, so the
 * redirect can only go where we signed), u = unsubscribe.
 */
export type TrackingToken =
  | { kind: 'o'; emailId: string }
  | { kind: 'c'; emailId: string; linkIndex: number; url: string }
  | { kind: 'u'; emailId: string };

const MAC_BYTES = 16;

export function signToken(secret: string, token: TrackingToken): string {
  const parts = token.kind === 'c' ? [token.kind, compactUuid(token.emailId), String(token.linkIndex), token.url] : [token.kind, compactUuid(token.emailId)];
  const payload = Buffer.from(parts.join('\n'), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** Returns the token's content, or undefined when it is malformed, forged or altered. */
export function verifyToken(secret: string, raw: string): TrackingToken | undefined {
  const dot = raw.lastIndexOf('.');
  if (dot <= 0 || raw.length > 4096) return undefined;
  const payload = raw.slice(0, dot);
  // Bytes against bytes: every open pixel goes through here, so no base64 round trip of our own MAC.
  if (!safeEqual(Buffer.from(raw.slice(dot + 1), 'base64url'), macBytes(secret, payload))) return undefined;
  const [kind, id, index, ...rest] = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
  const emailId = expandUuid(id ?? '');
  if (!emailId) return undefined;
  if (kind === 'o' || kind === 'u') return { kind, emailId };
  if (kind === 'c' && /^\d+$/.test(index ?? '') && rest.length) return { kind, emailId, linkIndex: Number(index), url: rest.join('\n') };
  return undefined;
}

export const openPixelUrl = (publicUrl: string, secret: string, emailId: string) => `${publicUrl}/t/o/${signToken(secret, { kind: 'o', emailId })}`;
export const clickUrl = (publicUrl: string, secret: string, emailId: string, linkIndex: number, url: string) =>
  `${publicUrl}/t/c/${signToken(secret, { kind: 'c', emailId, linkIndex, url })}`;
export const unsubscribeUrl = (publicUrl: string, secret: string, emailId: string) => `${publicUrl}/u/${signToken(secret, { kind: 'u', emailId })}`;

const macBytes = (secret: string, payload: string) => hmac(secret, payload).subarray(0, MAC_BYTES);
const mac = (secret: string, payload: string) => macBytes(secret, payload).toString('base64url');

// 36-char uuids travel as 22 base64url chars.
function compactUuid(uuid: string) {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}

function expandUuid(compact: string) {
  const hex = Buffer.from(compact, 'base64url').toString('hex');
  if (hex.length !== 32) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
