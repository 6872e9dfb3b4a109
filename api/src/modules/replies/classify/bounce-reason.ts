import type { BounceReason } from '../../../../../shared/contracts/replies';

export type { BounceReason };

/**
 * Hard or soft, from the reason alone — Sisimai's published rule, so that "hard" means the
 * same thing here as in the analyser our figures are measured against:
 * - `userunknown`, `hostunknown`, `hasmoved`: the address itself is gone → hard;
 * - `notaccept` (null MX, a host that accepts no mail): hard, unless its code is temporary (4xx);
 * - everything else (full mailboxes, filters, blocks, policy, reputation, expiry, …) is about
 *   the moment, the content or the sender → soft: try again later, never suppress.
 */
export function isHardBounce(reason: BounceReason, code: string | null = null): boolean {
  if (HARD.has(reason)) return true;
  if (reason === 'notaccept') return !code?.startsWith('4');
  return false;
}

export interface BounceEvidence {
  /** The server's own words for this recipient (Diagnostic-Code, or the notice's lines around it). */
  words: string;
  /** The whole free-text notice, read when `words` says nothing we know. */
  context?: string;
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  /** RFC 5321 reply code, e.g. `550`. */
  smtpCode?: string | null;
  /** The SMTP command the server was answering (`RCPT`, `DATA`, `MAIL`, `EHLO`), when the report says. */
  command?: string | null;
  /** The report is a delay notice (Action: delayed). */
  delayed?: boolean;
  /** RFC 3464 diagnostic type: `x-unix` (and other `x-` local types) means a local delivery program spoke, not a remote server. */
  diagnosticType?: string | null;
}

/**
 * The reason for one failure. Evidence, strongest first:
 * 1. a specific enhanced status code (RFC 3463; not X.0.0) whose meaning is unambiguous
 *    (`X.2.2` mailbox full, `X.1.6` moved, `X.7.25` no PTR, …) wins over any wording;
 * 2. the server's words, matched against phrase families per reason (below, each citing
 *    what it covers); they also refine the broad codes (`X.1.1` said after DATA is a filter,
 *    `X.7.1` may be a blocklist, spam or policy);
 * 3. the broad code's own meaning, then the SMTP command and the reply code;
 * 4. `onhold` when the server said something we cannot place, `undefined` when it said nothing.
 */
export function bounceReason(e: BounceEvidence): BounceReason {
  const reason = reasonOf(e);
  // A hard reason said with a temporary code (4xx, or 4.x.x) is a lookup or a server that may
  // answer differently tomorrow: a DNS "domain not found" under 4.0.0 is a failed lookup.
  if (reason === 'hostunknown' && isTemporary(e)) return 'networkerror';
  return reason;
}

function isTemporary(e: BounceEvidence): boolean {
  return e.status ? e.status.startsWith('4') : Boolean(e.smtpCode?.startsWith('4'));
}

/** Words only a recipient directory answers with (see `DIRECTORY_LOOKUP`). */
export function isDirectoryLookup(words: string): boolean {
  return DIRECTORY_LOOKUP.test(words);
}

function reasonOf(e: BounceEvidence): BounceReason {
  if (DIRECTORY_LOOKUP.test(e.words)) return 'userunknown';
  const byCode = reasonOfStatus(e.status);
  if (byCode && !REFINABLE.has(byCode)) return byCode;
  const settled = settledByCode(e, byCode);
  if (settled) return settled;
  // RFC 3464 §2.3.6: an `X-Unix` diagnostic is a local delivery program's exit (procmail,
  // a pipe), whatever words its error output happens to contain.
  let byWords = reasonOfWords(e.words) ?? (e.context ? reasonOfWords(e.context) : null);
  // X.7.x already says "security or policy": only a named cause refines it, not the generic
  // words every such refusal uses ("policy", "not allowed", "restricted").
  if (byCode === 'securityerror' && byWords === 'policyviolation' && !NAMED_POLICY.test(e.words)) byWords = null;
  if (e.diagnosticType && /^x-unix/.test(e.diagnosticType)) return byWords && LOCAL_MAILER_SAYS.has(byWords) ? byWords : 'mailererror';
  const command = e.command?.toUpperCase() ?? null;
  // Sisimai's spamdetected rule: content is only read after DATA, so spam words in an answer
  // to the connection, HELO, MAIL or RCPT name something else (a blocklist, a policy).
  if (byWords === 'spamdetected' && command && BEFORE_DATA.has(command)) byWords = reasonOfWords(e.words, 'spamdetected') ?? (e.context ? reasonOfWords(e.context, 'spamdetected') : null);
  // A refusal at connection or HELO is about our host, whatever the words name (an "invalid
  // domain" there is our HELO name); only the specific host checks say more.
  if ((command === 'EHLO' || command === 'HELO' || command === 'CONN') && !(byWords && HOST_CHECKS.has(byWords))) return 'blocked';
  if (byWords === 'userunknown') return unknownUserOrFilter(byCode, command);
  if (byWords) return byWords;
  // RFC 7504: 521 / 556 are the "this host (domain) accepts no mail" replies.
  if (e.smtpCode === '521' || e.smtpCode === '556') return 'notaccept';
  // An answer to MAIL FROM with no more specific words is about our sender address.
  if (command === 'MAIL' && (!byCode || REFINABLE.has(byCode))) return 'rejected';
  if (byCode) return byCode === 'userunknown' && command === 'DATA' ? 'filtered' : byCode;
  if (e.status && /^\d\.(6)\./.test(e.status)) return 'contenterror';
  if (e.status && /^\d\.7\./.test(e.status)) return 'securityerror';
  // RFC 5321 §4.2.2: 500–504 are syntax / command-sequence replies.
  if (e.smtpCode && /^[45]0[1-7]$/.test(e.smtpCode)) return 'syntaxerror';
  if (e.delayed) return 'expired';
  if (command === 'RCPT' && (e.smtpCode === '550' || e.smtpCode === '553') && !e.words.trim()) return 'userunknown';
  return `${e.words}${e.context ?? ''}`.trim() ? 'onhold' : 'undefined';
}

