import { z } from 'zod';
import { normalizeAddress } from '../address';
import { pageQuerySchema, paginationSchema } from '../errors';
import { roleSchema } from './auth';

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
export const memberListResponse = paginationSchema(memberSchema);

export const memberParam = z.object({ userId: z.uuid() });
/** `DELETE /api/admin/members/:userId?moveSendsTo=<mailboxId>`: their open sends move there instead of failing. */
export const removeMemberQuery = z.object({ moveSendsTo: z.uuid().optional() });
export const changeRoleRequest = z.strictObject({ role: roleSchema });

export const inviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  /** Invites are single-use and lapse at this time (7 days after they were made or renewed). */
  expiresAt: z.string(),
  createdAt: z.string(),
  /** At creation only: the token of the e-mail + password sign-up link (POST /api/auth/password/sign-up). */
  signUpToken: z.string().optional(),
});
export type Invite = z.infer<typeof inviteSchema>;
export const inviteListResponse = paginationSchema(inviteSchema);

export const createInviteRequest = z.strictObject({
  email: z.email().max(320).transform(normalizeAddress),
  role: roleSchema.default('member'),
});
export const inviteParam = z.object({ id: z.uuid() });

export const auditEventSchema = z.object({
  id: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export const auditListResponse = paginationSchema(auditEventSchema);
export const auditQuery = pageQuerySchema.extend({ action: z.string().trim().min(1).max(100).optional() });

export const queueCountsSchema = z.object({
  waiting: z.number(),
  active: z.number(),
  delayed: z.number(),
  completed: z.number(),
  failed: z.number(),
});
export const queuesResponse = z.object({
  driver: z.enum(['bullmq', 'inline']),
  /** `instance`: every workspace's jobs (operators only); `workspace`: the caller's workspace's. */
  scope: z.enum(['instance', 'workspace']).optional(),
  queues: z.array(z.object({ name: z.string(), counts: queueCountsSchema.nullable(), error: z.string().optional() })),
});
export type QueuesResponse = z.infer<typeof queuesResponse>;
