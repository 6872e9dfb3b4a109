import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';

export const templateCategories = [
  'cold_outreach', 'follow_up', 'meeting', 'referral', 're_engagement', 'event', 'social_proof', 'objection', 'break_up', 'other',
] as const;
export const templateCategorySchema = z.enum(templateCategories);
export type TemplateCategory = z.infer<typeof templateCategorySchema>;

/**
 * Measured from the emails that used the template: sent directly with its `templateId`, or by a
 * campaign step built on it. Opens count people only (no proxies or scanners); rates are of sent.
 */
export const templatePerformanceSchema = z.object({
  /** Emails created from the template (any status). */
  used: z.number(),
  sent: z.number(),
  humanOpens: z.number(),
  replies: z.number(),
  humanOpenRate: z.number(),
  replyRate: z.number(),
});
export type TemplatePerformance = z.infer<typeof templatePerformanceSchema>;

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  bodyHtml: z.string(),
  ownerId: z.string().nullable(),
  category: templateCategorySchema.nullable(),
  /** Set on a template seeded from the built-in library (it stays editable); null on a rep's own. */
  builtinKey: z.string().nullable(),
  /** Starred by the caller. */
  favourite: z.boolean(),
  /** Every variable the subject and body use, in order of first appearance. */
  variables: z.array(z.string()),
  /** Each variable with its fallback (`{{firstName|there}}` → `there`), null when it has none. */
  variableFallbacks: z.array(z.object({ name: z.string(), fallback: z.string().nullable() })),
  /** Same as `performance.used`: how many emails were made from it. */
  usageCount: z.number(),
  performance: templatePerformanceSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Template = z.infer<typeof templateSchema>;

export const createTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  subject: z.string().max(998).default(''),
  bodyHtml: z.string().max(500_000).default(''),
  category: templateCategorySchema.nullable().optional(),
});

export const updateTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  subject: z.string().max(998).optional(),
  bodyHtml: z.string().max(500_000).optional(),
  category: templateCategorySchema.nullable().optional(),
});

const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listTemplatesQuery = pageQuerySchema.extend({
  q: z.string().trim().max(200).optional(),
  category: templateCategorySchema.optional(),
  /** `true`: only the caller's favourites. */
  favourite: queryBool.optional(),
  /** `true`: only the built-in library; `false`: only the workspace's own. */
  builtin: queryBool.optional(),
});

const varValue = z.union([z.string().max(2000), z.number()]);

/** Render with a stored prospect's fields, or with ad-hoc values (both: the values win). */
export const renderTemplateRequest = z.strictObject({
  prospectId: z.uuid().optional(),
  vars: z
    .object({ custom: z.record(z.string(), z.string().max(2000)).optional() })
    .catchall(varValue)
    .optional(),
});
export type RenderTemplateRequest = z.infer<typeof renderTemplateRequest>;

export const renderTemplateResponse = z.object({
  subject: z.string(),
  bodyHtml: z.string(),
  /** Variables with neither a value nor a fallback; they stay as `{{name}}` in the text. */
  missing: z.array(z.string()),
});
export type RenderTemplateResponse = z.infer<typeof renderTemplateResponse>;

export const templateListResponse = paginationSchema(templateSchema);

export const templateIdParam = z.object({ id: z.uuid() });
