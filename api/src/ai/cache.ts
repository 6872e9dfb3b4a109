import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';

/** Where suggestions are kept by input hash: Redis when configured (shared by every API process), else in memory. */
export interface AiCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export function createMemoryCache(options: { ttlS: number; max?: number }): AiCache {
  const lru = new LRUCache<string, string>({ max: options.max ?? 2_000, ttl: options.ttlS * 1000 });
  return {
    async get(key) {
      return lru.get(key);
    },
    async set(key, value) {
      lru.set(key, value);
    },
  };
}

/** A cache miss on a Redis hiccup is fine: the caller asks the provider instead of failing. */
export function createRedisCache(redis: Redis, options: { ttlS: number; prefix?: string; onError?: (err: unknown) => void }): AiCache {
  const prefix = options.prefix ?? 'lumina:ai:';
  return {
    async get(key) {
      try {
        return (await redis.get(prefix + key)) ?? undefined;
      } catch (err) {
        options.onError?.(err);
        return undefined;
      }
    },
    async set(key, value) {
      try {
        await redis.set(prefix + key, value, 'EX', options.ttlS);
      } catch (err) {
        options.onError?.(err);
      }
    },
  };
}
