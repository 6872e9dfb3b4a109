import type { Deps } from '../context';
import type { Config } from '../env';
import type { Db } from '../../../db/client';
import type { QueuePort } from './queue';
import { createBullQueue } from './bullmq';
import { createInlineQueue } from './inline';
import { registerSendWorker } from './send.worker';
import { startSweeper } from './sweeper';
import { registerSequenceWorker } from './sequence.worker';
import { registerLeadResumeWorker } from '../modules/replies/resume.worker';
import { registerWebhookWorker } from '../modules/webhooks/deliver';
import { registerInboxSync } from './inbox-sync.worker';
import { registerEventWriter } from '../modules/tracking/recorder';

/** REDIS_URL → BullMQ; otherwise the inline driver on the database. */
export function openQueue(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, db: Db, onError?: (err: Error) => void): QueuePort {
  return config.redisUrl ? createBullQueue(config.redisUrl, { prefix: config.redisPrefix, onError }) : createInlineQueue(db);
}

/**
 * Every worker of the product, registered on the queue port. Domains add theirs here;
 * each is a function of the deps so tests can run them against their own database.
 */
export const workerRegistry: Array<(deps: Deps) => void | (() => Promise<void>)> = [
  (deps) => registerSendWorker(deps),
  (deps) => startSweeper(deps),
  (deps) => registerSequenceWorker(deps),
];

workerRegistry.push((deps) => registerLeadResumeWorker(deps));
workerRegistry.push((deps) => registerWebhookWorker(deps));
workerRegistry.push((deps) => registerInboxSync(deps));
workerRegistry.push((deps) => registerEventWriter(deps));

export function startWorkers(deps: Deps): () => Promise<void> {
  const stops = workerRegistry.map((register) => register(deps)).filter((s): s is () => Promise<void> => typeof s === 'function');
  return async () => {
    await Promise.all(stops.map((s) => s()));
  };
}
