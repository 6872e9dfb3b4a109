import { z } from 'zod';

/** What an inbound message is to Lumina; each kind drives a different sequence effect. */
export const inboundKindSchema = z.enum(['reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe_request', 'other']);
export type InboundKind = z.infer<typeof inboundKindSchema>;

export const bounceDetailSchema = z.object({
  /** true: the address will never work (suppress); false: try later. */
  hard: z.boolean(),
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`, when the message carries one. */
  status: z.string().nullable(),
  /** The address that failed, lower-cased, when the message names it. */
  recipient: z.string().nullable(),
  /** A short machine reason, e.g. `user_unknown`, `mailbox_full`. */
  reason: z.string(),
  /** The server's own words, trimmed, for people to read. */
  diagnostic: z.string().nullable(),
});
export type BounceDetail = z.infer<typeof bounceDetailSchema>;

export const inboundClassificationSchema = z.object({
  kind: inboundKindSchema,
  bounce: bounceDetailSchema.optional(),
  /** ISO date-time an out-of-office says the person is back, when it says so. */
  returnDate: z.string().optional(),
});
export type InboundClassification = z.infer<typeof inboundClassificationSchema>;

/**
 * `GET|PATCH /api/replies/settings` (PATCH: admins): how the workspace treats inbound mail.
 * An out-of-office with no return date pauses the sequence for `autoReplyPauseDays`.
 */
export const replySettingsSchema = z.object({ autoReplyPauseDays: z.number().int().min(1).max(90) });
export type ReplySettings = z.infer<typeof replySettingsSchema>;
export const patchReplySettingsRequest = replySettingsSchema.partial().strict().refine((v) => Object.keys(v).length > 0, 'Nothing to change');
