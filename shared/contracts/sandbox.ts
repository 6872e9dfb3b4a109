import { z } from 'zod';

/** A message the sandbox mailbox "delivered": what a newcomer (or a test) inspects. */
export const sandboxMessageSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  mailbox: z.string(),
  to: z.string(),
  subject: z.string(),
  messageId: z.string(),
  sentAt: z.string(),
  /** The RFC 822 text exactly as Lumina sent it. */
  raw: z.string(),
});
export type SandboxMessage = z.infer<typeof sandboxMessageSchema>;

export const sandboxMessageParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'a Gmail message id: 16 hex digits') });

export const sandboxReplyRequest = z.strictObject({ text: z.string().trim().min(1).max(20_000) });
export const sandboxAutoReplyRequest = z.strictObject({
  /** When the out-of-office says the person is back, e.g. `2030-01-15`. */
  returnDate: z.string().trim().min(1).max(100).optional(),
});
export const sandboxBounceRequest = z.strictObject({ hard: z.boolean() });

export const sandboxInjectedResponse = z.object({
  id: z.string(),
  threadId: z.string(),
  kind: z.enum(['reply', 'auto_reply', 'bounce']),
});
export type SandboxInjected = z.infer<typeof sandboxInjectedResponse>;
