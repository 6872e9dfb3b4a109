import type { z } from 'zod';
import { errorEnvelopeSchema } from '../../shared/errors';
import type { RuntimeError, RuntimeResult } from '../../shared/messages';

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface ApiRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The zod schema of the success body (from shared/contracts): the client is typed by it. */
  schema: S;
}

/**
 * The extension's door to the API. Never throws: answers a RuntimeResult so every
 * context handles failure the same way. Error codes beyond the HTTP contract:
 * `NETWORK` (API unreachable — retryable), `NOT_AVAILABLE` (no such route on this API
 * yet), `BAD_RESPONSE` (a body that does not match the contract).
 */
export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    async request<S extends z.ZodType>(req: ApiRequest<S>): Promise<RuntimeResult<z.infer<S>>> {
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await doFetch(`${base}${req.path}`, {
          method: req.method ?? 'GET',
          headers,
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (err) {
        return fail({ code: 'NETWORK', message: `Cannot reach the Lumina API at ${base} (${(err as Error).message})` });
      }
      const body = await res.json().catch(() => undefined);
      if (!res.ok) return fail(httpError(res.status, body));
      const parsed = req.schema.safeParse(body);
      if (!parsed.success) return fail({ code: 'BAD_RESPONSE', status: res.status, message: `Unexpected answer from ${req.path}`, details: parsed.error.issues.slice(0, 5) });
      return { ok: true, data: parsed.data };
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function isRetryable(error: RuntimeError): boolean {
  return error.code === 'NETWORK' || error.code === 'RATE_LIMITED' || (error.status !== undefined && error.status >= 500);
}

function httpError(status: number, body: unknown): RuntimeError {
  const envelope = errorEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { code: status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR', status, message: `HTTP ${status}` };
  const { code, message, details } = envelope.data.error;
  // The API's catch-all 404 names the route: that feature is not on this server yet.
  if (status === 404 && message.startsWith('No route for')) return { code: 'NOT_AVAILABLE', status, message: 'Not available yet on this Lumina API' };
  return { code, status, message, ...(details === undefined ? {} : { details }) };
}

function fail(error: RuntimeError): RuntimeResult<never> {
  return { ok: false, error };
}
