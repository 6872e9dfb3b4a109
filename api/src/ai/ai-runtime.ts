import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Deps } from '../context';
import type { AiTask } from '../env';
import { CircuitBreaker } from './breaker';
import { createMemoryCache, createRedisCache, type AiCache } from './cache';

/** Everything the AI functions share in one process: the client, the cache, the breaker, the limiter. */
export interface AiRuntime {
  /** null when no provider is configured (AI writing is off; the heuristic score still works). */
  client: OpenAI | null;
  modelFor(task: AiTask): string;
  timeoutMs: number;
  maxInputChars: number;
  cache: AiCache;
  breaker: CircuitBreaker;
  limiter: RateLimiterAbstract;
  logger: Deps['logger'];
  close(): Promise<void>;
}

/** What the AI needs from the app's deps: its configuration and somewhere to log. */
export type AiDeps = Pick<Deps, 'config' | 'logger'>;

const runtimes = new WeakMap<AiDeps, AiRuntime>();

/**
 * The AI runtime of these deps, created on first use. Kept beside the deps rather than in
 * them so the AI stays an optional part of the app: nothing is opened until a route needs it.
 */
export function aiFor(deps: AiDeps): AiRuntime {
  let rt = runtimes.get(deps);
  if (!rt) {
    rt = createAiRuntime(deps);
    runtimes.set(deps, rt);
  }
  return rt;
}

/** Closes what `aiFor` opened (the Redis connection), if anything. */
export async function closeAi(deps: AiDeps): Promise<void> {
  const rt = runtimes.get(deps);
  runtimes.delete(deps);
  await rt?.close();
}

function createAiRuntime(deps: AiDeps): AiRuntime {
  const { ai, redisUrl } = deps.config;
  const client =
    ai.baseUrl && ai.model
      ? new OpenAI({
          baseURL: ai.baseUrl,
          // Local servers (Ollama, vLLM) need no key, but the SDK insists on one.
          apiKey: ai.apiKey ?? 'none',
          timeout: ai.timeoutMs,
          // Retries are ours: once on a malformed answer, never blindly on a timeout.
          maxRetries: 0,
        })
      : null;
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  redis?.on('error', (err) => deps.logger.warn({ err }, 'ai redis error'));
  const onError = (err: unknown) => deps.logger.warn({ err }, 'ai cache unavailable; asking the provider');
  const points = ai.rateLimitPerMin;
  const memoryLimiter = new RateLimiterMemory({ keyPrefix: 'ai', points, duration: 60 });
  return {
    client,
    modelFor: (task) => ai.modelOverrides[task] ?? ai.model ?? 'none',
    timeoutMs: ai.timeoutMs,
    maxInputChars: ai.maxInputChars,
    cache: redis ? createRedisCache(redis, { ttlS: ai.cacheTtlS, onError }) : createMemoryCache({ ttlS: ai.cacheTtlS }),
    breaker: new CircuitBreaker({ threshold: ai.breakerThreshold, cooldownMs: ai.breakerCooldownMs }),
    // With Redis the limit holds across every API process; if Redis is down the memory limiter stands in.
    limiter: redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: 'lumina:rl:ai', points, duration: 60, insuranceLimiter: memoryLimiter })
      : memoryLimiter,
    logger: deps.logger,
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
