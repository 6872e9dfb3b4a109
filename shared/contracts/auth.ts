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
