import { z } from 'zod';

/** Why an address is on the list. `erased`: the person was erased and only a salted hash of the address remains. */
export const suppressionReasonSchema = z.enum(['manual', 'unsubscribe', 'hard_bounce', 'complaint', 'erased']);

export const createSuppressionRequest = z.strictObject({
  email: z.email().max(320),
  reason: z.enum(['manual', 'unsubscribe', 'hard_bounce', 'complaint']).default('manual'),
});

/** `POST /api/suppressions/import`: many addresses at once (a do-not-contact list from elsewhere). */
export const importSuppressionsRequest = z.strictObject({
  /** Each is checked on its own: a bad one is reported, the rest are added. */
  emails: z.array(z.string().max(320)).min(1).max(10_000),
});
export const importSuppressionsResponse = z.object({
  imported: z.number(),
  alreadyListed: z.number(),
  invalid: z.array(z.object({ email: z.string(), message: z.string() })),
});
export type ImportSuppressionsResponse = z.infer<typeof importSuppressionsResponse>;

export const listSuppressionsQuery = z.object({
  /** Part of an address to look for. */
  q: z.string().max(320).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const suppressionSchema = z.object({
  id: z.string(),
  email: z.string(),
  reason: suppressionReasonSchema,
  sourceEmailId: z.string().nullable(),
  createdAt: z.string(),
});
export type Suppression = z.infer<typeof suppressionSchema>;

/** `GET /api/suppressions/lookup?email=`: is this exact address on the list (itself, or its erased marker)? */
export const lookupSuppressionQuery = z.object({ email: z.string().trim().min(1).max(320) });
export const lookupSuppressionResponse = z.object({ suppression: suppressionSchema.nullable() });
