import { z } from 'zod';
import { pageQuerySchema, paginationSchema } from '../errors';
import { timeZoneSchema } from './mailboxes';

const optionalText = z.string().trim().max(200).nullable().optional();

/** Keys of custom fields are template-variable friendly (`{{custom.deal_size}}`). */
export const customFieldsSchema = z.record(z.string().regex(/^\w{1,64}$/, 'letters, digits and _ only'), z.string().max(2000));

export const prospectSchema = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  title: z.string().nullable(),
  /** IANA zone of the recipient; sequences send inside the window in this zone when set. */
  timeZone: z.string().nullable(),
  customFields: z.record(z.string(), z.string()),
  ownerId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Prospect = z.infer<typeof prospectSchema>;

export const createProspectRequest = z.strictObject({
  email: z.email().max(320).transform((e) => e.trim().toLowerCase()),
  firstName: optionalText,
  lastName: optionalText,
  company: optionalText,
  title: optionalText,
  /** IANA zone such as America/New_York; null clears it. */
  timeZone: timeZoneSchema.nullable().optional(),
  customFields: customFieldsSchema.optional(),
});
export type CreateProspectRequest = z.infer<typeof createProspectRequest>;

/** PATCH semantics: only the fields given change; `customFields` replaces the whole map. */
export const updateProspectRequest = createProspectRequest.partial();
export type UpdateProspectRequest = z.infer<typeof updateProspectRequest>;

export const listProspectsQuery = pageQuerySchema.extend({
  /** Case-insensitive match on email, names and company. */
  q: z.string().trim().max(200).optional(),
});

export const lookupProspectQuery = z.object({ email: z.email().max(320).transform((e) => e.trim().toLowerCase()) });

/** A lookup is a question, not an address: no match is `{ prospect: null }`, not a 404. */
export const lookupProspectResponse = z.object({ prospect: prospectSchema.nullable() });

export const prospectListResponse = paginationSchema(prospectSchema);

/**
 * CSV import result. `row` is the file's line number where the record starts (the header
 * is row 1), as a spreadsheet shows it. Every skipped row has an entry in `errors`.
 */
export const importResultSchema = z.object({
  imported: z.number(),
  updated: z.number(),
  skipped: z.number(),
  errors: z.array(z.object({ row: z.number(), message: z.string() })),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const prospectIdParam = z.object({ id: z.uuid() });
