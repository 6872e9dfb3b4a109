import { z } from 'zod';
import { activityReasonSchema } from './tracking';

export const eventTypeSchema = z.enum(['sent', 'open', 'click', 'reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe']);
export type EventType = z.infer<typeof eventTypeSchema>;

/** One row of an email's timeline (what the tracking sidebar shows). */
export const emailEventSchema = z.object({
  id: z.number(),
  type: eventTypeSchema,
  machine: z.boolean(),
  /** For opens and clicks, why it was judged human or machine; for bounces `hard` | `soft`. */
  reason: z.union([activityReasonSchema, z.string()]).nullable(),
  linkIndex: z.number().nullable(),
  url: z.string().nullable(),
  userAgent: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
});
export type EmailEvent = z.infer<typeof emailEventSchema>;

/** Figures of one email, derived from its events: raw and human side by side. */
export const emailFiguresSchema = z.object({
  opens: z.number(),
  humanOpens: z.number(),
  clicks: z.number(),
  humanClicks: z.number(),
  firstHumanOpenAt: z.string().nullable(),
  lastHumanActivityAt: z.string().nullable(),
  replied: z.boolean(),
  bounced: z.boolean(),
  unsubscribed: z.boolean(),
});

export const emailTimelineResponse = z.object({
  data: z.array(emailEventSchema),
  pagination: z.object({ page: z.number(), limit: z.number(), total: z.number(), totalPages: z.number() }),
  figures: emailFiguresSchema,
});
export type EmailTimelineResponse = z.infer<typeof emailTimelineResponse>;

export const timelineQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  /** `true` hides machine opens and clicks. */
  humanOnly: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});
