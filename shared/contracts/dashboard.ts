import { z } from 'zod';
import { eventTypeSchema } from './events';

const ianaZone = z.string().min(1).max(64).regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$|^UTC$/, 'an IANA time zone such as Europe/Paris');

/** Whose figures: the caller's own sends (`me`) or the whole workspace's. */
export const scopeSchema = z.enum(['me', 'workspace']).default('workspace');
export type Scope = z.infer<typeof scopeSchema>;
export const momentumQuery = z.object({ scope: scopeSchema });

export const statsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  scope: scopeSchema,
  campaignId: z.uuid().optional(),
});

export const timelineDaysQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  tz: ianaZone.default('UTC'),
  scope: scopeSchema,
});

export const sendTimesQuery = z.object({
  days: z.coerce.number().int().min(7).max(365).default(90),
  tz: ianaZone.default('UTC'),
});

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  days: z.coerce.number().int().min(1).max(365).default(90),
});

/** Counts from events: `opens` counts every fetch, `humanOpens` only those judged human (same for clicks). */
export const figuresSchema = z.object({
  sent: z.number(),
  opens: z.number(),
  humanOpens: z.number(),
  openedEmails: z.number(),
  clicks: z.number(),
  humanClicks: z.number(),
  clickedEmails: z.number(),
  replies: z.number(),
  repliedEmails: z.number(),
  autoReplies: z.number(),
  bounces: z.number(),
  unsubscribes: z.number(),
  complaints: z.number(),
  /** Share of sent emails with a human open / a reply / a bounce (0..1). */
  openRate: z.number(),
  replyRate: z.number(),
  bounceRate: z.number(),
});
export type Figures = z.infer<typeof figuresSchema>;

export const statsResponse = z.object({ since: z.string(), until: z.string(), figures: figuresSchema });

export const timelinePointSchema = z.object({
  day: z.string(),
  sent: z.number(),
  opens: z.number(),
  humanOpens: z.number(),
  clicks: z.number(),
  humanClicks: z.number(),
  replies: z.number(),
  bounces: z.number(),
});
export const timelineResponse = z.object({ tz: z.string(), days: z.array(timelinePointSchema) });

export const momentumResponse = z.object({
  current: figuresSchema,
  previous: figuresSchema,
  /** Relative change of each headline figure, current vs previous week (null when the previous was 0). */
  change: z.record(z.string(), z.number().nullable()),
  /** People engaging now without having replied: who to follow up with first. */
  hotLeads: z.array(
    z.object({
      emailId: z.string(),
      to: z.string(),
      subject: z.string(),
      humanOpens: z.number(),
      humanClicks: z.number(),
      lastActivityAt: z.string(),
    }),
  ),
});

export const campaignFiguresSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  leads: z.record(z.string(), z.number()),
  figures: figuresSchema,
});

export const templateFiguresSchema = z.object({ id: z.string(), name: z.string(), figures: figuresSchema });

export const sendTimeSlotSchema = z.object({
  /** ISO weekday, 1 = Monday. */
  weekday: z.number(),
  hour: z.number(),
  sent: z.number(),
  opened: z.number(),
  replied: z.number(),
  openRate: z.number(),
  replyRate: z.number(),
});
export const sendTimesResponse = z.object({
  tz: z.string(),
  slots: z.array(sendTimeSlotSchema),
  /** The best slots by reply rate, then open rate, among those with enough sends to judge. */
  best: z.array(sendTimeSlotSchema),
});

export const exportQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  type: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const parts = v.split(',');
      const ok = parts.every((p) => eventTypeSchema.safeParse(p).success);
      if (!ok) ctx.addIssue({ code: 'custom', message: `type must be a comma list of ${eventTypeSchema.options.join(', ')}` });
      return parts as z.infer<typeof eventTypeSchema>[];
    }),
  machine: z.enum(['true', 'false']).optional(),
  campaignId: z.uuid().optional(),
  emailId: z.uuid().optional(),
});