/**
 * Words only a recipient directory answers with, naming the address as absent from it
 * (Lotus Domino, Exchange 2003, Outlook.com notices): these are the RCPT-stage lookup whatever
 * command the report names. Office 365's resolver component (`RESOLVER.ADR.RecipientNotFound`)
 * is as explicit, and is believed over its vendor use of 5.1.10. Yahoo's "this user doesn't have
 * a … account" and Gmail's "the email account that you tried to reach does not exist" are not
 * here: the provider tables read them (Gmail's only under 5.1.1); elsewhere, without X.1.1 or
 * RCPT, they follow Sisimai's general rule and read as a filter.
 */
const DIRECTORY_LOOKUP = re([
  'not listed in (the )?(domino )?directory', 'ディレクトリには見つかりません', 'recipient name is not recognized', 'requested action not taken: mailbox unavailable',
  "address could ?n[o']t be found", 'resolver\\.adr\\.recipient ?not ?found',
]);

/**
 * Sisimai's first pass (its ClassOrder): each reason in turn asks "is it me?", the status code
 * naming it or its own phrases. So a code naming `userunknown` or `hostunknown` stands against
 * the phrases of any reason later in that order, and gives way only to an earlier reason's
 * phrases and to the named exceptions:
 * - X.1.1 gives way to the words of a relay refusal, a block, a full or moved mailbox, a sender
 *   refusal or a host that accepts no mail (Sisimai's UserUnknown pre-matches);
 * - X.4.4 / X.1.2 give way to DNS / network trouble ("to prevent classifying DNS errors as
 *   HostUnknown").
 * Vendor details under the subject (5.1.351) are not the code itself and stay refinable.
 */
function settledByCode(e: BounceEvidence, byCode: BounceReason | null): BounceReason | null {
  if (byCode !== 'userunknown' && byCode !== 'hostunknown') return null;
  if (e.diagnosticType && /^x-unix/.test(e.diagnosticType)) return null;
  if (!e.status || !EXACT_CODES.has(e.status.slice(2))) return null;
  const byWords = reasonOfWords(e.words);
  if (!byWords || byWords === byCode) return byCode;
  const at = FIRST_PASS.indexOf(byWords);
  if (at !== -1 && at < FIRST_PASS.indexOf(byCode)) return null;
  if (byCode === 'userunknown') return USERUNKNOWN_YIELDS.has(byWords) ? null : 'userunknown';
  return byWords === 'networkerror' ? null : 'hostunknown';
}

const FIRST_PASS: BounceReason[] = ['mailboxfull', 'mesgtoobig', 'exceedlimit', 'suspend', 'hasmoved', 'norelaying', 'authfailure', 'userunknown', 'filtered', 'requireptr', 'notcompliantrfc', 'badreputation', 'contenterror', 'rejected', 'hostunknown', 'spamdetected', 'toomanyconn', 'blocked'];
const USERUNKNOWN_YIELDS: ReadonlySet<BounceReason> = new Set(['norelaying', 'blocked', 'mailboxfull', 'hasmoved', 'rejected', 'notaccept']);
/** The codes Sisimai's table names `userunknown` / `hostunknown` (not a vendor's detail under the subject). */
const EXACT_CODES: ReadonlySet<string> = new Set(['1.0', '1.1', '1.3', '1.2', '4.4']);

/** SMTP stages before the message content is sent. */
const BEFORE_DATA: ReadonlySet<string> = new Set(['CONN', 'EHLO', 'HELO', 'MAIL', 'RCPT']);

/** Checks of the connecting host that keep their own reason even at connection / HELO time. */
const HOST_CHECKS: ReadonlySet<BounceReason> = new Set(['requireptr', 'badreputation', 'ratelimited', 'toomanyconn', 'failedstarttls', 'notaccept']);

/** The policy refusals Sisimai's policyviolation names (the early family), as opposed to the generic words. */
const NAMED_POLICY = re(['rejected for policy reasons', 'not accepted for policy reasons', 'denied by policy', 'header error', 'protocol violation', 'content presents a potential', 'organi[sz]ation(al)? (policy|settings)', 'mass mailer', 'closed mailing list', 'local policy']);

