import type { BounceReason } from '../../../../../shared/contracts/replies';
import { header, type ParsedInbound } from './parse';
import { statusName as statusReason } from './sisimai-reason';

/**
 * The reporting MTA's own error texts, the way Sisimai's per-MTA decoders ("Lhost" modules) read
 * them. Each MTA is recognised by the headers it writes, and its table maps the fixed strings in
 * its source code (Exim's deliver.c / routers, qmail-remote.c / qmail-local.c, Exchange 2007's
 * NDR subjects) to a reason.
 *
 * Sisimai re-reads some of these verdicts with its general rules (`RETRIED`): for those the MTA's
 * table only decides when the general rules find nothing. The others stand.
 */
export interface LocalHostVerdict {
  reason: BounceReason;
  /** The general rules may overrule it (Sisimai's `Reason.retry` list). */
  retried: boolean;
}

export interface LocalHostEvidence {
  diagnostic: string;
  notice: string;
  command: string | null;
  status: string | null;
  /** The DSN's own Status field, before the server's answer was read for a better one. */
  dsnStatus?: string | null;
  recipient: string | null;
  /** Hosts the report names as the answering server. */
  hosts: string[];
}

export function reasonOfLocalHost(p: ParsedInbound, e: LocalHostEvidence): LocalHostVerdict | null {
  if (isDocomo(e)) {
    const reason = docomo(e);
    return reason ? { reason, retried: false } : null;
  }
  const vendor = isOffice365(p) ? office365(e) : isWorkMail(p) ? workMail(e) : isGmailNotice(p) ? gmail(e) : null;
  if (vendor) return { reason: vendor, retried: RETRIED.has(vendor) };
  const reason = isExim(p)
    ? exim(e.diagnostic || e.notice, e.command)
    : isQmail(p)
      ? qmail(e.diagnostic, e.notice, e.command)
      : isExchange2007(p)
        ? exchange2007(`${e.diagnostic}\n${e.notice}`)
        : isExchange2003(p)
          ? exchange2003(`${e.diagnostic}\n${e.notice}`)
          : isCourier(p)
            ? listed(COURIER, e.diagnostic || e.notice)
            : isDragonFly(p)
              ? listed(DRAGONFLY, e.notice)
              : isKddi(p)
          ? kddi(p, e)
          : isVerizon(p)
            ? verizon(`${e.diagnostic}\n${e.notice}`)
            : isGoogleWorkspace(p)
              ? googleWorkspace(e.notice)
              : null;
  return reason ? { reason, retried: RETRIED.has(reason) } : null;
}

/** Sisimai's `Reason.retry`: reasons its general rules look at again, whoever set them. */
const RETRIED: ReadonlySet<BounceReason> = new Set(['undefined', 'onhold', 'systemerror', 'securityerror', 'expired', 'suspend', 'networkerror', 'hostunknown', 'userunknown']);

// --- Exim -----------------------------------------------------------------------------------

