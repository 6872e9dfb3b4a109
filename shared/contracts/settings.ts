import { z } from 'zod';

/**
 * A physical postal address (street or PO box, town, postcode, country) as it should read in a
 * mail footer: up to five lines. CAN-SPAM requires one in every commercial e-mail.
 */
export const postalAddressSchema = z
  .string()
  .trim()
  .min(10, 'a full postal address: street or PO box, town, postcode (and country)')
  .max(300)
  .refine((v) => v.split(/\r?\n/).length <= 5, 'at most five lines')
  .refine((v) => !/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(v), 'no control characters')
  .transform((v) => v.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join('\n'));

/** GET /api/settings/sending: what campaign mail carries. `source` says where the address comes from. */
export const sendingSettingsSchema = z.object({
  postalAddress: z.string().nullable(),
  postalAddressSource: z.enum(['workspace', 'server']).nullable(),
});
export type SendingSettings = z.infer<typeof sendingSettingsSchema>;

/** PATCH /api/settings/sending (admins): null clears the workspace's own address. */
export const patchSendingSettingsRequest = z.strictObject({ postalAddress: postalAddressSchema.nullable() });
export type PatchSendingSettings = z.infer<typeof patchSendingSettingsRequest>;
