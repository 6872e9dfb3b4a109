import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  bodyHtml: z.string(),
  ownerId: z.string().nullable(),
  /** Every variable the subject and body use, in order of first appearance. */
  variables: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Template = z.infer<typeof templateSchema>;

export const createTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  subject: z.string().max(998).default(''),
  bodyHtml: z.string().max(500_000).default(''),
});

export const updateTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  subject: z.string().max(998).optional(),
  bodyHtml: z.string().max(500_000).optional(),
});

export const listTemplatesQuery = pageQuerySchema.extend({ q: z.string().trim().max(200).optional() });

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
