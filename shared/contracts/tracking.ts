import { z } from 'zod';

/**
 * The extension says which of the rep's own emails is on screen, so the opens that view
 * causes (Gmail loads the pixel for the sender too) are not counted as the prospect's.
 * Any one identifier is enough: our email id, Gmail's thread id, or the RFC 822 Message-ID.
 */
export const selfViewRequest = z
  .strictObject({
    emailId: z.uuid().optional(),
    threadId: z.string().trim().min(1).max(200).optional(),
    messageId: z.string().trim().min(3).max(998).optional(),
  })
  .refine((v) => v.emailId || v.threadId || v.messageId, { message: 'one of emailId, threadId or messageId is required' });
export type SelfViewRequest = z.infer<typeof selfViewRequest>;

export const selfViewResponse = z.object({ matched: z.number().int() });

/** Why an open or click was judged a machine's (or `human`). */
export const activityReasonSchema = z.enum([
  'human',
  'self_view',
  'gmail_proxy_prefetch',
  'apple_mpp',
  'scanner_agent',
  'head_request',
  'click_at_delivery',
  'all_links_burst',
  'not_sent',
]);

const headerValue = z.string().max(2000);

/**
 * Light mode (gmail.send only): what the extension sees of an inbound message in the rep's
 * Gmail. The API rebuilds a message from it and runs the same classifier and matching as
 * the sync worker.
 */
export const observedReplyRequest = z.strictObject({
  threadId: z.string().trim().min(1).max(200),
  /** Gmail's message id. */
  messageId: z.string().trim().min(1).max(200),
  /** The RFC 822 Message-ID header, when the extension can read it. */
  rfc822MessageId: z.string().trim().min(3).max(998).optional(),
  from: z.string().trim().min(3).max(998),
  to: z.string().max(2000).optional(),
  subject: z.string().max(998).optional(),
  date: z.iso.datetime({ offset: true }),
  inReplyTo: z.string().max(998).optional(),
  references: z.string().max(8000).optional(),
  /** Other headers the extension read (Auto-Submitted, X-Autoreply, Precedence, Content-Type…). */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), headerValue).refine((h) => Object.keys(h).length <= 50, 'at most 50 headers').optional(),
  /** The visible text (or Gmail's snippet). */
  snippet: z.string().max(20_000).optional(),
});
export type ObservedReplyRequest = z.infer<typeof observedReplyRequest>;

export const observedReplyResponse = z.object({
  status: z.enum(['recorded', 'duplicate', 'own_message', 'unmatched', 'ignored']),
  kind: z.enum(['reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe_request', 'other']).optional(),
  emailId: z.string().optional(),
  resumeAt: z.string().optional(),
});
