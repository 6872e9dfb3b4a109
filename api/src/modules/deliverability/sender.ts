import { and, eq, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { senderWarningSchema } from '../../../../shared/contracts/campaigns';
import type { Db } from '../../../../db/client';
import { mailboxes } from '../../../../db/schema';
import type { Config } from '../../env';
import { resolverFor } from '../../lib/dns';
import { GOOGLE_CONSUMER_DOMAINS, deliverabilityOf, personalGmailNote } from '../mailboxes/deliverability';

/**
 * The sender check of campaign mail, run when a campaign launches or resumes: the SPF, DKIM and
 * DMARC of the campaign mailbox's domain (the mailbox page's checks), cached per domain and
 * given a time limit, so a dead DNS server never holds up a launch.
 *
 * Decision: problems WARN, they never refuse. The issue asks for them to be shown in the
 * pre-send check, not to block; a DNS outage or a record still propagating must not stop a
 * workspace from sending; and Gmail's hard DMARC rule is for bulk senders (5,000+ a day).
 * Sandbox mailboxes are skipped: their mail never leaves this server. The DKIM selectors are
 * Google's and the ones the admin saved on the mailbox (`dkimSelectors`).
 */
export type SenderWarning = z.infer<typeof senderWarningSchema>;

const cache = new LRUCache<string, Promise<Array<Omit<SenderWarning, 'mailbox'>>>>({ max: 5000, ttl: 10 * 60_000 });

export async function senderWarnings(
  db: Db, config: Pick<Config, 'dnsServers'>, campaign: { workspaceId: string; mailboxId: string | null; ownerId: string | null }, timeoutMs = 3000,
): Promise<SenderWarning[]> {
  const boxes = await db
    .select({ email: mailboxes.email, provider: mailboxes.provider, status: mailboxes.status, dkimSelectors: mailboxes.dkimSelectors })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, campaign.workspaceId), campaign.mailboxId ? eq(mailboxes.id, campaign.mailboxId) : eq(mailboxes.userId, campaign.ownerId ?? sql`null`)));
  const box = boxes.find((b) => b.status === 'active') ?? boxes[0]; // the one the sequence worker sends from
  if (!box || box.provider === 'sandbox') return [];
  const domain = box.email.slice(box.email.lastIndexOf('@') + 1).toLowerCase();
  // Google's consumer domains are not the rep's to set up: no lookup, and the one thing worth saying instead.
  if (GOOGLE_CONSUMER_DOMAINS.has(domain)) return [{ check: 'sender', mailbox: box.email, message: personalGmailNote(box.email) }];
  const selectors = [...new Set(['google', ...box.dkimSelectors])].sort();
  const key = `${config.dnsServers.join(',')}|${domain}|${selectors.join(',')}`;
  let answer = cache.get(key);
  if (!answer) {
    answer = deliverabilityOf(resolverFor(config.dnsServers), { email: box.email, provider: 'gmail', dkimSelectors: selectors }).then((r) => {
      const out = r.checks.filter((c) => c.status !== 'pass').map((c) => ({ check: c.check as SenderWarning['check'], message: c.message }));
      if (r.checks.some((c) => c.status === 'unknown')) cache.set(key, answer!, { ttl: 60_000 }); // asked again sooner
      return out;
    });
    cache.set(key, answer);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Array<Omit<SenderWarning, 'mailbox'>>>((resolve) => {
    timer = setTimeout(() => resolve([{ check: 'sender', message: `Could not check ${domain}'s SPF, DKIM and DMARC in time; check them on the mailbox page.` }]), timeoutMs);
  });
  try {
    return (await Promise.race([answer, late])).map((w) => ({ ...w, mailbox: box.email })); // one domain's answer, cached for every mailbox on it with the same selectors
  } finally {
    clearTimeout(timer);
  }
}
