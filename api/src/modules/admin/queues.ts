import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../../context';
import { campaignLeads, emails, queueJobs, sendJobs, webhookDeliveries, webhooks } from '../../../../db/schema';
import type { SessionInfo } from '../../context';
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

/**
 * Queue health for one viewer. The queues are shared by every workspace of the instance, so
 * instance-wide counts are for its operators (OPERATOR_EMAILS); a workspace admin sees the
 * same queues counted over their own workspace's rows.
 */
export async function queueHealth(deps: Pick<Deps, 'queue' | 'db' | 'config'>, viewer: Pick<SessionInfo, 'workspaceId' | 'email'>): Promise<QueuesResponse> {
  if (deps.config.operatorEmails.includes(viewer.email.toLowerCase())) return instanceQueueHealth(deps);
  return { driver: deps.queue.driver, scope: 'workspace', queues: await workspaceCounts(deps.db, viewer.workspaceId) };
}

async function instanceQueueHealth(deps: Pick<Deps, 'queue' | 'db'>): Promise<QueuesResponse> {
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
  return { driver: deps.queue.driver, scope: 'instance', queues };
}

async function workspaceCounts(db: Deps['db'], workspaceId: string): Promise<QueuesResponse['queues']> {
  const n = (cond: ReturnType<typeof sql>) => sql<number>`count(*) filter (where ${cond})`.mapWith(Number);
  const [send] = await db
    .select({
      waiting: n(sql`${sendJobs.state} = 'queued' and ${sendJobs.dueAt} <= now()`),
      delayed: n(sql`${sendJobs.state} = 'queued' and ${sendJobs.dueAt} > now()`),
      active: n(sql`${sendJobs.state} = 'claimed'`),
      completed: n(sql`${sendJobs.state} = 'done'`),
      failed: n(sql`${sendJobs.state} = 'failed'`),
    })
    .from(sendJobs)
    .innerJoin(emails, eq(emails.id, sendJobs.emailId))
    .where(eq(emails.workspaceId, workspaceId));
  const [sequence] = await db
    .select({
      waiting: n(sql`${campaignLeads.status} = 'active' and ${campaignLeads.nextDueAt} <= now()`),
      delayed: n(sql`${campaignLeads.status} = 'active' and ${campaignLeads.nextDueAt} > now()`),
      active: sql<number>`0`.mapWith(Number),
      completed: n(sql`${campaignLeads.status} = 'completed'`),
      failed: sql<number>`0`.mapWith(Number),
    })
    .from(campaignLeads)
    .where(eq(campaignLeads.workspaceId, workspaceId));
  const [hooks] = await db
    .select({
      waiting: n(sql`${webhookDeliveries.deliveredAt} is null and ${webhookDeliveries.attempts} = 0`),
      delayed: n(sql`${webhookDeliveries.deliveredAt} is null and ${webhookDeliveries.attempts} > 0 and ${webhookDeliveries.error} is not null`),
      active: sql<number>`0`.mapWith(Number),
      completed: n(sql`${webhookDeliveries.deliveredAt} is not null`),
      failed: sql<number>`0`.mapWith(Number),
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, and(eq(webhooks.id, webhookDeliveries.webhookId), eq(webhooks.workspaceId, workspaceId)));
  return [
    { name: SEND_QUEUE, counts: send! },
    { name: SEQUENCE_QUEUE, counts: sequence! },
    { name: WEBHOOK_QUEUE, counts: hooks! },
  ];
}
