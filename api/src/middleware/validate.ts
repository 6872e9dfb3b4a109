import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from '../lib/api-error';
import { issueDetail } from './errors';
import { findNul, NUL_MESSAGE } from '../../../shared/contracts/strings';

/**
 * zod validation for a request part that answers the error envelope. Routes read the
 * parsed value with `c.req.valid(target)`. Every string that passes (keys of free-form
 * objects such as `settings` or `customFields` included) is held to the contract's NUL rule.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const part = target === 'json' ? 'body' : target;
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError('VALIDATION_ERROR', `Invalid ${part}`, result.error.issues.map(issueDetail));
    }
    const at = findNul(result.data);
    if (at !== null) throw new ApiError('VALIDATION_ERROR', `Invalid ${part}: ${at || part} ${NUL_MESSAGE}`, [{ path: at, message: NUL_MESSAGE }]);
  });
}
