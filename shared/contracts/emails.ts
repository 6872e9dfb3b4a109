import { z } from 'zod';
import { scopeSchema } from './dashboard';

export const emailStatusSchema = z.enum(['PENDING_SEND', 'SENDING', 'SENT', 'FAILED', 'CANCELLED']);
export type EmailStatus = z.infer<typeof emailStatusSchema>;

/** The header every send needs: the client's key for this one send. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{8,200}$/, '8 to 200 visible ASCII characters');

export const sendEmailRequest = z.strictObject({
  to: z.email().max(320),
  subject: z.string().trim().min(1).max(998),
  bodyHtml: z.string().min(1).max(900_000),
  bodyText: z.string().max(900_000).optional(),
  draftId: z.string().max(100).optional(),
  mailboxId: z.uuid().optional(),
  prospectId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  /** The template this email was written from (the workspace's): its figures count this send. */
  templateId: z.uuid().optional(),
  /** Send no earlier than this (ISO date-time); the mailbox's window and cap still apply. */
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
  track: z.strictObject({ opens: z.boolean(), clicks: z.boolean() }).optional(),
  /** Gmail thread of a follow-up: the message goes into it, replying to our last email there. */
  threadId: z.string().max(200).optional(),
  /** Message-ID being replied to, when the thread's last message is not ours (seen in Gmail). */
  inReplyTo: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/, 'a Message-ID such as <abc@example.com>').optional(),
});
export type SendEmailRequest = z.infer<typeof sendEmailRequest>;

export const sendEmailResponse = z.object({
  id: z.string(),
  status: z.literal('PENDING_SEND'),
  createdAt: z.string(),
  /** Not failures: e.g. the body is over Gmail's 102 KB clip. */
  warnings: z.array(z.string()).optional(),
});
export type SendEmailResponse = z.infer<typeof sendEmailResponse>;

export const emailSchema = z.object({
  id: z.string(),
  status: emailStatusSchema,
  to: z.string(),
  from: z.string().nullable(),
  subject: z.string(),
  mailboxId: z.string().nullable(),
  prospectId: z.string().nullable(),
  campaignId: z.string().nullable(),
  draftId: z.string().nullable(),
  messageId: z.string(),
  providerMessageId: z.string().nullable(),
  threadId: z.string().nullable(),
  failureReason: z.string().nullable(),
  attempts: z.number(),
  track: z.object({ opens: z.boolean(), clicks: z.boolean() }),
  scheduledAt: z.string().nullable(),
  /** When the worker will next look at it (scheduled time, send window, budget or retry). */
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Email = z.infer<typeof emailSchema>;

export const listEmailsQuery = z.object({
  threadId: z.string().max(200).optional(),
  to: z.string().max(320).optional(),
  status: emailStatusSchema.optional(),
  /** `me`: only the emails the caller sent (as on the dashboard); `workspace` (default): the workspace's. */
  scope: scopeSchema,
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
