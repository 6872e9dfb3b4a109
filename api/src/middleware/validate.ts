import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from '../lib/api-error';
import { issueDetail } from './errors';

/**
 * zod validation for a request part that answers the error envelope. Routes read the
 * parsed value with `c.req.valid(target)`.
 */
export function validate<T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError('VALIDATION_ERROR', `Invalid ${target === 'json' ? 'body' : target}`, result.error.issues.map(issueDetail));
    }
  });
}