/** What a local delivery program (X-Unix diagnostic) can still tell us precisely: the local disk or quota. */
const LOCAL_MAILER_SAYS: ReadonlySet<BounceReason> = new Set(['mailboxfull', 'systemfull', 'mesgtoobig', 'exceedlimit', 'suspend']);

/** The phrase family that matches first, or null. Exported for the unit tests of each family. */
export function reasonOfWords(text: string, except?: BounceReason): BounceReason | null {
  if (!text) return null;
  for (const [reason, re] of PHRASES) if (reason !== except && re.test(text)) return reason;
  return null;
}

/** What a specific RFC 3463 code means in Sisimai's vocabulary; null for X.0.0 and codes with no single meaning. */
export function reasonOfStatus(status: string | null): BounceReason | null {
  if (!status) return null;
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status);
  if (!m) return null;
  const [, klass, subject, detail] = m;
  if (klass === '2') return 'delivered';
  if (subject === '0' && detail === '0') return null;
  const code = `${subject}.${detail}`;
  // Vendor details under a known subject (Office 365's 5.1.351, 5.4.310…) keep the subject's meaning.
  if (klass === '4') return TEMPORARY_CODES[code] ?? null;
  return CODES[code] ?? SUBJECTS[subject!] ?? null;
}

const HARD: ReadonlySet<BounceReason> = new Set(['userunknown', 'hostunknown', 'hasmoved']);

/**
 * Reasons a code can only suggest: servers say 5.1.1 for a content filter, 5.7.1 for
 * everything from a blocklist to a virus, 4.4.x for any network trouble. Words refine them.
 */
const REFINABLE: ReadonlySet<BounceReason> = new Set(['userunknown', 'hostunknown', 'securityerror', 'systemerror', 'networkerror', 'expired', 'filtered', 'blocked', 'toomanyconn']);

/**
 * "User unknown" is only believed when the code says X.1.x or the server said it in answer
 * to RCPT TO (Sisimai's documented rule for `userunknown`). The same words under any other
 * code, after DATA, or with neither code nor command, are a filter speaking (`filtered`):
 * spam appliances and Japanese carriers answer "unknown user" to mail they refuse, and a
 * wrong hard bounce suppresses a good prospect for ever. (Whether the reply names the
 * address was tried as a further sign on the dev part: it split evenly, so it is not used.)
 */
function unknownUserOrFilter(byCode: BounceReason | null, command: string | null): BounceReason {
  if (byCode === 'userunknown' || byCode === 'hostunknown') return 'userunknown';
  return command === 'RCPT' ? 'userunknown' : 'filtered';
}

/** RFC 3463 subject.detail → reason, for permanent (5.x.x) codes and, unless overridden below, temporary ones. */
const CODES: Record<string, BounceReason> = {
  '1.0': 'userunknown', // other address status
  '1.1': 'userunknown', // bad destination mailbox address
  '1.2': 'hostunknown', // bad destination system address
  '1.3': 'userunknown', // bad destination mailbox address syntax
  '1.4': 'filtered', // destination mailbox address ambiguous
  '1.6': 'hasmoved', // mailbox has moved, no forwarding address
  '1.7': 'rejected', // bad sender's mailbox address syntax
  '1.8': 'rejected', // bad sender's system address
  '1.9': 'systemerror', // relayed to a non-compliant mailer
  '1.10': 'notaccept', // recipient address has null MX (RFC 7505)
  '2.0': 'filtered', // other mailbox status: the mailbox exists
  '2.1': 'filtered', // mailbox disabled, not accepting messages
  '2.2': 'mailboxfull',
  '2.3': 'exceedlimit', // message length exceeds the mailbox's limit
  '2.4': 'filtered', // mailing list expansion problem
  '3.0': 'systemerror',
  '3.1': 'systemfull',
  '3.2': 'notaccept', // system not accepting network messages
  '3.3': 'systemerror',
  '3.4': 'mesgtoobig',
  '3.5': 'systemerror', // system incorrectly configured
  '4.0': 'networkerror',
  '4.3': 'systemerror', // directory server failure
  '4.4': 'hostunknown', // unable to route
  '4.6': 'networkerror', // routing loop detected (X.4.x: network and routing status)
  '5.2': 'syntaxerror',
  '5.3': 'toomanyconn', // too many recipients
  '5.4': 'systemerror',
  '5.5': 'systemerror',
  '5.6': 'syntaxerror',
  '6.0': 'contenterror', '6.1': 'contenterror', '6.2': 'contenterror', '6.3': 'contenterror', '6.5': 'contenterror', '6.6': 'contenterror', '6.7': 'contenterror', '6.8': 'contenterror', '6.9': 'contenterror',
  '7.0': 'securityerror', '7.1': 'securityerror', '7.2': 'securityerror', '7.3': 'securityerror', '7.4': 'securityerror', '7.5': 'securityerror',
  '7.6': 'securityerror', '7.7': 'securityerror', '7.8': 'securityerror', '7.9': 'securityerror', '7.10': 'securityerror', '7.11': 'securityerror',
  '7.13': 'suspend', // user account disabled
  '7.14': 'securityerror', '7.15': 'securityerror',
  '7.16': 'mesgtoobig', // too big for the specified priority
  '7.17': 'hasmoved', // mailbox owner has changed (RFC 7293)
  '7.18': 'hasmoved', // domain owner has changed
  '7.19': 'securityerror',
  '7.20': 'authfailure', '7.21': 'authfailure', '7.22': 'authfailure', // DKIM (RFC 7372)
  '7.23': 'authfailure', '7.24': 'authfailure', // SPF (RFC 7208)
  '7.25': 'requireptr', // reverse DNS validation failed
  '7.26': 'authfailure', // multiple authentication checks failed
  '7.27': 'notaccept', // sender address has null MX
  '7.28': 'spamdetected', // mail flood
  '7.29': 'authfailure', // ARC
  '7.30': 'failedstarttls', // REQUIRETLS
};

