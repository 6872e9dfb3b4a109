import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { ApiError } from '../lib/api-error';
import { NUL_MESSAGE } from '../../../shared/contracts/strings';

/**
 * The contract's NUL rule for the parts of a request no schema reads: the path (ids read
 * straight from `c.req.param`) and every query parameter. Bodies are checked where they are
 * validated (middleware/validate.ts); header values cannot carry a NUL in HTTP at all.
 */
export function refuseNul(): MiddlewareHandler<AppEnv> {
  return async function refuseNul(c, next) {
    const url = c.req.url;
    if (url.includes('%00') || url.includes('\0')) {
      const { pathname, searchParams } = new URL(url);
      const where = safeDecode(pathname).includes('\0') ? 'path' : [...searchParams.keys()].find((k) => `${k}=${searchParams.getAll(k).join()}`.includes('\0')) ?? 'query';
      throw new ApiError('VALIDATION_ERROR', `Invalid request: ${where.replace(/\0/g, '\\0')} ${NUL_MESSAGE}`, [{ path: where.replace(/\0/g, '\\0'), message: NUL_MESSAGE }]);
    }
    await next();
  };
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
