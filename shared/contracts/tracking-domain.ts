import { z } from 'zod';

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a host name such as track.example.com');

export const setTrackingDomainRequest = z.strictObject({ domain: hostname });

/** The workspace's tracking domain and how to point it at Lumina. */
export const trackingDomainResponse = z.object({
  domain: z.string().nullable(),
  /** Point the domain here with a CNAME… */
  cnameTarget: z.string(),
  /** …or, behind a proxy of your own, prove it with this TXT record. */
  txt: z.object({ name: z.string(), value: z.string() }),
});
export type TrackingDomainResponse = z.infer<typeof trackingDomainResponse>;