/** Subjects (RFC 3463 §3) when the detail is a vendor's own. */
const SUBJECTS: Record<string, BounceReason> = { '1': 'userunknown', '2': 'filtered', '3': 'systemerror', '4': 'networkerror', '6': 'contenterror', '7': 'securityerror' };

/** Temporary codes whose meaning differs from the permanent one. */
const TEMPORARY_CODES: Record<string, BounceReason> = {
  '1.6': 'hasmoved', '1.7': 'rejected', '1.8': 'rejected', '1.9': 'systemerror',
  '2.1': 'suspend', // mailbox temporarily disabled
  '2.2': 'mailboxfull', '2.3': 'exceedlimit', '2.4': 'filtered',
  '3.1': 'systemfull', '3.2': 'notaccept', '3.3': 'systemerror', '3.5': 'systemerror',
  '4.1': 'expired', // no answer from host
  '4.2': 'networkerror', // bad connection
  '4.3': 'systemerror', // directory server failure
  '4.4': 'networkerror', // unable to route (for now)
  '4.5': 'systemfull', // mail system congestion
  '4.6': 'networkerror', // routing loop
  '4.7': 'expired', // delivery time expired
  '4.8': 'networkerror', // retry on IPv4
  '5.3': 'systemerror', '5.5': 'systemerror',
  '6.0': 'contenterror', '6.2': 'contenterror', '6.5': 'contenterror',
  '7.1': 'blocked', // delivery not authorised, try later
  '7.2': 'blocked',
  '7.5': 'securityerror', '7.6': 'securityerror', '7.7': 'securityerror', '7.12': 'securityerror', '7.15': 'securityerror',
  '7.16': 'mesgtoobig', '7.24': 'authfailure', '7.25': 'requireptr', '7.26': 'authfailure',
};


/**
 * Phrase families, checked in this order (the narrower families first, as Sisimai orders its
 * reason classes): each names the words MTAs and mailbox providers write for that reason.
 */
