import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';

export const campaignStatusSchema = z.enum(['draft', 'active', 'paused', 'completed']);
export const leadStatusSchema = z.enum(['pending', 'active', 'paused', 'replied', 'bounced', 'unsubscribed', 'completed', 'stopped']);

/**
 * One step of a sequence: its own subject and body, or a template's. `delayDays` counts
 * from the previous step's send (from launch for the first). A follow-up with no subject
 * goes out as `Re: <first subject>` in the first email's thread.
 */
export const stepInput = z
  .strictObject({
    position: z.number().int().min(0).max(1000).optional(),
    delayDays: z.number().int().min(0).max(365).default(0),
    subject: z.string().max(998).default(''),
    bodyHtml: z.string().max(500_000).default(''),
    templateId: z.uuid().nullable().optional(),
    sameThread: z.boolean().default(true),
  })
  .refine((s) => s.templateId || s.bodyHtml.trim(), { message: 'a step needs a bodyHtml or a templateId', path: ['bodyHtml'] });
export type StepInput = z.infer<typeof stepInput>;

const stepsInput = z
  .array(stepInput)
  .max(20)
  .refine((steps) => new Set(steps.map((s, i) => s.position ?? i)).size === steps.length, { message: 'step positions must be unique' })
  .refine((steps) => steps.length === 0 || orderSteps(steps)[0]!.templateId || orderSteps(steps)[0]!.subject.trim(), {
    message: 'the first step needs a subject (or a template)',
  });

export const createCampaignRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  mailboxId: z.uuid().nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  steps: stepsInput.default([]),
});
export type CreateCampaignRequest = z.infer<typeof createCampaignRequest>;

/** `steps`, when given, replaces the whole sequence (only while the campaign is not running). */
export const updateCampaignRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  mailboxId: z.uuid().nullable().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  steps: stepsInput.optional(),
});
export type UpdateCampaignRequest = z.infer<typeof updateCampaignRequest>;

export const stepSchema = z.object({
  id: z.string(),
  position: z.number(),
  delayDays: z.number(),
  subject: z.string(),
  bodyHtml: z.string(),
  templateId: z.string().nullable(),
  sameThread: z.boolean(),
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
  currentStep: z.number(),
  nextDueAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;
export const leadListResponse = paginationSchema(leadSchema);
/** `prospectId`: the one lead a prospect is in this campaign (the tracking sidebar's question). */
export const listLeadsQuery = pageQuerySchema.extend({ status: leadStatusSchema.optional(), prospectId: z.uuid().optional() });

/**
 * `POST /api/campaigns/:id/leads/:leadId/pause|resume` (no body): one lead's sequence, not
 * the whole campaign. Answers the lead (`leadSchema`).
 */
export const campaignLeadParam = z.object({ id: z.uuid(), leadId: z.uuid() });

export const campaignStatsSchema = z.object({
  leads: z.record(leadStatusSchema, z.number()).and(z.object({ total: z.number() })),
  emails: z.object({ queued: z.number(), sent: z.number(), failed: z.number() }),
  /** Distinct emails with at least one such event; machine opens (proxies, scanners) are left out. */
  events: z.object({ opened: z.number(), clicked: z.number(), replied: z.number(), bounced: z.number(), unsubscribed: z.number() }),
  rates: z.object({ open: z.number(), reply: z.number() }),
  /** Per sequence step (position), for the emails the scheduler sent. */
  steps: z.array(z.object({ position: z.number(), sent: z.number(), opened: z.number(), replied: z.number() })),
});
export type CampaignStats = z.infer<typeof campaignStatsSchema>;

/** Steps in sending order: by explicit position, else by their place in the array. */
export function orderSteps<T extends { position?: number }>(steps: T[]): T[] {
  return steps.map((s, i) => ({ s, key: s.position ?? i })).sort((a, b) => a.key - b.key).map((x) => x.s);
}
