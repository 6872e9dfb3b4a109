import { isInvalidGrantError, isRateLimitError, isTransientGmailError, retryAfterMs } from '../../gmail/errors';

/**
 * What a failed Gmail call means for a send (the predicates in gmail/errors.ts name the failure):
 * - rate_limited: Gmail refused before taking the message (429, 403 rate-limit reasons)
 * - transient: 5xx, timeouts, network errors — the message may or may not have been taken
 * - invalid_grant: the mailbox's Google grant is revoked
 * - permanent: any other refusal (bad message, missing thread, no permission)
 */
export interface GmailFailure {
  kind: 'rate_limited' | 'transient' | 'invalid_grant' | 'permanent';
  message: string;
  retryAfterMs?: number;
}

export function classifyGmailError(err: unknown): GmailFailure {
  const message = describe(err);
  if (isInvalidGrantError(err)) return { kind: 'invalid_grant', message };
  if (isRateLimitError(err)) return { kind: 'rate_limited', message, retryAfterMs: retryAfterMs(err) };
  if (isTransientGmailError(err) || !hasStatus(err)) return { kind: 'transient', message }; // no answer at all: outcome unknown
  return { kind: 'permanent', message };
}

function hasStatus(err: unknown): boolean {
  const e = err as { status?: unknown; response?: { status?: unknown } } | null;
  return typeof (e?.response?.status ?? e?.status) === 'number';
}

function describe(err: unknown): string {
  const e = err as { message?: string; name?: string; response?: { status?: number } } | null;
  const status = e?.response?.status;
  const text = e?.message ?? String(err);
  return (status ? `HTTP ${status}: ${text}` : `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${text}`).slice(0, 500);
}