const PHRASES: Array<[BounceReason, RegExp]> = [
  // Explicit statements that outrank the broader families below: the queue gave up ("message
  // expired", even with a connection error beside it), or the server named its policy.
  ['expired', re(['message expired', 'delivery time expired', 'message (has )?timed out in (the )?queue'])],
  // Sisimai's policyviolation definitions: the receiver's stated policy, protocol or header rules.
  ['policyviolation', re(['rejected for policy reasons', 'not accepted for policy reasons', 'denied by policy', 'header error', 'protocol violation', 'content presents a potential', 'organi[sz]ation(al)? (policy|settings)', 'mass mailer', 'closed mailing list',
    // Sisimai's policyviolation list.
    'an illegal attachment on your message', 'because the recipient is not accepting mail with ', 'non-member to a members-only list', 'email rejected due to security policies',
    'message given low priority', 'is not subscribed to this group', 'do not accept messages containing images or other attachments', 'posts without solving a captcha'])],
  // Gmail's DMARC refusal ("Unauthenticated email from x is not accepted due to domain's DMARC policy").
  ['authfailure', re(['unauthenticated email from'])],
  // SMTP AUTH (RFC 4954) required: a security condition of the session, not a policy on content.
  ['securityerror', re(['unauthenticated', 'authentication (is )?required', 'must (authenticate|log ?in)',
    // Sisimai's securityerror list.
    'account not subscribed to ses', 'authentication turned on in your email client', 'executable files are not allowed in compressed files', 'verification failure', 'authentication credentials invalid'])],
  ['syntaxerror', re(['malformed address', 'improper sequence of commands', 'bad sequence of commands'])],
  // X.2.2 and its words: quota, full mailbox, storage.
  ['mailboxfull', re([
    'mailbox (is )?full', 'mailbox_full', 'full mailbox', 'over ?quota', 'quota (exceeded|full|violation)', 'exceed(ed|s)? (the |his |her |its |their )?(storage|quota|mailbox size|disk)',
    'mailbox size limit', 'insufficient (disk )?(space|storage)', 'not enough (disk )?(space|storage)', 'disk quota', "user'?s? (disk|mailbox) (is )?(full|over)", 'too many messages in',
    'storage (allocation|limit|quota)', 'out of storage', 'mailbox has exceeded', 'mailbox exceeded', 'full and cannot accept', 'account is full', 'mailbox (is )?over', 'mail ?box (storage )?limit',
    'inbox is full', 'has exceeded (its|the) (quota|storage)', 'user over limit', 'not enough storage',
    // Sisimai's mailboxfull list.
    'account disabled temporarly for exceeding receiving limits', 'account is exceeding their quota', 'boite du destinataire pleine', 'does not have enough space', 'exceeding its mailbox quota', 'mail file size exceeds the maximum size allowed for mail delivery', 'mailbox quota usage exceeded', 'mailfolder is full', 'over the allowed quota', 'mailbox would exceed maximum allowed storage', 'the user\'s space has been used up', 'too much mail data', 'user has too many messages on the server', 'user is over the quota',
  ])],
  // X.3.4 / 552 size: the message is larger than the server takes.
  ['mesgtoobig', re(['exceeded maximum inbound message size', 'max message size exceeded', 'message file too big', 'size limit', 'message (size )?(is )?too (big|large)', 'exceeds? (the )?(maximum |fixed maximum )?(allowed )?(message )?size', 'message size exceeds', 'size limit exceeded', 'message length exceeds', 'message too large', 'email size exceeds', 'mail too large'])],
  // X.2.3 / X.5.3: a per-mailbox or per-message limit other than size.
  ['exceedlimit', re(['message header size exceeds', 'exceeded (the )?(maximum )?number of recipients', 'recipients? limit exceeded'])],
  // Sisimai lists these inactive-address phrases as userunknown, not suspend (checked before the account states below).
  ['userunknown', re(['mailbox is inactive', 'user not active', 'is not an active address at this host'])],
  // X.2.1 and account states: the mailbox exists but is switched off for now.
  ['suspend', re([
    'temporar(il)?y (locked|suspended|disabled|deactivated)', '(mailbox|account|user|recipient|address) (is |has been |was )?(frozen|locked|suspended|inactive|not active|deactivated|disabled|blocked|on hold|expired)',
    'inactive (user|account|mailbox)', 'disabled (recipient|user|mailbox|account)', 'disabled or discontinued', 'discontinued', 'is disabled', 'account (has been |is )?(closed|terminated)', 'no longer (active|available)',
    'disableduser', 'mailbox unavailable.{0,40}(suspend|disabled)', 'recipient (is )?suspended', 'service (is )?(suspended|stopped) for (this|the) (user|account)', 'user (has been )?suspended',
    // Sisimai's suspend list.
    'is currently suspended', 'boite du destinataire archivee', 'is a deactivated mailbox', 'mailbox currently suspended', 'mailbox unavailable or access denied', 'recipient rejected: temporarily inactive', 'recipient suspend the service',
  ])],
  // X.1.6 / X.7.17: the address existed, its owner moved on without forwarding.
  ['hasmoved', re(['address [^\\n]{1,200} has been replaced by ', 'has (been )?moved', 'address (has )?changed', 'moved (to|permanently)', 'no forwarding address', 'no longer (on|at) (this )?server', 'recipient no longer on server', 'user not local', 'mailbox owner has changed'])],
  // 5.7.1 relaying: the server is not the recipient's, and will not pass the mail on.
  ['norelaying', re(['relay(ing)? (access )?(denied|not (allowed|permitted))', 'not permitted to relay', 'unable to relay', 'we do not relay', 'relaying (is )?(not )?(allowed|permitted|denied)', 'relay not permitted', 'relay(ing)? prohibited', "isn'?t allowed to relay", 'not a gateway', 'no relaying',
    // Sisimai's norelaying list.
    'insecure mail relay', 'requires authentication when attempting to send to a non-local', 'not allowed to relay through this machine', "that domain isn'?t in my list of allowed rcpthost"])],
  // X.7.20–26: SPF, DKIM, DMARC, ARC.
  ['authfailure', re(['//spf\\.pobox\\.com', 'is not allowed to send mail\\.[^\\n]{0,40}_401', 'bad spf', "per it'?s spf record", 'spf settings', '\\b(spf|dkim|dmarc|arc)\\b.{0,60}\\b(fail|check|policy|reject|not pass|authenticat|validation|align)', 'authentication (check )?fail', 'dmarc', 'does not pass (spf|dkim)'])],
  // X.1.7/8 and MAIL FROM rejections: the sender's own address is refused.
  ['rejected', re(['permission to post', 'sender was rejected', 'purported responsible address', 'from:? domain is invalid', 'provide a valid from', "'send mail as'", 'sender address rejected', 'domain of sender address', 'sender (domain|address) (does not exist|is invalid|unknown|must exist|not allowed|denied)', 'mail from:?[^\\n]{0,80}(rejected|refused)', 'sender (is )?(rejected|denied|blocked|unknown|invalid)', 'invalid sender', 'bad sender', 'envelope sender', 'refused (to accept )?mail from', 'return path'])],
  // RFC 7505 null MX, RFC 7504 "does not accept mail": the domain says it takes no mail at all.
  ['notaccept', re(['null ?mx', 'rfc ?7505', "does(n'?t| not) (receive|accept) (any )?(e-?)?mail", 'mail receiving disabled', 'no mx record found for domain=', 'indicated no smtp service', 'accepts no mail', 'not accepting (any )?(mail|messages)',
    // Sisimai's notaccept list.
    'smtp protocol returned a permanent error'])],
  // RFC 3463 X.4.6 and the loop / hop-count / unreachable-route wording: the network path, not the host.
  ['networkerror', re(['network error', "(unable|wasn'?t able|not able|could ?n[o']t) to (establish|open) an? (smtp )?connection", 'too many hops', 'hop count exceeded', 'routing loop', 'mail (forwarding )?loop', 'forwarding loop', 'message looping', 'loops back to myself', 'malformed (or unexpected )?name server reply', 'no route to host', 'host is unreachable', 'unable to resolve route',
    // Sisimai's networkerror list.
    'dns records for the destination computer could not be found', 'unrouteable mail domain'])],
  // A local delivery program failed (procmail, a pipe, qmail-local): Sisimai's mailererror.
  ['mailererror', re(['procmail', 'pipe to \\|', '\\|\\s*(ifs=|exec|/)', '(mailer|program|pipe) (error|failed)', 'command (died|failed)', 'unknown mailer error'])],
  // X.1.2 said in so many words: the domain itself is absent (checked before "does not exist" of a user).
  ['hostunknown', re(['domain (name )?(does not exist|not found|is not reachable)', 'host or domain name not found', 'unrouteable address', 'no such domain', '(?<![@\\w.-])[a-z0-9-]+(\\.[a-z0-9-]+)+\\.? does not exist',
    // Sisimai's hostunknown list.
    'recipient domain must exist', 'host unreachable', 'mail domain mentioned in email address is unknown', 'name or service not known', 'the account or domain may not exist'])],
  // X.1.1: the local part does not exist.
  ['userunknown', re([
    'recipient name is not recognized', '見つかりません', '存在しません', '宛先不明', "address could ?n[o']t be found", 'user(name)? (is )?unknown', 'unknown (user|recipient|local ?part|address|mailbox|alias|account)',
    'no such (user|mailbox|recipient|account|address|person|local user)', "(user|recipient|mailbox|addressee|account|address|alias) (was |is )?(not found|not exist|does ?n[o']t exist|does not exist|unknown|invalid|not valid)",
    "(recipient|user|mailbox|address|account)[^\\n]{0,40}(does not exist|doesn't exist|not exist)", 'does not exist', 'invalid (recipient|mailbox|address|user|destination)', 'not a valid (user|recipient|mailbox)',
    '(mailbox|user) not (found|available|listed)', 'no mailbox', 'mailbox unavailable', '(bad|unknown) destination mailbox', 'recipient ?(address)? ?not ?found', 'recipientnotfound', 'illegal user',
    'unrouteable address', 'not our customer', 'address (not|is not) (in|found)', 'no account', 'unknown or illegal', 'addressee unknown', 'user not (found|exist)', 'not a known user',
    "(not|isn't|no longer) (listed|registered)", 'undeliverable address', "doesn'?t have an? [\\w.]+ account", 'there is no one at this address', 'mailbox not existing', 'not listed in (the )?(domino )?directory',
    'mailbox (is )?not (present|available)', 'no valid recipients', 'recipient address rejected\\.(?!\\S)', 'recipient address rejected: access denied', 'invalid address', 'bad address', 'user (is )?not (here|local)', 'unknown recipient', 'nonexistent',
    // Sisimai's userunknown list.
    '5\\.1\\.0 address rejected\\.', 'address not present in directory', 'can\'t accept user', 'destination addresses were unknown', 'destination server rejected recipients', 'mailbox is unavailable', 'mailbox unavaiable', 'nessun utente simile in questo indirizzo', 'no existe dicha persona', 'no existe ese usuario', 'no mail box available for this user', 'no thank you rejected: account unavailable', 'not a local address', 'not email addresses', 'recipient address rejected: invalid-recipient', 'recipient address rejected: userunknown', 'recipient is not accepted', 'recipient is not local', 'recipient not ok', 'recipient refuses to accept your mail', 'sorry, badrcptto', 'sorry, your envelope recipient has been denied', 'domain or user isn\'t in my list of allowed rcpthosts', 'the following recipients was undeliverable', 'the user\'s email name is not found', 'this address no longer accepts mail', 'this email address is wrong or no longer valid', 'is in my badrecipientto list', 'is not in my validrcptto list', 'user missing home directory', 'user not known', 'utilisateur inconnu', 'invalid or unknown virtual user', 'is in my badrcptto list',
  ])],
  // 5.2.0 and per-recipient filters: the recipient's own rules refused the mail.
  ['filtered', re(['(?<!message )\\bfiltered\\b(?! by outbound)', 'rejected by (the )?(recipient|user)(?! (domain|server|system|host|mta))', 'refused by (the )?recipient', 'user reject', 'recipient (has )?(refused|blocked)', 'blocked by (the )?(recipient|user)'])],
  // X.7.25: no or bad PTR record for the sending IP.
  ['requireptr', re(['ip name lookup failed', 'unresolvable relay host name', 'dns lookup failure: [^\\n]{0,80} try again later', 'invalid rdns record', 'unverifyable sending ips', 'mismatch(es)? (the )?client ip', 'does not match (the )?(connecting|client) ip', 'reverse (dns|lookup|hostname|resolution)', '\\bptr\\b', 'no (rdns|reverse)', 'hostname does not resolve', 'cannot find your hostname', 'cannot resolve your (address|hostname)', 'not have a (valid )?reverse', 'reverse address'])],
  // RFC 5322 compliance: headers the receiver will not take.
  ['notcompliantrfc', re(['multiple\\b.{0,20}\\baddresses in (the )?from', '(violat|complian|conform|comply)\\w* (with |to )?rfc ?(5322|2822|822)\\b', 'rfc ?(5322|2822|822) (compliance|violation|standards)', 'not (rfc|standards?)[- ]compliant', 'multiple (from|to|subject|date|message-id) headers', 'duplicate (header|from|subject)', 'missing (required )?(header|date|from|message-id)', 'header (is )?(malformed|missing)', 'bare (lf|line feed)'])],
  // Sender IP reputation scores (Gmail, Outlook, SenderScore).
  ['badreputation', re(['unexpected volume or user complaints', 'ip reputation', '(poor|bad|low) (ip )?reputation', 'reputation', 'sender ?score', 'unusual rate of unsolicited'])],
  // X.6.x wording: the message's structure or encoding.
  ['contenterror', re(['message (header|content|body) (is )?(malformed|invalid)', 'invalid (mime|header|content)', 'content (type|encoding) (not|is not)', 'improper use of 8-bit data', '8-?bit (data|characters) (not|in)'])],
  // Sisimai's rejected family (envelope-sender checks: BATV, callouts, null senders).
  // Checked after the PTR, RFC-compliance, reputation and content families, as Sisimai orders them.
  ['rejected', re([
    'sender verify failed', 'bogus mail from', 'null sender is not allowed', 'empty envelope senders not allowed', 'returned mail not accepted here', 'unroutable sender address',
    'batv (failed|validation|defense|: no tag)', 'rejected by batv', 'mail from not owned by user', 'sender not pre-approved', 'sender is spammer', 'fully qualified email address required', 'sender domain is empty',
    'syntax error: empty email address', 'no third-party dsns', 'without a valid sender domain', 'email address is not verified', 'backscatter protection', 'not a registered gateway user',
    'rule imposed mailbox access for', 'sending to/from an address that has been blacklisted', 'emetteur invalide', 'access denied \\(in reply to mail from command\\)',
  ])],
  // A DNS lookup that failed, as opposed to one that found nothing: retry.
  ['networkerror', re(['name service error', 'dns error', 'host name lookup failure', 'nxdomain', 'lookup of [\\w.-]+ responded', 'host not found, try again', 'servfail', 'temporary (dns|lookup|name resolution) failure'])],
  // X.1.2 / X.4.4: the domain has no mail host.
  ['hostunknown', re([
    'domain is not reachable', 'host (or domain name )?(unknown|not found)', 'unknown host', 'host name lookup failure', "(domain|host)( name)? (not found|does ?n[o']t exist|is not (found|valid|known))",
    'no such (domain|host)', 'unrouteable (mail )?domain', 'domain (has no|without) mx', 'unknown domain',
    'no (mx|valid mx|dns)', 'non-existent (host|domain)', 'nodename nor servname', 'domain (is )?invalid', 'invalid domain',
  ])],
  // Content classified as spam or bulk.
  ['spamdetected', re(['\\bspam\\b', 'junk mail', 'unsolicited', 'bulk mail', 'looks like spam', 'classified as spam', '\\buce\\b', 'spam(my)? content', 'suspicious (content|message|url|link)', 'phish', 'message content rejected',
    // Sisimai's spamdetected list.
    'blacklisted url in message', 'blocked by spamassassin', 'bulk email', 'content filter rejection', 'mail content denied', 'spamprofiler', 'rejected because of unacceptable content',
    'reject bulk\\.advertising', 'spamassassin score', 'rejecting banned content', 'rejecting mail content', 'spamming not allowed', 'recurrent pattern detection system', 'uribl policy',
    'temporarily blocked by our filter', 'several antispam checks', 'message filtered'])],
  // Sending too fast (Sisimai 5's speeding / ratelimited).
  ['ratelimited', re(['receiving mail at a rate', 'rate limit(ed)?', 'rate-limited', 'throttl', 'too many (messages|emails|mails) (from|in|per|sent)', 'sending (too )?fast', 'exceeded (the )?(rate|sending|daily|hourly)', 'too much (mail|traffic)', 'try again later.{0,40}too many'])],
  // Too many connections or recipients at once.
  ['toomanyconn', re(['too many (connections|sessions|simultaneous|concurrent)', 'too many recipients', 'connection limit', 'maximum (number of )?connections',
    // Sisimai's toomanyconn list.
    'exceeded the max emails per hour', 'too many errors from your ip', 'too many smtp sessions for this host', 'trop de connexions', 'numerous attempts to deliver this message'])],
  // The sending IP or host is on a blocklist or refused by the receiving server.
  ['blocked', re([
    'helo[^\\n]{0,40}(reject|invalid)', 'client host[^\\n]{0,30}(rejected|blocked)', '(black|block|deny|deni|ban)[ -]?list(ed)?', '(?<!not )listed (on|in|at|by)', '\\b(rbl|dnsbl|spamhaus|spamcop|barracuda|sorbs|senderbase|mailspike|uceprotect|cbl)\\b',
    '\\bip (address )?(is |has been )?(block|reject|bann)', '(connection|host|ip|sender ip|your ip)[^\\n]{0,30}(refused|blocked|rejected) (by|due|because|for)', 'blocked (by|using|because|for)', 'has been blocked',
    'temporarily (deferred|blocked) due to', 'invalid ip (for|address)', 'not allowed to send', 'smtp server of your isp', 'dynamic (ip|address|pool)', 'residential (ip|address)', 'dial-?up', 'your (ip|host|server|network)', 'connection (rejected|refused)', 'greylist', 'gray ?list', 'banned',
    // Sisimai's blocked list.
    'access from ip address [^\\n]{0,60} blocked', 'confirm this mail server', 'connection dropped', 'connection reset by peer', 'connection was dropped by remote host',
    'go away', 'mail server at [^\\n]{0,80} is blocked', 'no access from mail server', 'rejecting open proxy',
    'remotehost looks suspiciously like spammer',
  ])],
  // Virus scanners.
  ['virusdetected', re(['virus', 'malware', 'infected', 'trojan'])],
  // Local or organisational policy.
  ['policyviolation', re(['policy', 'prohibited', 'not allowed', 'not authori[sz]ed', 'forbidden', 'restricted', 'only accepts mail from', 'members only', 'administrative prohibition'])],
  // Sisimai's systemerror list, read before the expiry wording ("timeout", "deferred") as Sisimai orders them.
  ['systemerror', re(["can'?t create user output file", 'could not load drd for domain', 'interrupted system call', 'it encountered an error while being processed', 'loop was found in the mail exchanger',
    'queue file write error', 'there is no mdb', 'system config error', 'temporary local problem', 'timeout waiting for input', 'transaction failed '])],
  // Delivery time ran out in the queue.
  ['expired', re(['could not find a gateway for', 'it has not been collected after', 'expired after sitting in queue', 'server did not respond', 'in the queue too long', 'was not reachable within the allowed queue period', 'retry time not reached', 'timed out', 'timeout', 'host not reachable', 'all hosts have been failing', 'did not accept our requests to connect', 'delivery failed \\d+ attempts', 'will be retried for', 'in the queue too long','expired', 'giving up', 'gave up', 'retry time', 'could not be delivered (for|within)', 'delivery (time|attempts?) (expired|exceeded)', 'has not been delivered', 'message timed out', 'queue(d)? (too long|time)', 'undelivered for', 'delivery (is|has been) delayed', 'will (keep|continue) (trying|to retry)', 'still trying', 'delayed', 'deferred', 'too long in queue', 'maximum time'])],
  // Faults inside the receiving system.
  ['systemerror', re(['system error', 'internal (server )?error', 'local error', 'server (is )?(busy|misconfigured)', 'configuration error', 'i/o error', 'service (is )?(currently )?unavailable', 'service not available', 'resources temporarily'])],
  // The network path failed (timeouts count as expired: the queue gave up on them).
  ['networkerror', re(['connection (refused|reset|timed out|closed|lost)', 'lost connection', 'network (is )?unreachable', 'no route to host', 'could not connect', "can'?t connect", 'broken pipe', 'temporary (dns|lookup|name resolution) failure', 'host not found, try again', 'servfail'])],
  // The receiving system's disk is full (not the mailbox).
  ['systemfull', re(['system (is )?full', 'disk full', 'out of disk', 'insufficient system storage', 'file system full'])],
  // The host takes no mail at all (null MX, RFC 7505).
  ['notaccept', re(['null mx', 'does not accept mail', 'accepts no mail', 'not accepting (any )?(mail|messages)'])],
  // STARTTLS required or failed.
  ['failedstarttls', re(['starttls', '\\btls\\b.{0,40}(required|fail|handshake)', 'must issue a starttls', 'encryption required'])],
  // Security conditions not covered above.
  ['securityerror', re(['security', 'authentication (required|credentials)', 'unauthenticated', 'not (properly )?authenticated', 'authentication is required', 'must (authenticate|log ?in)', 'encryption'])],
  // A local delivery program failed (procmail, pipes, qmail-local).
  ['mailererror', re(['(mailer|program|procmail|pipe) (error|failed)', 'x-unix', 'command (died|failed)', 'exit (code|status) \\d', 'unknown mailer error', 'permission denied', 'sh: '])],
  // The SMTP dialogue itself went wrong.
  ['syntaxerror', re(['syntax error', 'command unrecognized', 'unrecognized command', 'command not (recognized|implemented)', 'bad sequence of commands'])],
];

function re(parts: string[]): RegExp {
  return new RegExp(parts.join('|'), 'i');
}
