import type { MiddlewareHandler } from 'hono';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppEnv } from '../../context';
import { ApiError } from '../../lib/api-error';
import { aiFor } from '../../ai/ai-runtime';

/** Per-user AI budget (AI_RATE_LIMIT_PER_MIN): over it, 429 RATE_LIMITED with Retry-After. */
export function aiRateLimit(): MiddlewareHandler<AppEnv> {
  return async function aiRateLimit(c, next) {
    const { limiter } = aiFor(c.get('deps'));
    try {
      await limiter.consume(c.get('session').userId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new ApiError('RATE_LIMITED', `Too many AI requests; try again in ${seconds}s.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
    }
    await next();
  };
}
