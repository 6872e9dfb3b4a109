import { z } from 'zod';

/**
 * `email.auto_replied` carries the out-of-office label and return date, `email.complained` a
 * spam complaint; replies carry their meaning and referred person, bounces their reason (the
 * `data` of each is `inboundEventDataSchema` in ./replies).
 */
export const webhookEventSchema = z.enum(['email.sent', 'email.opened', 'email.clicked', 'email.replied', 'email.bounced', 'email.unsubscribed', 'email.auto_replied', 'email.complained']);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048);

export const createWebhookRequest = z.strictObject({
  url: webhookUrl,
  events: z.array(webhookEventSchema).min(1).max(8),
  active: z.boolean().optional(),
});
export type CreateWebhookRequest = z.infer<typeof createWebhookRequest>;

export const updateWebhookRequest = z.strictObject({
  url: webhookUrl.optional(),
  events: z.array(webhookEventSchema).min(1).max(8).optional(),
  active: z.boolean().optional(),
});

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventSchema),
  active: z.boolean(),
  createdAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

/** Only the creation answer carries the signing secret; it is never shown again. */
export const createdWebhookSchema = webhookSchema.extend({ secret: z.string() });

export const webhookDeliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  payload: z.record(z.string(), z.unknown()),
  status: z.number().nullable(),
  attempts: z.number(),
  error: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export const webhookIdParam = z.object({ id: z.uuid() });

/** Header names of a delivery; the signature is `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const WEBHOOK_HEADERS = {
  event: 'x-lumina-event',
  delivery: 'x-lumina-delivery',
  timestamp: 'x-lumina-timestamp',
  signature: 'x-lumina-signature',
} as const;
