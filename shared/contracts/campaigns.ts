import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';

/** `completed`: no lead has anything left. `archived`: read-only, kept for its figures. */
export const campaignStatusSchema = z.enum(['draft', 'active', 'paused', 'completed', 'archived']);
export const leadStatusSchema = z.enum(['pending', 'active', 'paused', 'replied', 'referred', 'bounced', 'unsubscribed', 'failed', 'completed', 'stopped']);

export const delayUnitSchema = z.enum(['minutes', 'hours', 'days', 'business_days']);
export type DelayUnit = z.infer<typeof delayUnitSchema>;
/** At most a year, in each unit. */
export const MAX_DELAY: Record<DelayUnit, number> = { minutes: 525_600, hours: 8_760, days: 365, business_days: 261 };

/** Read when the step falls due, on human events only (a scanner's open or click is not one). */
export const stepConditionSchema = z.enum(['always', 'no_reply', 'opened', 'not_opened', 'clicked', 'not_clicked']);
export type StepCondition = z.infer<typeof stepConditionSchema>;

export const variantInput = z.strictObject({
  /** Kept across edits so figures stay with it; given by the server when left out. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  subject: z.string().max(998).default(''),
  bodyHtml: z.string().max(500_000).default(''),
  weight: z.number().int().min(1).max(99),
});

/**
 * One step of a sequence: its own subject and body, or a template's, or 2–5 A/B variants.
 * The delay counts from the previous step's send (from launch for the first); business days
 * are the mailbox's sending days minus the campaign's holidays. A follow-up goes into the
 * previous email's thread (`Re:` subject, In-Reply-To/References) unless `sameThread` is false.
 * `delayDays` is the older spelling of `{ delay, delayUnit: 'days' }`.
 */
export const stepInput = z
  .strictObject({
    /** An existing step's id, when editing: the step is kept (or versioned) instead of added. */
    id: z.uuid().optional(),
    position: z.number().int().min(0).max(1000).optional(),
    delay: z.number().int().min(0).optional(),
    delayUnit: delayUnitSchema.default('days'),
    delayDays: z.number().int().min(0).max(365).optional(),
    condition: stepConditionSchema.default('always'),
    subject: z.string().max(998).default(''),
    bodyHtml: z.string().max(500_000).default(''),
    templateId: z.uuid().nullable().optional(),
    sameThread: z.boolean().default(true),
    variants: z.array(variantInput).min(2).max(5).optional(),
    /** A/B: after this many sends of every variant, a significant winner (replies, then human opens) goes to the rest. */
    winnerAfter: z.number().int().min(30).max(100_000).nullable().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.winnerAfter != null && !s.variants) ctx.addIssue({ code: 'custom', path: ['winnerAfter'], message: 'winnerAfter needs A/B variants' });
    if (s.delay !== undefined && s.delay > MAX_DELAY[s.delayUnit]) {
      ctx.addIssue({ code: 'custom', path: ['delay'], message: `at most ${MAX_DELAY[s.delayUnit]} ${s.delayUnit.replace('_', ' ')}` });
    }
    if (s.delay !== undefined && s.delayDays !== undefined) ctx.addIssue({ code: 'custom', path: ['delayDays'], message: 'give delay (with delayUnit) or delayDays, not both' });
    if (s.variants) {
      const sum = s.variants.reduce((a, v) => a + v.weight, 0);
      if (sum !== 100) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant weights must sum to 100 (they sum to ${sum})` });
      s.variants.forEach((v, i) => {
        if (!v.bodyHtml.trim() && !s.bodyHtml.trim() && !s.templateId) ctx.addIssue({ code: 'custom', path: ['variants', i, 'bodyHtml'], message: 'a variant needs a bodyHtml (or the step one)' });
      });
      const ids = s.variants.map((v) => v.id).filter(Boolean);
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant ids must be unique' });
    } else if (!s.templateId && !s.bodyHtml.trim()) {
      ctx.addIssue({ code: 'custom', path: ['bodyHtml'], message: 'a step needs a bodyHtml or a templateId' });
    }
  })
  .transform(({ delayDays, ...s }) => ({ ...s, delay: s.delay ?? delayDays ?? 0, delayUnit: s.delay === undefined && delayDays !== undefined ? ('days' as const) : s.delayUnit }));
export type StepInput = z.infer<typeof stepInput>;

const stepsInput = z
  .array(stepInput)
  .max(20)
  .refine((steps) => new Set(steps.map((s, i) => s.position ?? i)).size === steps.length, { message: 'step positions must be unique' })
  .refine((steps) => steps.length === 0 || firstHasSubject(orderSteps(steps)[0]!), {
    message: 'the first step needs a subject (or a template)',
  });

function firstHasSubject(s: { templateId?: string | null; subject: string; variants?: Array<{ subject: string }> }) {
  return Boolean(s.templateId || s.subject.trim() || (s.variants && s.variants.every((v) => v.subject.trim())));
}

/** Dates (YYYY-MM-DD) no business-day delay counts, in the recipient's (or mailbox's) calendar. */
export const holidaysSchema = z.array(z.iso.date()).max(400);

export const createCampaignRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  mailboxId: z.uuid().nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  holidays: holidaysSchema.optional(),
  /** A reply, unsubscribe, complaint or hard bounce from one person stops their colleagues (same company domain, never a free-mail one). Off by default. */
  stopCompanyDomain: z.boolean().optional(),
  steps: stepsInput.default([]),
});
export type CreateCampaignRequest = z.infer<typeof createCampaignRequest>;

/**
 * `steps`, when given, is the new sequence. In a draft it replaces the old one. In a running or
 * paused campaign it versions it: a step named by `id` and unchanged stays; a changed one is
 * retired (kept for its figures) and its new version takes its place; a step left out is
 * retired and the leads waiting on it move to the next one; leads keep what they got.
 */
export const updateCampaignRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  mailboxId: z.uuid().nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  holidays: holidaysSchema.optional(),
  stopCompanyDomain: z.boolean().optional(),
  steps: stepsInput.optional(),
});
export type UpdateCampaignRequest = z.infer<typeof updateCampaignRequest>;

export const variantSchema = z.object({ id: z.string(), subject: z.string(), bodyHtml: z.string(), weight: z.number() });

export const stepSchema = z.object({
  id: z.string(),
  position: z.number(),
  delay: z.number(),
  delayUnit: delayUnitSchema,
  /** The delay in whole days when its unit is days, else 0 (older clients read this). */
  delayDays: z.number(),
  condition: stepConditionSchema,
  variants: z.array(variantSchema),
  subject: z.string(),
  bodyHtml: z.string(),
  templateId: z.string().nullable(),
  sameThread: z.boolean(),
  winnerAfter: z.number().nullable(),
});

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: campaignStatusSchema,
  mailboxId: z.string().nullable(),
  ownerId: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  steps: z.array(stepSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Campaign = z.infer<typeof campaignSchema>;
export const campaignListResponse = paginationSchema(campaignSchema);
export const listCampaignsQuery = pageQuerySchema.extend({ status: campaignStatusSchema.optional() });
export const campaignIdParam = z.object({ id: z.uuid() });

export const addLeadsRequest = z.strictObject({ prospectIds: z.array(z.uuid()).min(1).max(1000) });
export const addLeadsResponse = z.object({
  added: z.number(),
  /** Already leads of this campaign: a prospect is in a campaign at most once. */
  duplicates: z.array(z.string()),
  /** On the suppression list: never added, never sent to. */
  suppressed: z.array(z.object({ prospectId: z.string(), email: z.string() })),
  /** Not prospects of this workspace. */
  notFound: z.array(z.string()),
});
export type AddLeadsResponse = z.infer<typeof addLeadsResponse>;

export const leadSchema = z.object({
  id: z.string(),
  prospectId: z.string(),
  email: z.string(),
  status: leadStatusSchema,
  /** Position of the next step to send (= steps done, sent or skipped). */
  currentStep: z.number(),
  nextDueAt: z.string().nullable(),
  pausedUntil: z.string().nullable(),
  /** Why the lead last changed state, in plain words (null when nothing happened yet). */
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;

/** `GET /api/campaigns/:id/leads/:leadId`: the lead and what happened at each of its steps. */
export const leadDetailSchema = leadSchema.extend({
  history: z.array(
    z.object({
      stepId: z.string().nullable(),
      position: z.number(),
      outcome: z.enum(['sent', 'skipped']),
      reason: z.string().nullable(),
      emailId: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export type LeadDetail = z.infer<typeof leadDetailSchema>;
export const leadListResponse = paginationSchema(leadSchema);
/** `prospectId`: the one lead a prospect is in this campaign (the tracking sidebar's question). */
export const listLeadsQuery = pageQuerySchema.extend({ status: leadStatusSchema.optional(), prospectId: z.uuid().optional() });

/**
 * `POST /api/campaigns/:id/leads/:leadId/pause|resume` (no body): one lead's sequence, not
 * the whole campaign; `DELETE …/leads/:leadId` takes the lead out (stopped, kept for the
 * figures). Each answers the lead (`leadSchema`).
 */
export const campaignLeadParam = z.object({ id: z.uuid(), leadId: z.uuid() });

const rates = z.object({ open: z.number(), click: z.number(), reply: z.number(), bounce: z.number() });

export const variantStatsSchema = z.object({
  id: z.string(),
  weight: z.number(),
  sent: z.number(),
  /** People, not scanners: machine opens and clicks are left out. */
  opened: z.number(),
  clicked: z.number(),
  replied: z.number(),
  bounced: z.number(),
  rates,
});

/**
 * The A/B verdict of a step: a two-proportion z-test between the best and the runner-up, on
 * replies first, then on human opens. A winner is named only at p < 0.05 with at least 30
 * sends per variant; the counts and p-value behind the answer are always shown.
 */
export const abTestSchema = z.object({
  winner: z.string().nullable(),
  metric: z.enum(['reply', 'open']).nullable(),
  pValue: z.number().nullable(),
  /** The two variants compared and their counts on the metric tested. */
  compared: z.array(z.object({ id: z.string(), sent: z.number(), hits: z.number() })),
  reason: z.string(),
});

export const campaignStatsSchema = z.object({
  leads: z.record(leadStatusSchema, z.number()).and(z.object({ total: z.number() })),
  emails: z.object({ queued: z.number(), sent: z.number(), failed: z.number() }),
  /** Distinct emails with at least one such event; machine opens (proxies, scanners) are left out. */
  events: z.object({ opened: z.number(), clicked: z.number(), replied: z.number(), bounced: z.number(), unsubscribed: z.number() }),
  rates: z.object({ open: z.number(), reply: z.number() }),
  /** Number of live steps in the sequence. */
  stepCount: z.number(),
  /** Per sequence step (each version of it), for the emails the scheduler sent (read from each email's step link). */
  steps: z.array(
    z.object({
      stepId: z.string(),
      position: z.number(),
      /** Replaced or removed by an edit; kept for what was sent. */
      retired: z.boolean(),
      sent: z.number(),
      opened: z.number(),
      clicked: z.number(),
      replied: z.number(),
      bounced: z.number(),
      /** Leads for whom the step's condition was false. */
      skipped: z.number(),
      variants: z.array(variantStatsSchema),
      abTest: abTestSchema.nullable(),
      /** The step's "send the winner to the rest after N sends per variant" (null: off, every lead keeps the weighted split). */
      winnerAfter: z.number().nullable(),
      /**
       * The variant every further lead now gets: set once each variant has winnerAfter sends and
       * the test on those first sends names a winner; null while the split still runs.
       */
      winnerToRest: z.string().nullable(),
      /**
       * The test behind winnerToRest, on each variant's first winnerAfter sends only (the same
       * cohort the scheduler reads): the counts and p-value to show beside the choice; null when off.
       */
      winnerTest: abTestSchema.nullable(),
    }),
  ),
});
export type CampaignStats = z.infer<typeof campaignStatsSchema>;

/** Steps in sending order: by explicit position, else by their place in the array. */
export function orderSteps<T extends { position?: number }>(steps: T[]): T[] {
  return steps.map((s, i) => ({ s, key: s.position ?? i })).sort((a, b) => a.key - b.key).map((x) => x.s);
}

/** A problem with the campaign's sending mailbox's domain (SPF, DKIM, DMARC) or with the sender itself. */
export const senderWarningSchema = z.object({ check: z.enum(['spf', 'dkim', 'dmarc', 'sender']), mailbox: z.string(), message: z.string() });

/** A lead still to be mailed whose address would be skipped (suppressed, a domain that takes no mail) or is worth a look (role, disposable, unverified). */
export const recipientProblemSchema = z.object({
  leadId: z.string(),
  prospectId: z.string(),
  email: z.string(),
  /** false: the send worker will skip this address with the reason, never send to it. */
  sendable: z.boolean(),
  flags: z.array(z.enum(['suppressed', 'undeliverable', 'role', 'disposable', 'unverified'])),
  message: z.string(),
});

/**
 * `GET /api/campaigns/:id/launch-check`: what launching (or resuming) would say, without doing it.
 * `blockers` refuse the launch; `warnings` and `recipients` are shown, never refuse.
 */
export const launchCheckResponse = z.object({
  campaignId: z.string(),
  status: campaignStatusSchema,
  /** true when the launch (draft) or resume (paused) would go ahead. */
  ready: z.boolean(),
  blockers: z.array(z.object({ code: z.enum(['status', 'no_steps', 'postal_address']), message: z.string() })),
  warnings: z.array(senderWarningSchema),
  recipients: z.object({
    /** Leads still to be mailed (pending, active or paused) whose address was checked. */
    checked: z.number(),
    /** Of those, how many would be skipped. */
    unsendable: z.number(),
    /** The first problems (at most 200): unsendable ones first, then by address. */
    problems: z.array(recipientProblemSchema),
  }),
});
export type LaunchCheck = z.infer<typeof launchCheckResponse>;
