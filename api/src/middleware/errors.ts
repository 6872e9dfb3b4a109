import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../lib/api-error';
import type { ErrorCode } from '../../../shared/errors';
import type { AppEnv } from '../context';

/** Builds the error envelope of the HTTP contract. */
export function errorResponse(c: Context<AppEnv>, code: ErrorCode | string, status: number, message: string, details?: unknown) {
  return c.json(
    {
      error: {
        code,
        message,
        ...(details === undefined ? {} : { details }),
        timestamp: new Date().toISOString(),
        request_id: c.get('requestId') ?? '',
      },
    },
    status as ContentfulStatusCode,
  );
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) {
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return errorResponse(c, err.code, err.status, err.message, err.details);
  }
  if (err instanceof ZodError) {
    return errorResponse(c, 'VALIDATION_ERROR', 400, 'Invalid request', err.issues.map(issueDetail));
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : status < 500 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR';
    return errorResponse(c, code, status, err.message || 'Request rejected');
  }
  c.get('deps')?.logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
  return errorResponse(c, 'INTERNAL_ERROR', 500, 'Something went wrong on our side; the request id helps us find it.');
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, 'NOT_FOUND', 404, `No route for ${c.req.method} ${c.req.path}`);

export function issueDetail(issue: { path: PropertyKey[]; message: string; code?: string }) {
  return { path: issue.path.map(String).join('.'), message: issue.message };
}
