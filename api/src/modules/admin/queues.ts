import { sql } from 'drizzle-orm';
import type { Deps } from '../../context';
import { queueJobs } from '../../../../db/schema';
import type { QueuesResponse } from '../../../../shared/contracts/admin';
import { SEND_QUEUE } from '../emails/send.worker';
import { SEQUENCE_QUEUE } from '../campaigns/sequence.worker';
import { LEAD_RESUME_QUEUE } from '../replies/effects';
import { WEBHOOK_QUEUE } from '../webhooks/publish';

/**
 * Queues the product runs. The queue port cannot list queues on BullMQ, so names are
 * gathered here (add yours); on the inline driver any other queue found in storage is shown too.
 */
export const KNOWN_QUEUES = [SEND_QUEUE, SEQUENCE_QUEUE, LEAD_RESUME_QUEUE, WEBHOOK_QUEUE];

export async function queueHealth(deps: Pick<Deps, 'queue' | 'db'>): Promise<QueuesResponse> {
  const names = new Set<string>(KNOWN_QUEUES);
  if (deps.queue.driver === 'inline') {
    const rows = await deps.db.selectDistinct({ queue: queueJobs.queue }).from(queueJobs).orderBy(sql`1`);
    for (const r of rows) names.add(r.queue);
  }
  const queues = await Promise.all(
    [...names].map(async (name) => {
      try {
        return { name, counts: await deps.queue.counts(name) };
      } catch (err) {
        return { name, counts: null, error: (err as Error).message };
      }
    }),
  );
  return { driver: deps.queue.driver, queues };
}
