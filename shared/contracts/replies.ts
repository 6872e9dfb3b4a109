import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';
import { scopeSchema } from './dashboard';

/** What an inbound message is to Lumina; each kind drives a different sequence effect. */
export const inboundKindSchema = z.enum(['reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe_request', 'other']);
export type InboundKind = z.infer<typeof inboundKindSchema>;

/**
 * Why a delivery failed, in Sisimai's reason vocabulary (libsisimai.org, "Bounce reasons"),
 * so our figures compare with the analyser the industry measures against. `ratelimited`
 * is Sisimai 5's later name for `speeding`; `vacation`, `delivered` and `feedback` are not
 * failures and never come with a bounce.
 */
export const bounceReasons = [
  'userunknown', 'hostunknown', 'hasmoved', 'mailboxfull', 'filtered', 'rejected', 'blocked', 'spamdetected', 'securityerror',
  'suspend', 'expired', 'norelaying', 'toomanyconn', 'ratelimited', 'policyviolation', 'contenterror', 'mesgtoobig',
  'systemerror', 'systemfull', 'networkerror', 'notaccept', 'mailererror', 'exceedlimit', 'syntaxerror', 'onhold',
  'vacation', 'delivered', 'feedback', 'undefined',
  // Sisimai 5 split these out of blocked / securityerror / contenterror.
  'authfailure', 'badreputation', 'requireptr', 'notcompliantrfc', 'virusdetected', 'failedstarttls', 'suppressed',
] as const;
export const bounceReasonSchema = z.enum(bounceReasons);
export type BounceReason = z.infer<typeof bounceReasonSchema>;

export const bounceDetailSchema = z.object({
  /**
   * true: the address will never work (suppress); false: try later. Derived from `reason`
   * alone (see `isHardBounce`): userunknown, hostunknown and hasmoved are hard, notaccept is
   * hard unless its code is temporary (4xx), every other reason is soft.
   */
  hard: z.boolean(),
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`, when the message carries one. */
  status: z.string().nullable(),
  /** The address that failed, lower-cased, when the message names it. */
  recipient: z.string().nullable(),
  /** Sisimai's reason, e.g. `userunknown`, `mailboxfull`, `filtered`. */
  reason: bounceReasonSchema,
  /** The server's own words, trimmed, for people to read. */
  diagnostic: z.string().nullable(),
});
export type BounceDetail = z.infer<typeof bounceDetailSchema>;

/** What a reply asks the rep to do (added beside `kind`, which older callers read). */
export const replyMeanings = ['interested', 'not_now', 'objection', 'referral', 'unsubscribe_request', 'out_of_office', 'auto_reply', 'bounce', 'complaint', 'other'] as const;
export const replyMeaningSchema = z.enum(replyMeanings);
export type ReplyMeaning = z.infer<typeof replyMeaningSchema>;

export const inboundClassificationSchema = z.object({
  kind: inboundKindSchema,
  meaning: replyMeaningSchema.optional(),
  /** referral: the person the reply points to, when named. */
  referral: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  /** not_now: the day they asked to be contacted again (YYYY-MM-DD), when given. */
  followUpDate: z.string().optional(),
  bounce: bounceDetailSchema.optional(),
  /** ISO date-time an out-of-office says the person is back, when it says so. */
  returnDate: z.string().optional(),
});
export type InboundClassification = z.infer<typeof inboundClassificationSchema>;

/**
 * The `data` of an event an inbound message recorded (reply, auto_reply, bounce, complaint,
 * unsubscribe), as the timeline API and webhooks carry it: where the message came from, and
 * what the classifier read — the label a rep acts on (`meaning`), the referred person, the
 * follow-up day a "not now" asked for, the out-of-office return date, the bounce's reason.
 */
export const inboundEventDataSchema = z.object({
  inboundMessageId: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  threadId: z.string().nullable(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  snippet: z.string().nullable(),
  classified: inboundKindSchema,
  meaning: replyMeaningSchema.optional(),
  referral: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  followUpDate: z.string().optional(),
  returnDate: z.string().optional(),
  bounce: bounceDetailSchema.optional(),
});
export type InboundEventData = z.infer<typeof inboundEventDataSchema>;

/**
 * `GET|PATCH /api/replies/settings` (PATCH: admins): how the workspace treats inbound mail.
 * An out-of-office with no return date pauses the sequence for `autoReplyPauseDays`.
 */
export const replySettingsSchema = z.object({ autoReplyPauseDays: z.number().int().min(1).max(90) });
export type ReplySettings = z.infer<typeof replySettingsSchema>;
export const patchReplySettingsRequest = replySettingsSchema.partial().strict().refine((v) => Object.keys(v).length > 0, 'Nothing to change');

/**
 * `GET /api/replies`: inbound mail that answered Lumina mail, newest first. Members and viewers
 * see replies to their own sends; admins the workspace's, or only their own with `scope=me`.
 */
export const listRepliesQuery = pageQuerySchema.extend({
  scope: scopeSchema,
  meaning: replyMeaningSchema.optional(),
  campaignId: z.uuid().optional(),
});
export type ListRepliesQuery = z.infer<typeof listRepliesQuery>;

export const replyItemSchema = z.object({
  id: z.number().int(),
  receivedAt: z.string(),
  /** What the message asks the rep to do; older rows without a stored meaning read from their kind. */
  meaning: replyMeaningSchema,
  from: z.string().nullable(),
  subject: z.string().nullable(),
  snippet: z.string().nullable(),
  returnDate: z.string().nullable(),
  referral: z.object({ name: z.string().optional(), email: z.string().optional() }).nullable(),
  bounceReason: bounceReasonSchema.nullable(),
  /** The email it answered. */
  email: z.object({ id: z.string(), to: z.string(), subject: z.string(), threadId: z.string().nullable() }),
  campaign: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The campaign lead's state after the reply (e.g. `replied`, `paused`), when the email was a sequence step. */
  leadStatus: z.string().nullable(),
});
export type ReplyItem = z.infer<typeof replyItemSchema>;
export const replyListResponse = paginationSchema(replyItemSchema);
