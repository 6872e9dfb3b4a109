import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../env';
import { resolverFor, type DnsResolver } from '../../lib/dns';
import { ApiError } from '../../lib/api-error';
import { checkMx } from '../mailboxes/deliverability';

/**
 * The recipient check of import and add: does the address's domain take mail (MX, or an
 * A/AAAA record per RFC 5321 §5.1; a null MX says no), and is it a role address or a
 * throwaway domain. DNS answers are cached per domain and asked once per domain per batch,
 * with a time limit: a slow resolver never holds up an import for long, and a domain it could
 * not answer for is imported (flagged), not refused.
 */
export type RecipientFlag = 'role' | 'disposable' | 'unverified';
export interface RecipientVerdict {
  /** false: the domain does not take mail — never import or send. */
  deliverable: boolean;
  flags: RecipientFlag[];
  /** In words, for the row report. */
  message: string | null;
}

export interface RecipientCheckOptions {
  /** Look domains up in DNS (RECIPIENT_DNS_CHECK); role and disposable flags need none. */
  dns: boolean;
  /** How long one domain's answer is kept (a failed lookup: a tenth of it). */
  ttlMs?: number;
  /** Longest wait for one domain; after it the domain counts as unverified. */
  timeoutMs?: number;
  /** Domains looked up at once. */
  concurrency?: number;
}

/**
 * Local parts that name a function, not a person (RFC 2142 and common practice). No maintained
 * npm list is installed; this short one covers what cold-outreach tools usually flag.
 */
export const ROLE_LOCAL_PARTS = new Set([
  'abuse', 'accounts', 'admin', 'administrator', 'billing', 'careers', 'compliance', 'contact', 'enquiries', 'hello',
  'help', 'helpdesk', 'hostmaster', 'hr', 'info', 'inquiries', 'jobs', 'legal', 'mail', 'marketing', 'media', 'noc',
  'no-reply', 'noreply', 'office', 'postmaster', 'press', 'privacy', 'sales', 'security', 'support', 'team', 'webmaster',
]);

const require = createRequire(import.meta.url);
let disposable: { exact: Set<string>; wildcard: Set<string> } | undefined;
/** `disposable-email-domains` (≈120k domains, and ≈400 whose every subdomain is throwaway), loaded on first use. */
function disposableLists() {
  disposable ??= {
    exact: new Set(require('disposable-email-domains') as string[]),
    wildcard: new Set(require('disposable-email-domains/wildcard.json') as string[]),
  };
  return disposable;
}

export function isDisposableDomain(domain: string): boolean {
  const { exact, wildcard } = disposableLists();
  if (exact.has(domain)) return true;
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (wildcard.has(labels.slice(i).join('.'))) return true;
  return false;
}

export function isRoleAddress(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase().split('+')[0]!;
  return ROLE_LOCAL_PARTS.has(local);
}

/** The flags that need no DNS (role address, throwaway domain): what an unchecked import still stores. */
export function localRecipientFlags(email: string): RecipientFlag[] {
  const flags: RecipientFlag[] = [];
  if (isDisposableDomain(domainOf(email))) flags.push('disposable');
  if (isRoleAddress(email)) flags.push('role');
  return flags;
}

type DomainAnswer = { takesMail: true } | { takesMail: false; reason: string } | { takesMail: null; reason: string };

export class RecipientChecker {
  private readonly answers: LRUCache<string, Promise<DomainAnswer>>;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  /** DNS questions asked (not answered from the cache): what a benchmark or a test counts. */
  lookups = 0;

  constructor(private readonly resolver: DnsResolver, private readonly options: RecipientCheckOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.concurrency = options.concurrency ?? 16;
    this.answers = new LRUCache({ max: 20_000, ttl: this.ttlMs });
  }

