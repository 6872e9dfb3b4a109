import type { Config } from '../env';
import type { Db } from '../../../db/client';
import type { QueuePort } from './queue';
import { createBullQueue } from './bullmq';
import { createInlineQueue } from './inline';

/** REDIS_URL → BullMQ; otherwise the inline driver on the database. */
export function openQueue(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, db: Db, onError?: (err: Error) => void): QueuePort {
  return config.redisUrl ? createBullQueue(config.redisUrl, { prefix: config.redisPrefix, onError }) : createInlineQueue(db);
}
