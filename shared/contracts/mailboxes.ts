import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm, 24-hour');

/** IANA zone check without a dependency in shared code: Intl throws on an unknown zone. */
export const timeZoneSchema = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Paris');

/** Sending hours in the mailbox's own time zone; days are ISO weekdays (1 = Monday … 7 = Sunday). */
export const sendWindowSchema = z
  .strictObject({
    tz: timeZoneSchema,
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end (windows do not cross midnight)', path: ['end'] })
  .refine((w) => new Set(w.days).size === w.days.length, { message: 'days must not repeat', path: ['days'] });
export type SendWindow = z.infer<typeof sendWindowSchema>;

/** A new mailbox's cap grows from startCap by increment every everyDays, up to dailyCap. */
export const rampUpSchema = z.strictObject({
  startCap: z.number().int().min(1).max(2000),
  increment: z.number().int().min(0).max(2000),
  everyDays: z.number().int().min(1).max(90),
  /** ISO date-time the ramp started; defaults to now. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
});
export type RampUp = z.infer<typeof rampUpSchema>;

/**
 * A DKIM selector: the label(s) before `._domainkey.` (RFC 6376 §3.1), each a DNS label of letters,
 * digits and inner hyphens, at most 63 characters. Kept lower-case: DNS names are case-blind.
 */
export const dkimSelectorSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(200)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    // Named in the message: a list is typed in one field, so the person needs to know which one.
    error: (issue) => `"${String(issue.input)}" is not a DKIM selector: use letters, digits and hyphens, e.g. s1 or selector1`,
  });

/** The selectors an admin names for a mailbox; Google's `google` is always checked and need not be listed. */
export const dkimSelectorsSchema = z
  .array(dkimSelectorSchema)
  .max(10, 'at most 10 selectors')
  .transform((list) => [...new Set(list)].filter((s) => s !== 'google'));

export const patchMailboxRequest = z
  .strictObject({
    dailyCap: z.number().int().min(1).max(2000).optional(),
    sendWindow: sendWindowSchema.nullable().optional(),
    rampUp: rampUpSchema.nullable().optional(),
    dkimSelectors: dkimSelectorsSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type PatchMailboxRequest = z.infer<typeof patchMailboxRequest>;

export const mailboxSchema = z.object({
  id: z.string(),
  email: z.string(),
  provider: z.enum(['gmail', 'sandbox']),
  status: z.enum(['active', 'needs_reauth', 'disabled']),
  userId: z.string().nullable(),
  scopes: z.array(z.string()),
  dailyCap: z.number(),
  /** The cap in force today: dailyCap, or less while ramping up. */
  effectiveCap: z.number(),
  sendWindow: z.object({ tz: z.string(), days: z.array(z.number()), start: z.string(), end: z.string() }).nullable(),
  rampUp: z.object({ startCap: z.number(), increment: z.number(), everyDays: z.number(), startedAt: z.string() }).nullable(),
  /** DKIM selectors the admin named, checked besides Google's `google` (absent from older servers: none). */
  dkimSelectors: z.array(z.string()).default([]),
  /** Sends in the rolling last 24 hours (in-flight ones included): usedByLumina + usedFromGmail. */
  used: z.number(),
  /** Of those, what Lumina sent or is sending. */
  usedByLumina: z.number(),
  /** Of those, what the rep sent from Gmail itself (seen by the inbox sync, or reported by the extension). */
  usedFromGmail: z.number(),
  remaining: z.number(),
  createdAt: z.string(),
});
export type Mailbox = z.infer<typeof mailboxSchema>;

/** Gmail's id of a message or thread (16 hex digits today; a little room either way). */
const gmailIdSchema = z.string().regex(/^[0-9a-fA-F]{10,24}$/, "Gmail's hex id of the message").transform((s) => s.toLowerCase());

/**
 * `POST /api/mailboxes/:id/manual-sends`: in light mode the extension tells the API the rep sent
 * a message from Gmail itself (Gmail's own Send, not Lumina's), so the rolling-24 h budget counts
 * it. Idempotent on `gmailMessageId`: the same message, reported again or also seen by the full
 * inbox sync, counts once; a message Lumina sent is never counted again.
 */
export const reportManualSendRequest = z.strictObject({
  gmailMessageId: gmailIdSchema,
  threadId: gmailIdSchema.optional(),
  /** When Gmail sent it, if the extension knows; the server's clock otherwise. Never later than now. */
  sentAt: z.iso
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) <= Date.now() + 5 * 60_000, 'sentAt is in the future')
    .refine((t) => Date.parse(t) >= Date.now() - 30 * 86_400_000, 'sentAt is more than 30 days ago')
    .optional(),
});
export type ReportManualSendRequest = z.infer<typeof reportManualSendRequest>;

export const reportManualSendResponse = z.object({
  /** `recorded`: counted now; `already_recorded`: counted before (a repeat, or the inbox sync saw it); `sent_by_lumina`: ours, counted as our send. */
  outcome: z.enum(['recorded', 'already_recorded', 'sent_by_lumina']),
  mailbox: mailboxSchema,
});
export type ReportManualSendResponse = z.infer<typeof reportManualSendResponse>;
