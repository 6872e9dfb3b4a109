import { z } from 'zod';

/** A client-generated draft id (the extension creates drafts offline). */
export const draftIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and -, up to 100');

// Recipients of a draft are work in progress (half-typed addresses included), so they are
// kept as typed; the send endpoint is where addresses are validated.
const recipients = z.array(z.string().max(320)).max(100);

export const putDraftRequest = z.strictObject({
  version: z.number().int().min(1),
  to: recipients,
  cc: recipients.optional(),
  subject: z.string().max(2000),
  bodyHtml: z.string().max(500_000),
  bodyText: z.string().max(500_000).nullable().optional(),
  prospectId: z.uuid().nullable().optional(),
  threadId: z.string().max(200).nullable().optional(),
});
export type PutDraftRequest = z.infer<typeof putDraftRequest>;

export const draftSchema = z.object({
  id: z.string(),
  version: z.number(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  bodyHtml: z.string(),
  bodyText: z.string().nullable(),
  prospectId: z.string().nullable(),
  threadId: z.string().nullable(),
  /** A tombstone: the draft was deleted (or sent); sync clients drop their copy. */
  deleted: z.boolean(),
  updatedAt: z.string(),
});
export type Draft = z.infer<typeof draftSchema>;

export const listDraftsQuery = z.object({
  /** ISO date-time: only drafts changed after it, tombstones included. */
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
