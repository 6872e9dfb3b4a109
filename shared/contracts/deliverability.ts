import { z } from 'zod';

export const deliverabilityQuery = z.object({
  /** A DKIM selector to check besides Google's (`google`). */
  selector: z.string().trim().regex(/^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*$/, 'a DKIM selector such as s1 or mail').optional(),
  /** A recipient address or domain whose MX to check. */
  recipient: z.string().trim().max(320).regex(/^([^@\s]+@)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'an address or a domain').optional(),
});

export const checkStatus = z.enum(['pass', 'warn', 'fail', 'unknown']);
export const deliverabilityCheck = z.object({
  check: z.enum(['spf', 'dkim', 'dmarc', 'mx']),
  status: checkStatus,
  /** What it means, in plain words. */
  message: z.string(),
  /** The name looked up and the record found, if any. */
  name: z.string(),
  record: z.string().nullable(),
});
export type DeliverabilityCheck = z.infer<typeof deliverabilityCheck>;

export const deliverabilityResponse = z.object({
  domain: z.string(),
  checks: z.array(deliverabilityCheck),
  /** No check failed. */
  ok: z.boolean(),
  /** Something true to know that is not a DNS record, e.g. a personal Gmail address's sending limit. */
  note: z.string().nullable(),
});
export type DeliverabilityResponse = z.infer<typeof deliverabilityResponse>;
