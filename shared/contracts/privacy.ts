import { z } from 'zod';

export const prospectIdParamPrivacy = z.object({ id: z.uuid() });

const row = z.record(z.string(), z.unknown());

/** GET /api/prospects/:id/export: everything Lumina holds about one person (GDPR art. 15). */
export const prospectExportSchema = z.object({
  exportedAt: z.string(),
  workspaceId: z.string(),
  prospect: row,
  campaigns: z.array(row),
  emails: z.array(row.and(z.object({ headers: z.record(z.string(), z.string()), events: z.array(row) }))),
  replies: z.array(row),
  drafts: z.array(row),
  suppressions: z.array(row),
  auditEvents: z.array(row),
  webhookDeliveries: z.array(row),
});
export type ProspectExport = z.infer<typeof prospectExportSchema>;

/** POST /api/prospects/:id/erase: what was removed or anonymised, in counts (no address). */
export const eraseResultSchema = z.object({
  erased: z.literal(true),
  emails: z.number().int(),
  events: z.number().int(),
  drafts: z.number().int(),
  campaignLeads: z.number().int(),
  auditRowsRedacted: z.number().int(),
});
export type EraseResult = z.infer<typeof eraseResultSchema>;

/** Workspace privacy settings: raw open/click user agents and IPs are kept this many days (null: kept). */
export const privacySettingsSchema = z.object({ rawEventRetentionDays: z.number().int().min(1).max(3650).nullable() });
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;
export const patchPrivacySettingsRequest = z.strictObject({ rawEventRetentionDays: z.number().int().min(1).max(3650).nullable() });
