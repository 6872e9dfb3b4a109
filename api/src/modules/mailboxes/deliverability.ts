import { lookup, type DnsResolver } from '../../lib/dns';
import type { DeliverabilityCheck, DeliverabilityResponse } from '../../../../shared/contracts/deliverability';

const txt = (r: DnsResolver, name: string) => lookup(async () => (await r.resolveTxt(name)).map((parts) => parts.join('')));
const couldNot = (what: string, name: string, error: string): DeliverabilityCheck => ({
  check: what as DeliverabilityCheck['check'], status: 'unknown', name, record: null, message: `Could not look up ${name} (${error}); try again later.`,
});

/** SPF: one `v=spf1` TXT record on the domain; through Gmail it should include Google's servers. */
export async function checkSpf(r: DnsResolver, domain: string, provider: 'gmail' | 'sandbox'): Promise<DeliverabilityCheck> {
  const found = await txt(r, domain);
  if ('error' in found) return couldNot('spf', domain, found.error);
  const spf = ('found' in found ? found.found : []).filter((t) => /^v=spf1(\s|$)/i.test(t));
  const base = { check: 'spf' as const, name: domain, record: spf[0] ?? null };
  if (spf.length === 0) return { ...base, status: 'fail', message: 'SPF missing: receivers cannot tell which servers may send for this domain, and Gmail, Yahoo and Outlook.com reject bulk mail without SPF or DKIM.' };
  if (spf.length > 1) return { ...base, record: spf.join(' | '), status: 'fail', message: 'SPF broken: the domain has more than one SPF record, and receivers then treat it as having none. Merge them into one.' };
  if (/\s\+all(\s|$)/i.test(spf[0]!)) return { ...base, status: 'fail', message: 'SPF allows anyone (+all): it protects nothing and marks the domain as careless. End it with ~all or -all.' };
  if (provider === 'gmail' && !/include:_spf\.google\.com/i.test(spf[0]!)) {
    return { ...base, status: 'warn', message: "SPF does not include Google's servers (include:_spf.google.com): mail sent through Gmail may fail SPF." };
  }
  return { ...base, status: 'pass', message: 'SPF found.' };
}

/** DKIM: a public key at `<selector>._domainkey.<domain>` for Google's selector and any the admin names. */
export async function checkDkim(r: DnsResolver, domain: string, selectors: string[]): Promise<DeliverabilityCheck> {
  const tried: string[] = [];
  let unknown: DeliverabilityCheck | undefined;
  for (const selector of selectors) {
    const name = `${selector}._domainkey.${domain}`;
    tried.push(selector);
    const found = await txt(r, name);
    if ('error' in found) {
      unknown ??= couldNot('dkim', name, found.error);
      continue;
    }
    if (!('found' in found)) continue;
    const key = found.found.find((t) => /(^|;)\s*(v=DKIM1|p=)/i.test(t));
    if (!key) continue;
    if (/(^|;)\s*p=\s*(;|$)/i.test(key)) return { check: 'dkim', name, record: key, status: 'fail', message: `DKIM key revoked: the record at selector "${selector}" has an empty key (p=), so signatures cannot be checked.` };
    return { check: 'dkim', name, record: key, status: 'pass', message: `DKIM key found (selector "${selector}").` };
  }
  return unknown ?? {
    check: 'dkim', name: `${tried.join(', ')}._domainkey.${domain}`, record: null, status: 'fail',
    message: `DKIM missing: no key at selector ${tried.map((s) => `"${s}"`).join(' or ')}. Turn on DKIM signing (Google Workspace: Apps → Gmail → Authenticate email) or name your selector.`,
  };
}

/** DMARC: a `v=DMARC1` TXT record at `_dmarc.<domain>`; `p=none` only monitors. */
export async function checkDmarc(r: DnsResolver, domain: string): Promise<DeliverabilityCheck> {
  const name = `_dmarc.${domain}`;
  const found = await txt(r, name);
  if ('error' in found) return couldNot('dmarc', name, found.error);
  const records = ('found' in found ? found.found : []).filter((t) => /^v=DMARC1(\s|;|$)/i.test(t));
  const base = { check: 'dmarc' as const, name, record: records[0] ?? null };
  if (records.length === 0) return { ...base, status: 'fail', message: 'DMARC missing: Gmail and Yahoo reject bulk mail without it (and Outlook.com since May 2025). Add a TXT record at _dmarc, e.g. "v=DMARC1; p=none; rua=mailto:you@yourdomain".' };
  if (records.length > 1) return { ...base, record: records.join(' | '), status: 'fail', message: 'DMARC broken: more than one DMARC record, so receivers ignore them all. Keep one.' };
  const policy = /(^|;)\s*p=\s*(none|quarantine|reject)\s*(;|$)/i.exec(records[0]!)?.[2]?.toLowerCase();
  if (!policy) return { ...base, status: 'fail', message: 'DMARC broken: the record has no valid policy (p=none, quarantine or reject).' };
  if (policy === 'none') return { ...base, status: 'warn', message: 'DMARC found with policy none: enough for Gmail and Yahoo, but it only monitors; move to quarantine once reports look clean.' };
  return { ...base, status: 'pass', message: `DMARC found (policy ${policy}).` };
}

