import { and, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../context';
import { webhookDeliveries, webhooks } from '../../../../db/schema';
import type { WebhookEvent } from '../../../../shared/contracts/webhooks';

export const WEBHOOK_QUEUE = 'webhooks';
/** 1 s, 2 s, 4 s … about eight and a half minutes of retries before a delivery is given up. */
export const WEBHOOK_RETRY = { attempts: 10, backoffMs: 1000 };

export interface PublishableEvent {
  id?: number;
  workspaceId: string;
  emailId: string;
  type: string;
  machine?: boolean;
  reason?: string | null;
  linkIndex?: number | null;
  url?: string | null;
  occurredAt?: Date;
  data?: Record<string, unknown>;
}

const NAMES: Record<string, WebhookEvent> = {
  sent: 'email.sent',
  open: 'email.opened',
  click: 'email.clicked',
  reply: 'email.replied',
  bounce: 'email.bounced',
  unsubscribe: 'email.unsubscribed',
  auto_reply: 'email.auto_replied',
  complaint: 'email.complained',
};

/**
 * Fans recorded events out to the workspace's webhooks: one logged delivery row and one
 * queued job per (event, hook). Machine opens and clicks are not announced — a receiver
 * wants what people did. Never throws into the caller: a webhook problem is not the pixel's.
 */
export function publishEvents(deps: Pick<Deps, 'db' | 'queue' | 'logger'>, events: PublishableEvent[]) {
  const announced = events.filter((e) => NAMES[e.type] && !((e.type === 'open' || e.type === 'click') && e.machine));
  if (!announced.length) return;
  void fanOut(deps, announced).catch((err) => deps.logger.error({ err }, 'webhook fan-out failed'));
}

async function fanOut(deps: Pick<Deps, 'db' | 'queue'>, events: PublishableEvent[]) {
  const workspaceIds = [...new Set(events.map((e) => e.workspaceId))];
  const hooks = await deps.db.select().from(webhooks).where(and(inArray(webhooks.workspaceId, workspaceIds), eq(webhooks.active, true)));
  if (!hooks.length) return;
  const rows = events.flatMap((e) => {
    const name = NAMES[e.type]!;
    return hooks
      .filter((h) => h.workspaceId === e.workspaceId && h.events.includes(name))
      .map((h) => ({ webhookId: h.id, event: name, payload: payloadOf(name, e) }));
  });
  if (!rows.length) return;
  const inserted = await deps.db.insert(webhookDeliveries).values(rows).returning({ id: webhookDeliveries.id });
  for (const { id } of inserted) {
    await deps.queue.enqueue(WEBHOOK_QUEUE, 'deliver', { deliveryId: id }, { jobId: id, ...WEBHOOK_RETRY });
  }
}

function payloadOf(name: WebhookEvent, e: PublishableEvent): Record<string, unknown> {
  return {
    event: name,
    occurredAt: (e.occurredAt ?? new Date()).toISOString(),
    emailId: e.emailId,
    ...(e.id !== undefined ? { eventId: e.id } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.linkIndex != null ? { linkIndex: e.linkIndex, url: e.url } : {}),
    ...(e.data && Object.keys(e.data).length ? { data: e.data } : {}),
  };
}
