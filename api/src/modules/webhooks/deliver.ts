import { eq } from 'drizzle-orm';
import type { Deps } from '../../context';
import { webhookDeliveries, webhooks } from '../../../../db/schema';
import { hmac } from '../../lib/crypto';
import { PermanentJobError, RetryLaterError, type JobContext } from '../../jobs/queue';
import { WEBHOOK_HEADERS } from '../../../../shared/contracts/webhooks';
import { WEBHOOK_QUEUE } from './publish';
import { BlockedAddressError, postOutbound } from '../../lib/ssrf';

const TIMEOUT_MS = 10_000;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: receivers recompute it to trust the payload. */
export function signDelivery(secret: string, timestamp: string, body: string) {
  return `v1=${hmac(secret, `${timestamp}.${body}`).toString('hex')}`;
}

export function registerWebhookWorker(deps: Deps) {
  deps.queue.process<{ deliveryId: string }>(WEBHOOK_QUEUE, (job) => deliverWebhook(deps, job), { concurrency: 4 });
}

/**
 * One attempt at one delivery. Every attempt is logged on the delivery row; a 2xx is done,
 * 4xx (other than 408/429) will never succeed, anything else retries with backoff.
 */
export async function deliverWebhook(deps: Pick<Deps, 'db' | 'config'>, job: JobContext<{ deliveryId: string }>) {
  const [row] = await deps.db
    .select({ delivery: webhookDeliveries, hook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, job.data.deliveryId));
  if (!row || !row.hook.active || row.delivery.deliveredAt) return;

  const body = JSON.stringify({ id: row.delivery.id, ...row.delivery.payload });
  const timestamp = String(Math.floor(Date.now() / 1000));
  let status: number | null = null;
  let error: string | null = null;
  let retryAfterMs: number | undefined;
  let refused = false;
  try {
    const res = await postOutbound(row.hook.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Lumina-Webhooks/1',
        [WEBHOOK_HEADERS.event]: row.delivery.event,
        [WEBHOOK_HEADERS.delivery]: row.delivery.id,
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.signature]: signDelivery(row.hook.secret, timestamp, body),
      },
      body,
      timeoutMs: TIMEOUT_MS,
      allowPrivate: deps.config.webhookAllowPrivate,
    });
    status = res.status;
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    const retryAfter = Number(res.headers['retry-after']);
    if (res.status === 429 && retryAfter > 0) retryAfterMs = Math.min(retryAfter, 3600) * 1000;
  } catch (err) {
    refused = err instanceof BlockedAddressError;
    // What a failed connection says stays coarse: the deliveries log must not map someone's network.
    error = refused ? 'Refused: the target is a private, loopback or reserved address' : 'Could not connect, or no answer in time';
  }

  await deps.db
    .update(webhookDeliveries)
    .set({ attempts: job.attempt, status, error, ...(error ? {} : { deliveredAt: new Date() }) })
    .where(eq(webhookDeliveries.id, row.delivery.id));
  if (!error) return;
  if (refused) throw new PermanentJobError(error);
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) throw new PermanentJobError(error);
  if (retryAfterMs) throw new RetryLaterError(error, retryAfterMs);
  throw new Error(error);
}