/** MX of a recipient's domain; without one, an A/AAAA record still receives mail (RFC 5321 §5.1). */
export async function checkMx(r: DnsResolver, domain: string): Promise<DeliverabilityCheck> {
  const base = { check: 'mx' as const, name: domain };
  const mx = await lookup(() => r.resolveMx(domain));
  if ('error' in mx) return couldNot('mx', domain, mx.error);
  if ('found' in mx && mx.found.length) {
    const sorted = [...mx.found].sort((a, b) => a.priority - b.priority);
    if (sorted.length === 1 && (sorted[0]!.exchange === '' || sorted[0]!.exchange === '.')) {
      return { ...base, record: '0 .', status: 'fail', message: `${domain} says it accepts no mail (null MX): never send to it.` };
    }
    return { ...base, record: sorted.map((m) => `${m.priority} ${m.exchange}`).join(', '), status: 'pass', message: `${domain} accepts mail (MX ${sorted[0]!.exchange}).` };
  }
  const a = await lookup(() => r.resolve4(domain));
  const aaaa = 'found' in a && a.found.length ? a : await lookup(() => r.resolve6(domain));
  if ('found' in aaaa && aaaa.found.length) return { ...base, record: `A ${aaaa.found[0]}`, status: 'warn', message: `${domain} has no MX record; mail goes to its address record (${aaaa.found[0]}), which often does not take mail.` };
  return { ...base, record: null, status: 'fail', message: `${domain} has no MX record and no address: mail to it cannot be delivered.` };
}

/**
 * Google's consumer domains. Their SPF, DKIM and DMARC are Google's to publish, and Google signs
 * every message it sends for them, so looking them up would only report a rep's lack of records
 * on a domain the rep does not own (gmail.com signs with dated selectors, not `google`).
 */
export const GOOGLE_CONSUMER_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** What is true of a personal Gmail sender instead: Google authenticates it, and it is not meant for bulk mail. */
export const personalGmailNote = (email: string) =>
  `${email} is a personal Gmail address: Google signs its mail itself, so SPF, DKIM and DMARC need nothing from you, ` +
  'but a personal Gmail account may send only about 500 messages a day and is not meant for bulk mail. For campaigns, send from a mailbox on your own domain.';

/** The sender's SPF, DKIM and DMARC, and optionally a recipient domain's MX, looked up in parallel. */
export async function deliverabilityOf(
  r: DnsResolver,
  mailbox: { email: string; provider: 'gmail' | 'sandbox'; dkimSelectors?: string[] },
  options: { selector?: string; recipient?: string } = {},
): Promise<DeliverabilityResponse> {
  const domain = mailbox.email.slice(mailbox.email.lastIndexOf('@') + 1).toLowerCase();
  const selectors = [...new Set(['google', ...(mailbox.dkimSelectors ?? []), ...(options.selector ? [options.selector] : [])])];
  const recipientDomain = options.recipient ? options.recipient.slice(options.recipient.lastIndexOf('@') + 1).toLowerCase() : undefined;
  const mx = recipientDomain ? [checkMx(r, recipientDomain)] : [];
  if (GOOGLE_CONSUMER_DOMAINS.has(domain)) {
    const byGoogle = (check: 'spf' | 'dkim' | 'dmarc', what: string): DeliverabilityCheck => ({
      check, status: 'pass', name: check === 'dmarc' ? `_dmarc.${domain}` : domain, record: null, message: `${what} by Google: ${domain} is Google's domain, not yours to set up.`,
    });
    const checks = [byGoogle('spf', 'SPF published'), byGoogle('dkim', 'DKIM signed'), byGoogle('dmarc', 'DMARC published'), ...(await Promise.all(mx))];
    return { domain, checks, ok: checks.every((c) => c.status !== 'fail'), note: personalGmailNote(mailbox.email) };
  }
  const checks = await Promise.all([
    checkSpf(r, domain, mailbox.provider),
    checkDkim(r, domain, selectors),
    checkDmarc(r, domain),
    ...mx,
  ]);
  return { domain, checks, ok: checks.every((c) => c.status !== 'fail'), note: null };
}
