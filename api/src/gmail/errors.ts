/**
 * Predicates that name Gmail and Google OAuth failures, so callers decide retry or give up
 * without reading status codes. They accept anything thrown (GaxiosError, network errors,
 * our own MailboxUnavailableError).
 */

/** The mailbox cannot send until someone signs in again (or an admin re-enables it). */
export class MailboxUnavailableError extends Error {
  override name = 'MailboxUnavailableError';
  constructor(
    readonly mailboxId: string,
    readonly status: 'needs_reauth' | 'disabled',
    options?: { cause?: unknown },
  ) {
    super(status === 'needs_reauth' ? `Mailbox ${mailboxId} needs to be reconnected: Google refused its grant (invalid_grant)` : `Mailbox ${mailboxId} is disabled`, options);
  }
}

/** Google refused the refresh token: revoked, expired, or the password changed. */
export function isInvalidGrantError(err: unknown): boolean {
  if (err instanceof MailboxUnavailableError) return err.status === 'needs_reauth';
  const data = responseOf(err)?.data as { error?: unknown } | undefined;
  if (data?.error === 'invalid_grant') return true;
  return err instanceof Error && /\binvalid_grant\b/.test(err.message);
}

/** 429, or 403 with a rate-limit reason: Google asks us to slow down. */
export function isRateLimitError(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 429) return true;
  return status === 403 && RATE_LIMIT_REASONS.has(reasonOf(err) ?? '');
}

/** How long Google asked us to wait (Retry-After, seconds or HTTP date), in ms; undefined when it did not say. */
export function retryAfterMs(err: unknown): number | undefined {
  if (!isRateLimitError(err)) return undefined;
  const value = headerOf(err, 'retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Worth retrying later: rate limits, 5xx, timeouts, dropped or refused connections. */
export function isTransientGmailError(err: unknown): boolean {
  if (err instanceof MailboxUnavailableError) return false;
  const status = statusOf(err);
  if (status !== undefined) return status === 408 || status >= 500 || isRateLimitError(err);
  return isTimeoutError(err) || isConnectionError(err);
}

/** Retrying cannot help: a refused grant, a bad request, a missing thread, no permission. */
export function isPermanentGmailError(err: unknown): boolean {
  if (err instanceof MailboxUnavailableError || isInvalidGrantError(err)) return true;
  const status = statusOf(err);
  return status !== undefined && status >= 400 && status < 500 && !isTransientGmailError(err);
}

/** Our request timeout fired (the server never answered in time). */
export function isTimeoutError(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

function isConnectionError(err: unknown): boolean {
  return CONNECTION_CODES.has(codeOf(err) ?? '') || /fetch failed|socket hang up|other side closed/i.test(err instanceof Error ? err.message : '');
}

interface ResponseLike {
  status?: number;
  data?: unknown;
  headers?: Headers | Record<string, string | string[] | undefined>;
}

function responseOf(err: unknown): ResponseLike | undefined {
  return typeof err === 'object' && err !== null && 'response' in err ? ((err as { response?: ResponseLike }).response ?? undefined) : undefined;
}

function statusOf(err: unknown): number | undefined {
  const status = responseOf(err)?.status ?? (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function reasonOf(err: unknown): string | undefined {
  const data = responseOf(err)?.data as { error?: { errors?: Array<{ reason?: string }>; status?: string } } | undefined;
  return data?.error?.errors?.[0]?.reason;
}

function headerOf(err: unknown, name: string): string | undefined {
  const headers = responseOf(err)?.headers;
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The error's own code, or its cause's (fetch wraps the socket error one level down). */
function codeOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    // fetch reports our timeout signal as a TimeoutError, or as an AbortError once gaxios combines signals.
    const name = (e as { name?: unknown }).name;
    const code = (e as { code?: unknown }).code ?? (name === 'TimeoutError' || name === 'AbortError' ? 'TimeoutError' : undefined);
    if (typeof code === 'string') return code;
  }
  return undefined;
}
