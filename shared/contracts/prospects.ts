import { z } from 'zod';
import { normalizeAddress } from '../address';
import { pageQuerySchema, paginationSchema } from '../errors';
import { timeZoneSchema } from './mailboxes';

const optionalText = z.string().trim().max(200).nullable().optional();

/** Keys of custom fields are template-variable friendly (`{{custom.deal_size}}`). */
export const customFieldsSchema = z.record(z.string().regex(/^\w{1,64}$/, 'letters, digits and _ only'), z.string().max(2000));

/**
 * What the recipient check found about an address (stored on the prospect when it is added,
 * imported or edited, and when a campaign send finds its domain no longer takes mail).
 */
export const recipientFlags = ['role', 'disposable', 'no_mail', 'unverified'] as const;
export const recipientFlagSchema = z.enum(recipientFlags);
export type RecipientFlag = z.infer<typeof recipientFlagSchema>;
/** The list's flag filter: any flag, or one kind. */
export const prospectFlagFilters = ['any', ...recipientFlags] as const;
export const prospectFlagFilterSchema = z.enum(prospectFlagFilters);
export type ProspectFlagFilter = z.infer<typeof prospectFlagFilterSchema>;

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
  /** Some email or campaign place exists for them (the list's "not contacted" is its opposite). */
  contacted: z.boolean(),
  /** They replied to a Lumina email, or a sequence stopped on their reply or referral. */
  replied: z.boolean(),
  /** Their address is on the workspace's suppression list: never mailed. */
  suppressed: z.boolean(),
  recipientFlags: z.array(recipientFlagSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Prospect = z.infer<typeof prospectSchema>;

export const createProspectRequest = z.strictObject({
  email: z.email().max(320).transform(normalizeAddress),
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
  ownerId: z.uuid().optional(),
  /** In a running sequence, replied, on the suppression list, written to (or in a campaign), or not yet. */
  status: z.enum(['in_sequence', 'replied', 'suppressed', 'contacted', 'not_contacted']).optional(),
  /** Leads of this campaign. */
  campaignId: z.uuid().optional(),
  /** An IANA zone, or `none` for prospects without one. */
  timeZone: z.union([z.literal('none'), timeZoneSchema]).optional(),
  /** Flagged by the recipient check: `any`, or one of role, disposable, no_mail, unverified. */
  flag: prospectFlagFilterSchema.optional(),
});

export const lookupProspectQuery = z.object({ email: z.email().max(320).transform(normalizeAddress) });

/** A lookup is a question, not an address: no match is `{ prospect: null }`, not a 404. */
export const lookupProspectResponse = z.object({ prospect: prospectSchema.nullable() });

export const prospectListResponse = paginationSchema(prospectSchema);

/** Prospect fields a CSV column can fill; `fullName` splits into first and last name when those are empty. */
export const importFields = ['email', 'firstName', 'lastName', 'fullName', 'company', 'title', 'timeZone', 'owner'] as const;
export type ImportField = (typeof importFields)[number];

const importTarget = z.string().refine((t) => (importFields as readonly string[]).includes(t) || t === 'ignore' || /^custom\.\w{1,64}$/.test(t), {
  message: `unknown field: use one of ${importFields.join(', ')}, custom.<key> (letters, digits, _) or ignore`,
});

/** Header → field, e.g. `{"Work Mail":"email","Region":"custom.region","Notes":"ignore"}`; headers not named are inferred. */
export const importMappingSchema = z.record(z.string().min(1).max(200), importTarget);
export type ImportMapping = z.infer<typeof importMappingSchema>;

const jsonText = z.string().max(20_000).transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"Work Mail":"email"}' });
    return z.NEVER;
  }
});

/**
 * Options of `POST /api/prospects/import`, as query parameters (or, for multipart, as form
 * fields beside `file`). `dedupe`: an address already in the workspace is `update`d (non-empty
 * cells overwrite, custom fields merge) or `skip`ped.
 */
export const importOptionsSchema = z.object({
  dedupe: z.enum(['update', 'skip']).default('update'),
  mapping: jsonText.pipe(importMappingSchema).optional(),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

const rowIssue = z.object({ row: z.number(), message: z.string() });

/**
 * CSV import result. `row` is the file's line number where the record starts (the header
 * is row 1), as a spreadsheet shows it. Every row in `errors` was skipped; `skipped` also
 * counts addresses already in the workspace when `dedupe=skip`. Suppressed addresses are
 * imported (they are never mailed) and listed in `suppressed`.
 */
export const importResultSchema = z.object({
  imported: z.number(),
  updated: z.number(),
  skipped: z.number(),
  errors: z.array(rowIssue),
  suppressed: z.array(z.object({ row: z.number(), email: z.string() })),
  /**
   * Rows imported with a recipient flag: `role` (info@, sales@…), `disposable` (a throwaway
   * domain), `unverified` (DNS could not answer in time). A domain that takes no mail is an error.
   * Present only when some row is flagged.
   */
  flagged: z.array(z.object({ row: z.number(), email: z.string(), flags: z.array(z.enum(['role', 'disposable', 'unverified'])), message: z.string() })).optional(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** A large import (over 5,000 rows) while it runs and once done; `errors` holds the first 1,000, the CSV all. */
export const importJobSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  dedupe: z.enum(['update', 'skip']),
  rowsRead: z.number(),
  imported: z.number(),
  updated: z.number(),
  skipped: z.number(),
  errorCount: z.number(),
  suppressedCount: z.number(),
  errors: z.array(rowIssue),
  /** Every error and flag of the job as CSV (row, kind, message). */
  errorsCsvUrl: z.string(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof importJobSchema>;

export const importAcceptedSchema = z.object({ jobId: z.string(), status: z.literal('running'), statusUrl: z.string() });
export const importJobIdParam = z.object({ jobId: z.uuid() });

export const prospectIdParam = z.object({ id: z.uuid() });
