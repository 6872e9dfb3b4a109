import { errorStatus, type ErrorCode } from '../../../shared/errors';

/** The one error type that knows its HTTP answer. Its message is safe to show to the caller. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, readonly details?: unknown, readonly headers?: Record<string, string>) {
    super(message);
    this.status = errorStatus[code];
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);
