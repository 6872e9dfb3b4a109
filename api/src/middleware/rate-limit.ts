import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppEnv, Deps } from '../context';
import { ApiError } from '../lib/api-error';
import { clientAddress } from '../lib/client-ip';

/**
 * Per-IP limits on the doors an attacker hammers: sign-in (sandbox login, Google start and
 * callback, the console's sign-in forms) and bearer tokens that resolve to no session.
 * `rate-limiter-flexible` on Redis when REDIS_URL is set (the limit holds across API
 * processes; a memory limiter stands in while Redis is down), in memory otherwise.
 * Over the limit: 429 RATE_LIMITED with Retry-After.
 */
export type LimitKind = 'auth' | 'badToken';

export function rateLimitSignIn(): MiddlewareHandler<AppEnv> {
  return async function rateLimitSignIn(c, next) {
    await consume(c, 'auth', 'Too many sign-in attempts from this address');
    await next();
  };
}

/** Called when a presented token resolves to nothing: counts it, 429 once over the limit. */
export async function countBadToken(c: Context<AppEnv>): Promise<void> {
  await consume(c, 'badToken', 'Too many requests with an invalid token from this address');
}

/** Refuses at once (no database lookup) an address already over its bad-token limit. */
export async function refuseIfBadTokenLimited(c: Context<AppEnv>): Promise<void> {
  const limiter = limitersFor(c.get('deps')).badToken;
  const state = await limiter.get(keyOf(c)).catch(() => null);
  if (state && state.consumedPoints > limiter.points) throw limited('Too many requests with an invalid token from this address', state.msBeforeNext);
}

/**
 * A limiter keyed by something other than the client's address (an account, an e-mail
 * address), on the same store as the sign-in limits: Redis when REDIS_URL is set, so every API
 * process counts together; process memory on the embedded default (one process holds PGlite).
 * The first call with a name fixes its settings.
 */
export function namedLimiter(deps: Pick<Deps, 'config' | 'logger'>, name: string, o: { points: number; duration: number; blockDuration?: number }): RateLimiterAbstract {
  const l = limitersFor(deps);
  let limiter = l.named.get(name);
  if (!limiter) l.named.set(name, (limiter = l.make(name, o)));
  return limiter;
}

/** Closes the Redis connection the limiters opened, if any. */
export async function closeRateLimits(deps: Deps): Promise<void> {
  const l = limiters.get(deps);
  limiters.delete(deps);
  await l?.redis?.quit().catch(() => l.redis?.disconnect());
}

async function consume(c: Context<AppEnv>, kind: LimitKind, message: string) {
  try {
    await limitersFor(c.get('deps'))[kind].consume(keyOf(c));
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    throw limited(message, err.msBeforeNext);
  }
}

function limited(message: string, msBeforeNext: number) {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ApiError('RATE_LIMITED', `${message}; try again in ${seconds}s.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
}

function keyOf(c: Context<AppEnv>): string {
  let socket: string | null = null;
  try {
    socket = getConnInfo(c).remote.address ?? null;
  } catch {
    // app.request (tests, in-process callers): no socket
  }
  return clientAddress(c.req.header('x-forwarded-for'), socket, c.get('deps').config.trustProxyHops) ?? 'local';
}

interface Limiters {
  auth: RateLimiterAbstract;
  badToken: RateLimiterAbstract;
  redis: Redis | null;
  /** Limiters other modules asked for by name (the password lockout, reset mails), on the same store. */
  named: Map<string, RateLimiterAbstract>;
  make(keyPrefix: string, o: { points: number; duration: number; blockDuration?: number }): RateLimiterAbstract;
}
const limiters = new WeakMap<object, Limiters>();

function limitersFor(deps: Pick<Deps, 'config' | 'logger'>): Limiters {
  let l = limiters.get(deps);
  if (l) return l;
  const { redisUrl, redisPrefix, rateLimits } = deps.config;
  // Commands wait in ioredis' offline queue while the first connection is made: refusing them
  // (enableOfflineQueue: false) sent a new process's first sign-ins to the memory limiter and
  // split the count between two stores. With Redis down, a command fails after one retry and
  // the memory limiter stands in.
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : null;
  redis?.on('error', (err) => deps.logger.warn({ err }, 'rate-limit redis error; memory limits stand in'));
  const make = (keyPrefix: string, o: { points: number; duration: number; blockDuration?: number }) => {
    const memory = new RateLimiterMemory({ keyPrefix, ...o });
    return redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${redisPrefix}:rl:${keyPrefix}`, ...o, insuranceLimiter: memory }) : memory;
  };
  l = { auth: make('auth', { points: rateLimits.authPerMin, duration: 60 }), badToken: make('bad-token', { points: rateLimits.badTokenPerMin, duration: 60 }), redis, named: new Map(), make };
  limiters.set(deps, l);
  return l;
}