/** Two of: its daemon's From name, its message-id shape (`<XXXXXXX-XXXXXX-XX@`), its bounce subjects. */
function isExim(p: ParsedInbound): boolean {
  let signs = 0;
  if (/^\s*"?mail delivery system/i.test(header(p, 'from'))) signs++;
  if (/^\s*<\w{7}-\w{6}-\w{2}@/.test(header(p, 'message-id'))) signs++;
  if (/mail delivery failed|warning: message \S+ delayed|delivery status notification|mail failure|message frozen|error\(s\) in forwarding or filtering/i.test(p.subject)) signs++;
  return signs >= 2;
}

/** Exim's own messages (deliver.c, route.c, routers/dnslookup.c, transports/*.c, parser.c). */
const EXIM: Array<[BounceReason, string[]]> = [
  ['userunknown', ['user not found']],
  ['hostunknown', ['all host address lookups failed permanently', 'all relevant mx records point to non-existent hosts', 'unrouteable address']],
  ['mailboxfull', ['mailbox is full', 'error: quota exceed']],
  ['notaccept', ['an mx or srv record indicated no smtp service', 'no host found for existing smtp connection']],
  ['syntaxerror', ['angle-brackets nested too deep', 'expected word or "<"', 'domain missing in source-routed address', 'malformed address:']],
  ['systemerror', ['delivery to file forbidden', 'delivery to pipe forbidden', 'local delivery failed', 'lmtp error after ']],
  ['contenterror', ['too many "received" headers']],
];

/** Exim's retry / freeze messages (retry.c, deliver.c, smtp.c, receive.c): the queue gave up. */
const EXIM_DELAYED = ['retry timeout exceeded', 'no action is required on your part', 'retry time not reached for any host after a long failure period', 'all hosts have been failing for a long time and were last tried', 'delay reason: ', 'has been frozen', 'was frozen on arrival by '];

function exim(text: string, command: string | null): BounceReason | null {
  if (command === 'HELO' || command === 'EHLO') return 'blocked';
  if (command === 'MAIL') return 'onhold';
  const lower = text.toLowerCase();
  for (const [reason, strings] of EXIM) if (strings.some((s) => lower.includes(s))) return reason;
  return EXIM_DELAYED.some((s) => lower.includes(s)) ? 'expired' : null;
}

// --- qmail ----------------------------------------------------------------------------------

/** Its bounce subject, or its Received stamp ("(qmail 123 invoked for bounce)"). */
function isQmail(p: ParsedInbound): boolean {
  if (p.subject.trim() === 'failure notice') return true;
  return (p.headers.get('received') ?? []).some((r) => /\(qmail \d+ invoked (for bounce|from network)\)/i.test(r));
}

/**
 * qmail-local.c, qmail-remote.c, error_str.c, qmail-smtpd.c (and notqmail's null-MX answer),
 * matched as written (case-sensitive, as Sisimai's decoder does: "Unable to" is qmail's own
 * capitalised message, "unable to deliver" in a notice's prose is not). " does not like
 * recipient." is not here: it only says the refusal answered RCPT TO, whatever the reason.
 */
const QMAIL: Array<[BounceReason, string[]]> = [
  ['userunknown', ['no mailbox here by that name']],
  ['mailboxfull', ['disk quota exceeded']],
  ['mesgtoobig', ['Message size exceeds fixed maximum message size:']],
  ['hostunknown', ["Sorry, I couldn't find any host "]],
  ['systemfull', ['Requested action not taken: mailbox unavailable (not enough free space)']],
  ['systemerror', ['bad interpreter: No such file or directory', 'system error', 'Unable to']],
  ['networkerror', ["Sorry, I wasn't able to establish an SMTP connection", "Sorry. Although I'm listed as a best-preference MX or A for that host"]],
  // notqmail 1.08 answers a null MX (RFC 7505) this way.
  ['notaccept', ["Sorry, I couldn't find a mail exchanger or IP address"]],
];

/** The qmail-ldap patch's messages. */
const QMAIL_LDAP: Array<[BounceReason, string[]]> = [
  ['suspend', ['Mailaddress is administrativley disabled', 'Mailaddress is administrativly disabled', 'Mailaddress is administratively disabled', 'Mailaddress is administrativeley disabled']],
  ['exceedlimit', ['The message exeeded the maximum size the user accepts']],
  ['userunknown', ['Sorry, no mailbox here by that name']],
  ['systemerror', ['Automatic homedir creator crashed', 'Illegal value in LDAP attribute', 'LDAP attribute is not given but mandatory', 'Timeout while performing search on LDAP server', 'Too many results returned but needs to be unique', 'Permanent error while executing qmail-forward', 'Temporary error in automatic homedir creation', 'Temporary error while executing qmail-forward', 'Temporary failure in LDAP lookup', 'Unable to contact LDAP server', 'Unable to login into LDAP server, bad credentials']],
];

/**
 * Sisimai's qmail decoder: a refused HELO is `blocked`; a recipient refused and then left in
 * the queue (qmail-remote-fallback) is for the general rules; else the "Remote host said:"
 * line, then the recipient's whole block, against qmail's own messages. The general rules
 * read everything else (a sender refused at MAIL FROM among them).
 */
function qmail(diagnostic: string, notice: string, command: string | null): BounceReason | null {
  if (command === 'HELO' || command === 'EHLO') return 'blocked';
  // Each recipient's own block (`<a@b>:` up to the next one): another recipient's failure in
  // the same notice says nothing about this one.
  const block = (diagnostic || notice).replace(/\s+/g, ' ');
  if (aligned(block, [' does not like recipient.', 'this message has been in the queue too long.'])) return 'onhold';
  const remoteSaid = /Remote host said:[^\n]*/.exec(diagnostic || notice)?.[0] ?? '';
  for (const text of [remoteSaid, block]) {
    if (!text) continue;
    const found = QMAIL.find(([, strings]) => strings.some((s) => text.includes(s)))?.[0] ?? QMAIL_LDAP.find(([, strings]) => strings.some((s) => text.includes(s)))?.[0];
    if (found) return found;
    if (text.includes('this message has been in the queue too long.')) return 'expired';
  }
  return null;
}

/** Every part occurs, each after the end of the previous one (Sisimai's `Aligned`). */
function aligned(text: string, parts: string[]): boolean {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return true;
}

// --- Microsoft Office 365 / Exchange Online ----------------------------------------------------

/** Two of its NDR signs: its subjects, its X-MS-Exchange / antispam headers, an outlook.com Received hop or Message-ID. */
function isOffice365(p: ParsedInbound): boolean {
  let signs = 0;
  if (/Undeliverable:|Onbestelbaar:|Não_entregue:|Não entregue:/.test(p.subject)) signs++;
  for (const h of ['x-ms-exchange-message-is-ndr', 'x-microsoft-antispam-prvs', 'x-exchange-antispam-report-test', 'x-exchange-antispam-report-cfa-test', 'x-ms-exchange-crosstenant-originalarrivaltime', 'x-ms-exchange-crosstenant-fromentityheader', 'x-ms-exchange-transport-crosstenantheadersstamped']) {
    if (p.headers.has(h)) signs++;
  }
  const outlook = /.+\.(?:outbound\.protection|prod)\.outlook\.com\b/;
  if ((p.headers.get('received') ?? []).some((r) => outlook.test(r))) signs++;
  if (outlook.test(header(p, 'message-id'))) signs++;
  return signs >= 2;
}

/**
 * Office 365's status codes and what they mean (Microsoft's "Email non-delivery reports in
 * Office 365" table, as Sisimai's Office365 decoder reads it): e.g. 5.1.10 RecipientNotFound is
 * a missing mailbox (not RFC 7505's null MX), 4.4.7 / 5.4.316 an expiry, 5.7.60x a blocked IP.
 * The code is the DSN's, or the answer's own when the DSN gives none or only X.0.0.
 */
const OFFICE365: Array<[RegExp, BounceReason]> = [
  [/^4\.4\.7$/, 'expired'], [/^4\.4\.312$/, 'networkerror'], [/^4\.4\.316$/, 'expired'], [/^4\.7\.26$/, 'authfailure'], [/^4\.7\.[56]\d\d$/, 'blocked'],
  [/^4\.7\.8[5-9]\d$/, 'blocked'], [/^5\.0\.350$/, 'contenterror'], [/^5\.1\.10$/, 'userunknown'], [/^5\.4\.1$/, 'norelaying'], [/^5\.4\.6$/, 'networkerror'],
  [/^5\.4\.312$/, 'networkerror'], [/^5\.4\.316$/, 'expired'], [/^5\.6\.11$/, 'contenterror'], [/^5\.7\.1$/, 'rejected'], [/^5\.7\.1[23]$/, 'rejected'],
  [/^5\.7\.124$/, 'rejected'], [/^5\.7\.13[3-6]$/, 'rejected'], [/^5\.7\.23$/, 'blocked'], [/^5\.7\.25$/, 'networkerror'], [/^5\.7\.50[1-3]$/, 'spamdetected'],
  [/^5\.7\.50[45]$/, 'filtered'], [/^5\.7\.50[67]$/, 'blocked'], [/^5\.7\.508$/, 'toomanyconn'], [/^5\.7\.509$/, 'authfailure'], [/^5\.7\.510$/, 'notaccept'],
  [/^5\.7\.511$/, 'rejected'], [/^5\.7\.512$/, 'policyviolation'], [/^5\.7\.57$/, 'securityerror'], [/^5\.7\.60[6-9]$/, 'blocked'], [/^5\.7\.6[1-4]\d$/, 'blocked'],
  [/^5\.7\.7[0-4]\d$/, 'toomanyconn'],
];

function office365(e: LocalHostEvidence): BounceReason | null {
  const field = e.dsnStatus ?? null;
  const code = !field || /\.0\.0$/.test(field) ? (e.status ?? field) : field;
  if (!code) return null;
  return OFFICE365.find(([re]) => re.test(code))?.[1] ?? null;
}

// --- Amazon WorkMail ---------------------------------------------------------------------------

/** Two of: its DSN subject, an X-SES-Outgoing stamp, its X-Mailer (not sent by SES itself). */
function isWorkMail(p: ParsedInbound): boolean {
  // Amazon SES's own notices carry the same subject and stamp; Sisimai's SES decoder reads them first.
  if (/@amazonses\.com/i.test(header(p, 'from'))) return false;
  let signs = 0;
  if (/Delivery[_ ]Status[_ ]Notification[_ ].*Failure/.test(p.subject)) signs++;
  if (p.headers.has('x-ses-outgoing')) signs++;
  if (header(p, 'x-mailer').trim() === 'Amazon WorkMail') signs++;
  return signs >= 2;
}

/**
 * WorkMail's verdict is its own Status field's meaning (Sisimai's AmazonWorkMail decoder): a
 * "554 4.4.7 Message expired … <421 4.4.2 Connection timed out>" is an expiry (4.4.7), though
 * the server's last answer was a dropped connection. An X.0.0 / X.1.0 field gives way to the
 * answer's own code.
 */
function workMail(e: LocalHostEvidence): BounceReason | null {
  const field = e.dsnStatus ?? null;
  const code = !field || /^[45]\.[01]\.0$/.test(field) ? e.status : field;
  return code ? statusReason(code) || null : null;
}

// --- Microsoft Exchange Server 2007 ---------------------------------------------------------

/** Its "Undeliverable:" subject with a Content-Language header. */
function isExchange2007(p: ParsedInbound): boolean {
  return p.subject.startsWith('Undeliverable:') && /^[a-z]{2}(-[A-Z]{2})?$/.test(header(p, 'content-language').trim());
}

/** Exchange 2007's NDR subjects ("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"). */
const EXCHANGE2007: Record<string, BounceReason> = {
  'smtpsend.dns.nonexistentdomain': 'hostunknown',
  'smtpsend.dns.mxloopback': 'networkerror',
  'resolver.adr.badprimary': 'systemerror',
  'resolver.adr.recipnotfound': 'userunknown',
  'resolver.adr.exrecipnotfound': 'userunknown',
  'resolver.adr.reciplimit': 'toomanyconn',
  'resolver.adr.invalidinsmtp': 'systemerror',
  'resolver.adr.ambiguous': 'systemerror',
  'resolver.rst.authrequired': 'securityerror',
  'resolver.rst.notauthorized': 'rejected',
  'resolver.rst.recipsizelimit': 'mesgtoobig',
  'queue.expired': 'expired',
};

function exchange2007(text: string): BounceReason | null {
  const m = /\s((?:resolver|queue|smtpsend)\.[a-z]+(?:\.\w+)?);/i.exec(text);
  return m ? (EXCHANGE2007[m[1]!.toLowerCase()] ?? null) : null;
}

// --- au by KDDI -----------------------------------------------------------------------------

/** Its no-reply sender on dion.ne.jp, its app reply-to, or its ezweb / au.com Received hosts. */
function isKddi(p: ParsedInbound): boolean {
  if (/no-reply@.*\.dion\.ne\.jp/i.test(header(p, 'from'))) return true;
  if (header(p, 'reply-to').trim() === 'no-reply@app.auone-net.jp') return true;
  return (p.headers.get('received') ?? []).some((r) => /ezweb\.ne\.jp \(|\.au\.com \(/i.test(r));
}

const KDDI: Array<[BounceReason, string]> = [
  ['mailboxfull', 'as their mailbox is full'],
  ['norelaying', 'due to the following smtp relay error'],
  ['hostunknown', 'as the remote domain doesnt exist'],
];

function kddi(p: ParsedInbound, e: LocalHostEvidence): BounceReason | null {
  if (header(p, 'x-spasign').trim() === 'NG') return 'filtered';
  if (e.command === 'RCPT') return 'userunknown';
  const lower = `${e.diagnostic}\n${e.notice}`.toLowerCase();
  return KDDI.find(([, s]) => lower.includes(s))?.[0] ?? null;
}

// --- Verizon (vtext.com, vzwpix.com) --------------------------------------------------------

function isVerizon(p: ParsedInbound): boolean {
  if (!(p.headers.get('received') ?? []).some((r) => r.includes('.vtext.com ('))) return false;
  const from = header(p, 'from');
  return from.includes('post_master@vtext.com') || /sysadmin@.*\.vzwpix\.com/i.test(from);
}

function verizon(text: string): BounceReason | null {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  return lower.includes('550 - requested action not taken: no such user here') || lower.includes('no valid recipients for this mm') ? 'userunknown' : null;
}

// --- Gmail's own notices (Google relaying a remote server's refusal) --------------------------

function isGmailNotice(p: ParsedInbound): boolean {
  return header(p, 'from').includes('<mailer-daemon@googlemail.com>') && p.subject.includes('Delivery Status Notification');
}

/**
 * Gmail ends the remote server's answer with the stage of its own SMTP client, "(state N)"
 * (Sisimai's Gmail decoder): 6 and 9 are TLS failures and 8 an AUTH failure, all system errors
 * on the remote side (the reason vocabulary our labels use; Sisimai 5.2 later split TLS out), 12
 * a relay refusal, 13 an EHLO refusal (blocked), 14 the answer to RCPT (userunknown), 15, 17
 * and 18 answers after DATA (a filter). Without a state, its own DNS / connection words.
 */
const GMAIL_STATES: Record<string, BounceReason> = {
  '6': 'systemerror', '8': 'systemerror', '9': 'systemerror', '12': 'norelaying', '13': 'blocked', '14': 'userunknown', '15': 'filtered', '17': 'filtered', '18': 'filtered',
};
const GMAIL: Array<[BounceReason, string[]]> = [
  ['expired', ['DNS Error: Could not contact DNS servers', 'Delivery to the following recipient has been delayed', 'The recipient server did not accept our requests to connect']],
  ['hostunknown', ['DNS Error: Domain name not found', 'DNS Error: DNS server returned answer with no data']],
];

function gmail(e: LocalHostEvidence): BounceReason | null {
  const text = e.notice.replace(/\s+/g, ' ');
  const state = / \(state (\d+)\)/.exec(text)?.[1];
  const reason = (state ? GMAIL_STATES[state] : undefined) ?? GMAIL.find(([, strings]) => strings.some((s) => text.includes(s)))?.[0] ?? null;
  if (!reason) return null;
  // A specific status code in the answer (no ".0" in it) names the reason itself.
  if (e.status && !e.status.includes('.0')) return statusReason(e.status) || reason;
  return reason;
}

// --- Google Workspace relaying to another host (no RFC 3464 part) ----------------------------

function isGoogleWorkspace(p: ParsedInbound): boolean {
  return p.deliveryStatus.length === 0 && header(p, 'from').includes('<mailer-daemon@googlemail.com>') && p.subject.includes('Delivery Status Notification');
}

function googleWorkspace(notice: string): BounceReason | null {
  return /because the address couldn't be found\. check for typos or unnecessary spaces and try again\./i.test(notice.replace(/\s+/g, ' ')) ? 'userunknown' : null;
}

// --- NTT docomo (Sisimai's Rhost for mfsmax.docomo.ne.jp) ------------------------------------

function isDocomo(e: LocalHostEvidence): boolean {
  return e.hosts.some((h) => h === 'mfsmax.docomo.ne.jp') || Boolean(e.recipient?.endsWith('@docomo.ne.jp'));
}

/**
 * docomo answers "550 Unknown user" to a filtered recipient too: the DSN status tells them apart
 * (5.1.1 unknown, 5.2.0 filtered), and under 5.0.0 the command does (RCPT unknown, DATA rejected).
 */
function docomo(e: LocalHostEvidence): BounceReason | null {
  if (e.status === '5.1.1') return 'userunknown';
  if (e.status === '5.2.0') return 'filtered';
  const lower = e.diagnostic.toLowerCase();
  if (lower.includes('552 too much mail data')) return 'mailboxfull';
  if (lower.includes('552 too many recipients')) return 'toomanyconn';
  if (/503 bad sequence of commands|504 command parameter not implemented/.test(lower)) return 'syntaxerror';
  if (e.status === '5.0.0' && e.command === 'RCPT') return 'userunknown';
  if (e.status === '5.0.0' && e.command === 'DATA') return 'rejected';
  return null;
}

/** The first reason of a table whose strings the text contains (case-insensitive). */
function listed(table: Array<[BounceReason, string[]]>, text: string): BounceReason | null {
  const lower = text.replace(/\s+/g, ' ').toLowerCase();
  return table.find(([, strings]) => strings.some((s) => lower.includes(s)))?.[0] ?? null;
}

// --- Microsoft Exchange Server 2003 ---------------------------------------------------------

/** Its X-MS-Embedded-Report, its Internet Mail Service / connector X-Mailer, its X-MimeOLE or Received stamp. */
function isExchange2003(p: ParsedInbound): boolean {
  if (p.headers.has('x-ms-embedded-report')) return true;
  if (/^(internet mail service \(|microsoft exchange server internet mail connector)/i.test(header(p, 'x-mailer').trim())) return true;
  if (/^produced by microsoft exchange/i.test(header(p, 'x-mimeole').trim())) return true;
  return (p.headers.get('received') ?? []).some((r) => r.includes(' with Internet Mail Service ('));
}

/** Its "MSEXCH:IMS:… (000C05A6) Unknown Recipient" error codes. */
const EXCHANGE2003: Record<string, BounceReason> = {
  '000B099C': 'onhold', '000B09AA': 'onhold', '000B09B6': 'onhold', // errors the remote MTA gave
  '000C05A6': 'userunknown',
  '00010256': 'systemerror', '000D06B5': 'systemerror', // too many recipients; no proxy for recipient
  '00120270': 'networkerror', // too many hops
  '00050311': 'contenterror', '000502CC': 'contenterror', // conversion to Internet format failed
  '000B0981': 'securityerror', // server does not support AUTH
  '000C0595': 'filtered', // ambiguous recipient
};

function exchange2003(text: string): BounceReason | null {
  const m = /MSEXCH:[^\n]*?\(([0-9A-F]{8})\)/i.exec(text);
  return m ? (EXCHANGE2003[m[1]!.toUpperCase()] ?? null) : null;
}

// --- Courier MTA ----------------------------------------------------------------------------

function isCourier(p: ParsedInbound): boolean {
  if (header(p, 'from').includes('Courier mail server at ')) return true;
  if (/NOTICE: mail delivery status\.|WARNING: delayed mail\./.test(p.subject)) return true;
  return /^\s*<courier\.[0-9A-F]+\./.test(header(p, 'message-id'));
}

/** courier/module.esmtp/esmtpclient.c. */
const COURIER: Array<[BounceReason, string[]]> = [
  ['hostunknown', ['no such domain.']],
  ['systemerror', ["this domain's dns violates rfc 1035."]],
  ['networkerror', ['dns lookup failed.']],
];

// --- DMA, the DragonFly Mail Agent ----------------------------------------------------------

function isDragonFly(p: ParsedInbound): boolean {
  return p.subject.includes('Mail delivery failed') && (p.headers.get('received') ?? []).some((r) => r.includes(' (DragonFly Mail Agent'));
}

/** dma.c / net.c. */
const DRAGONFLY: Array<[BounceReason, string[]]> = [
  ['expired', ['could not deliver for the last ']],
  ['hostunknown', ['dns lookup failure: host ']],
];

// --- fml, the mailing-list manager (fml.org) --------------------------------------------------

export interface FmlNotice {
  recipient: string;
  /** The notice's own lines for that address. */
  diagnosis: string;
  reason: BounceReason | null;
}

/** fml's error texts in its notice body (Sisimai's FML decoder), then in its Subject. */
const FML_BODY: Array<[BounceReason, string[]]> = [
  ['rejected', [' header may cause mail loop', 'NOT MEMBER article from ', 'reject mail from ', 'reject spammers:', 'You are not a member of this mailing list']],
  ['systemerror', [' has detected a loop condition so that', 'Duplicated Message-ID', 'Loop Back Warning:']],
  ['securityerror', ['Security alert:']],
];
const FML_SUBJECT: Array<[BounceReason, string[]]> = [
  ['rejected', [' are not member', 'NOT MEMBER article from ', 'reject mail ', 'Spam mail from a spammer is rejected']],
  ['systemerror', ['fml system error message', 'Loop Alert: ', 'Loop Back Warning: ', 'WARNING: UNIX FROM Loop']],
  ['securityerror', ['Security Alert']],
];

/**
 * fml returns a post it refuses (a non-member's article, a loop, a duplicated Message-ID) in a
 * notice of its own, sent from the list's `-admin` address with its X-MLServer stamp and a
 * `.FML` Message-ID. The address named `<…>` before "Original mail as follows:" is the one the
 * notice is about.
 */
export function fmlNotice(p: ParsedInbound): FmlNotice | null {
  if (!p.headers.has('x-mlserver')) return null;
  if (!/-admin@/i.test(header(p, 'from')) || !header(p, 'message-id').includes('.FML')) return null;
  const end = p.text.indexOf('Original mail as follows:');
  const lines = (end === -1 ? p.text : p.text.slice(0, end)).split(/\r?\n/).filter((l) => l.trim() !== '');
  let recipient: string | null = null;
  let diagnosis = '';
  for (const line of lines) {
    const m = /<([^<>\s]+@[^<>\s]+)>/.exec(line);
    if (m && !recipient) {
      recipient = m[1]!.toLowerCase();
      diagnosis = line;
    } else if (recipient && m) break;
    else diagnosis += ` ${line}`;
  }
  if (!recipient) return null;
  const said = diagnosis.replace(/\s+/g, ' ');
  const reason =
    FML_BODY.find(([, strings]) => strings.some((s) => said.includes(s)))?.[0] ?? FML_SUBJECT.find(([, strings]) => strings.some((s) => p.subject.includes(s)))?.[0] ?? null;
  return { recipient, diagnosis: said.trim(), reason };
}

// --- Sendmail version 5 -----------------------------------------------------------------------

export interface TranscriptRecord {
  recipient: string;
  /** The transcript lines about this recipient: the commands sent, the answers, the error line. */
  diagnosis: string;
  command: string | null;
}

/**
 * Sendmail 5 writes no RFC 3464 part: its "Returned mail: …" notice carries the session
 * transcript (savemail.c), one "While talking to host:" block per server, with the command sent
 * (`>>> RCPT To:<…>`), the server's answer (`<<< 550 …`) and the error line per recipient
 * (`550 <a@b>... User unknown`). As Sisimai's V5sendmail decoder reads it, a recipient's
 * diagnosis is everything said since the previous recipient (a refusal of MAIL FROM is about
 * the recipients that follow it), and its command the last one sent before its error line.
 */
export function v5sendmailTranscript(p: ParsedInbound, notice: string, commandOf: (line: string) => string | null): TranscriptRecord[] {
  if (!p.subject.startsWith('Returned mail: ') || p.deliveryStatus.length > 0) return [];
  const start = notice.indexOf('----- Transcript of session follows -----');
  if (start === -1) return [];
  const records: TranscriptRecord[] = [];
  let current: TranscriptRecord = { recipient: '', diagnosis: '', command: null };
  let remoteHost = '';
  let command: string | null = null;
  const before: string[] = [];
  for (const line of notice.slice(start).split(/\r?\n/).slice(1)) {
    if (/----- (Unsent message follows|No message was collected) -----/.test(line)) break;
    if (line.trim() === '') continue;
    if (line.startsWith('>>> ')) command = commandOf(line.slice(4));
    const addressed = / <[^<>\s]*@[^<>\s]*>\.\.\./.test(line) || line.toUpperCase().includes('>>> RCPT TO:');
    if (addressed) {
      const address = (/ <([^<>\s]*@[^<>\s]*)>\.\.\./.exec(line) ?? /:<([^<>\s]*@[^<>\s]*)>/.exec(line))?.[1]?.toLowerCase() ?? '';
      if (!remoteHost) {
        before.push(line);
        continue;
      }
      if (address === current.recipient || (command === 'MAIL' && line.startsWith('<<< '))) {
        current.diagnosis += ` ${line}`;
        command = null;
      } else {
        if (current.recipient) {
          records.push(current);
          current = { recipient: '', diagnosis: '', command: null };
        }
        current.recipient = address;
        current.diagnosis += ` ${line}`;
        current.command ??= command;
      }
    } else if (line.includes('While talking to ')) {
      remoteHost = /While talking to ([^\s:]+)/.exec(line)?.[1] ?? remoteHost;
    } else if (line.startsWith('>>> ') || line.startsWith('<<< ')) {
      current.diagnosis += ` ${line}`;
    } else {
      before.push(line);
    }
  }
  if (current.recipient) records.push(current);
  for (const r of records) {
    if (!r.diagnosis.trim()) r.diagnosis = before.join(' ');
    r.command ??= commandOf(r.diagnosis);
    r.diagnosis = r.diagnosis.replace(/\s+/g, ' ').trim();
  }
  return records;
}