  /** One verdict per address; each distinct domain is asked at most once (and not at all when cached). */
  async check(emails: string[]): Promise<Map<string, RecipientVerdict>> {
    const domains = [...new Set(emails.map(domainOf))];
    const answers = new Map<string, DomainAnswer>();
    if (this.options.dns) {
      let next = 0;
      const worker = async () => {
        while (next < domains.length) {
          const d = domains[next++]!;
          answers.set(d, await this.answerFor(d));
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, domains.length) }, worker));
    }
    const out = new Map<string, RecipientVerdict>();
    for (const email of emails) {
      const domain = domainOf(email);
      const answer = answers.get(domain);
      const flags: RecipientFlag[] = [];
      const words: string[] = [];
      if (answer?.takesMail === false) {
        out.set(email, { deliverable: false, flags, message: answer.reason });
        continue;
      }
      if (isDisposableDomain(domain)) flags.push('disposable'), words.push(`${domain} is a throwaway (disposable) mail domain`);
      if (isRoleAddress(email)) flags.push('role'), words.push(`${email.slice(0, email.lastIndexOf('@'))}@ is a role address (a team inbox, not a person)`);
      if (answer?.takesMail === null) flags.push('unverified'), words.push(answer.reason);
      out.set(email, { deliverable: true, flags, message: words.length ? words.join('; ') : null });
    }
    return out;
  }

  private answerFor(domain: string): Promise<DomainAnswer> {
    const hit = this.answers.get(domain);
    if (hit) return hit;
    this.lookups++;
    const answer = this.lookUp(domain);
    this.answers.set(domain, answer);
    void answer.then((a) => {
      // A lookup that could not be answered is asked again sooner than a real answer.
      if (a.takesMail === null) this.answers.set(domain, answer, { ttl: Math.max(1000, this.ttlMs / 10) });
    });
    return answer;
  }

  private async lookUp(domain: string): Promise<DomainAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.timeoutMs);
    });
    try {
      const mx = await Promise.race([checkMx(this.resolver, domain), late]);
      if (mx === 'late') return { takesMail: null, reason: `could not check ${domain} in DNS in time; imported unchecked` };
      if (mx.status === 'fail') return { takesMail: false, reason: `${mx.message.replace(/: never send to it\.$|: mail to it cannot be delivered\.$/, '')}; not imported` };
      if (mx.status === 'unknown') return { takesMail: null, reason: `could not check ${domain} in DNS; imported unchecked` };
      return { takesMail: true };
    } finally {
      clearTimeout(timer);
    }
  }
}

const checkers = new WeakMap<object, RecipientChecker>();
/** The process's checker for this configuration (one cache shared by every import and add). */
export function recipientCheckerFor(config: Pick<Config, 'dnsServers' | 'recipientDnsCheck'>): RecipientChecker {
  let c = checkers.get(config);
  if (!c) checkers.set(config, (c = new RecipientChecker(resolverFor(config.dnsServers), { dns: config.recipientDnsCheck })));
  return c;
}

export interface ScreenedRows<T> {
  keep: T[];
  /** Rows not imported: their domain takes no mail. */
  errors: Array<{ row: number; message: string }>;
  /** Rows imported with a flag (role, disposable, unverified). */
  flagged: Array<{ row: number; email: string; flags: RecipientFlag[]; message: string }>;
}

/** The import's recipient step: one check for the batch, rows split into kept, refused and flagged. */
export async function screenRecipients<T extends { row: number; email: string }>(checker: RecipientChecker, rows: T[]): Promise<ScreenedRows<T>> {
  const out: ScreenedRows<T> = { keep: [], errors: [], flagged: [] };
  if (rows.length === 0) return out;
  const verdicts = await checker.check(rows.map((r) => r.email));
  for (const r of rows) {
    const v = verdicts.get(r.email)!;
    if (!v.deliverable) {
      out.errors.push({ row: r.row, message: v.message! });
      continue;
    }
    out.keep.push(r);
    if (v.flags.length) out.flagged.push({ row: r.row, email: r.email, flags: v.flags, message: v.message! });
  }
  return out;
}

/**
 * The add path's check (POST /api/prospects): a domain that takes no mail is 422 and nothing is
 * written; flags come back beside the new prospect.
 */
export async function checkNewRecipient(checker: RecipientChecker, email: string): Promise<{ flags: RecipientFlag[]; message: string | null }> {
  const verdict = (await checker.check([email])).get(email)!;
  if (!verdict.deliverable) {
    throw new ApiError('UNPROCESSABLE', `${email} cannot receive mail: ${verdict.message!.replace(/; not imported$/, '')}`, [{ path: 'email', message: verdict.message!.replace(/; not imported$/, '') }]);
  }
  return { flags: verdict.flags, message: verdict.message };
}

/**
 * The edit path's check (PATCH /api/prospects/:id, the console's edit form): an address that
 * changes is checked as on add; an unchanged one (or none given) is not looked up again.
 */
export async function checkChangedRecipient(checker: RecipientChecker, current: { email: string }, email: string | undefined) {
  if (email === undefined || email === current.email) return undefined;
  return checkNewRecipient(checker, email);
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
