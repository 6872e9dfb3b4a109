import { z } from 'zod';

export const roleSchema = z.enum(['admin', 'member', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const sandboxLoginRequest = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200).optional(),
});

export const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });
export const workspaceSchema = z.object({ id: z.string(), name: z.string(), role: roleSchema, gmailMode: z.enum(['light', 'full']) });

export const sessionResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
  workspace: workspaceSchema,
});
export type SessionResponse = z.infer<typeof sessionResponse>;

export const meResponse = z.object({ user: userSchema, workspace: workspaceSchema });
export type MeResponse = z.infer<typeof meResponse>;

/** Passwords: long enough to be worth checking, short enough that hashing stays cheap. */
const password = z.string().min(1).max(256);

/** POST /api/auth/password/sign-up: an invite's sign-up token (from the admin who invited) and the new password. */
export const passwordSignUpRequest = z.strictObject({
  token: z.string().min(10).max(300),
  password,
  name: z.string().trim().min(1).max(200).optional(),
});
/** POST /api/auth/password/sign-in */
export const passwordSignInRequest = z.strictObject({ email: z.email().max(320), password });

/** POST /api/auth/password/reset-request: always answered the same, whether or not the address has an account. */
export const passwordResetRequest = z.strictObject({ email: z.email().max(320) });
export const passwordResetRequested = z.object({ ok: z.literal(true), message: z.string() });
/** POST /api/auth/password/reset: the token from the e-mailed link and the new password. */
export const passwordResetConfirm = z.strictObject({ token: z.string().min(20).max(200), password });
export const passwordResetDone = z.object({ ok: z.literal(true), message: z.string() });

/** Workspace settings an admin changes: joining by e-mail domain (off unless turned on). */
export const workspaceSettingsSchema = z.object({ joinByDomain: z.boolean(), joinByDomainRole: z.enum(['member', 'viewer']) });
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;
export const patchWorkspaceSettingsRequest = z.strictObject({ joinByDomain: z.boolean().optional(), joinByDomainRole: z.enum(['member', 'viewer']).optional() });
