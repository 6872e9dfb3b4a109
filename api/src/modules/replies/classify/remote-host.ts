import type { BounceReason } from '../../../../../shared/contracts/replies';

/**
 * Reasons read from the published error tables of the mailbox providers that answer in their
 * own formats (the way Sisimai's per-host "Rhost" tables do): the same "550 … User unknown"
 * means a filter at one provider and a missing mailbox at another, and some providers name
 * the cause only by a code of their own (Orange's OFR_506, Spectrum's AUP#1200, Facebook's
 * RCP-P2). A provider is recognised by the host that answered (the DSN's Remote-MTA, the
 * host named in the notice, the bounce's own Received path) or by the recipient's domain.
 * Each table cites the provider's documentation its rows come from.
 */
export interface RemoteHostEvidence {
  /** Host names that took part in the failed delivery, most specific first. */
  hosts: string[];
  /** The failed recipient, whose domain names the provider when no host does. */
  recipient: string | null;
  /** The server's own words for this recipient. */
  diagnostic: string;
  status: string | null;
}

interface Provider {
  name: string;
  /** Host-name suffixes of the provider's inbound servers. */
  hosts: string[];
  /** Recipient domains the provider hosts (exact, or `.suffix`). */
  domains: string[];
  read: (e: RemoteHostEvidence, lower: string) => BounceReason | null;
}

/** The first reason whose phrases the (lower-cased) diagnostic contains. */
function phrases(table: Array<[BounceReason, string[]]>) {
  return (_e: RemoteHostEvidence, lower: string): BounceReason | null => {
    for (const [reason, list] of table) if (list.some((p) => lower.includes(p))) return reason;
    return null;
  };
}

/** Like `phrases`, but a row counts only under the enhanced status code (subject.detail) it was published with. */
function codedPhrases(table: Array<[BounceReason, Array<[string, string]>]>) {
  return (e: RemoteHostEvidence, lower: string): BounceReason | null => {
    const detail = e.status?.slice(2) ?? null;
    if (!detail) return null;
    for (const [reason, rows] of table) if (rows.some(([code, p]) => code.slice(2) === detail && lower.includes(p))) return reason;
    return null;
  };
}

const PROVIDERS: Provider[] = [
  {
    // au / KDDI (ezweb.ne.jp, au.com): "550 : User unknown" (no address) is the carrier's
    // per-user filter; "550 <addr>: User unknown" is a missing mailbox.
    name: 'kddi',
    hosts: ['.ezweb.ne.jp', 'msmx.au.com'],
    domains: ['ezweb.ne.jp', 'au.com'],
    read: phrases([
      ['filtered', ['550 : user unknown']],
      ['userunknown', ['>: user unknown']],
    ]),
  },
  {
    // Orange / Wanadoo / La Poste: the reason is the three-digit suffix of the OFR_/LPN_ code
    // (postmaster.orange.fr, postmastery.com "Orange postmaster SMTP error codes").
    name: 'franceptt',
    hosts: ['.laposte.net', '.orange.fr', '.wanadoo.fr'],
    domains: ['laposte.net', 'orange.fr', 'wanadoo.fr'],
    read: (_e, lower) => {
      const m = /\b(?:lpn|lpnaaa|ofr|ouk)(?:_(\d{3})|\d{3}[-_](\d{3}))\b/.exec(lower);
      if (m) return FRANCE_PTT_CODES[(m[1] ?? m[2])!] ?? null;
      return lower.includes('spf/dns de votre nom de domaine') ? 'authfailure' : null;
    },
  },
  {
    // Spectrum / Charter: AUP#I-nnnn codes (spectrum.net "understanding email error codes").
    name: 'spectrum',
    hosts: ['charter.net'],
    domains: ['charter.net', 'spectrum.net'],
    read: (_e, lower) => {
      const m = /aup#[-a-z]*(\d{4})/.exec(lower);
      if (!m) return null;
      const n = Number(m[1]);
      return SPECTRUM_CODES.find(([from, to]) => n >= from && n <= to)?.[2] ?? null;
    },
  },
  {
    // Facebook's documented response codes (postmaster.facebook.com/response_codes).
    name: 'facebook',
    hosts: ['.facebook.com'],
    domains: ['facebook.com'],
    read: (_e, lower) => {
      const m = /\b(pol|msg|rcp|int|dns|con)-([pt]\d|tx)\b/.exec(lower);
      return m ? (FACEBOOK_CODES[`${m[1]}-${m[2]}`] ?? null) : null;
    },
  },
  {
    // GoDaddy's inbound servers (godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685):
    // the reason is the IBnnn code at the end of its reply, else its documented wording.
    name: 'godaddy',
    hosts: ['smtp.secureserver.net', 'mailstore1.secureserver.net'],
    domains: [],
    read: (_e, lower) => {
      const code = /\bib(\d{3})\b/.exec(lower)?.[1];
      if (code && GODADDY_CODES[code]) return GODADDY_CODES[code]!;
      return phrases([
        ['blocked', ['rbl reject', 'www.spamhaus.org/query/bl?ip=']],
        ['expired', ['has been in the queue too long', 'delivery timeout']],
        ['mailboxfull', ['account storage limit']],
        ['spamdetected', ['message rejected for spam or virus content']],
        ['suspend', ['account disabled']],
        ['systemerror', ['message is looping']],
        ['userunknown', ['recipient not found', 'account does not exist']],
      ])(_e, lower);
    },
  },
  {
    // Broadcom Email Security.cloud, formerly MessageLabs (knowledge.broadcom.com articles).
    name: 'messagelabs',
    hosts: ['.messagelabs.com'],
    domains: [],
    read: phrases([
      ['authfailure', ['domain authentication fail']],
      ['badreputation', ['connection rejected by policy']],
      ['blocked', ['mail rejected because your ip is in the pbl', 'your ip address has been ']],
      ['contenterror', ['stray linefeeds in message']],
      ['failedstarttls', ['tls/sslv3 connection required']],
      ['norelaying', [' as a relay, ']],
      ['notcompliantrfc', ['has detected that this message is not rfc 5322']],
      ['ratelimited', ['too many recipients received this hour', 'too many messages']],
      ['rejected', ['sender envelope domain not allowed for sender ip address', 'your domain has been blocked', 'your email address has been blocked', 'your envelope sender is in my badmailfrom list', 'has been blacklisted']],
      ['securityerror', ['please turn on smtp authentication']],
      ['spamdetected', ['message filtered', 'filtered by outbound scanning']],
      ['userunknown', ['no such user', 'invalid recipient', 'mailbox is not allowed']],
    ]),
  },
  {
    // Yahoo Inc. and AOL (senders.yahooinc.com/smtp-error-codes).
    name: 'yahoo',
    hosts: ['.yahoodns.net', '.yahoo.com', '.mail.aol.com', '.mx.aol.com'],
    domains: ['yahoo.com', '.yahoo.co.jp', 'ymail.com', 'rocketmail.com', 'aol.com', 'aol.jp'],
    read: phrases([
      ['authfailure', ['yahoo requires all senders to authenticate with either spf or dkim']],
      ['blocked', [" because the ip is in spamhaus's list;", 'not accepted from ip addresses on spamhaus xbl']],
      ['norelaying', ['relaying denied for ']],
      ['notcompliantrfc', ['headers are not rfc compliant']],
      ['policyviolation', ['not accepted for policy reasons']],
      ['rejected', ['due to unresolvable rfc.5321', ' will be permanently deferred']],
      ['ratelimited', ['user is receiving mail too quickly']],
      ['suspend', [' is no longer valid.', 'this mailbox is disabled']],
      ['toomanyconn', ['max message per connection reached']],
      ['userunknown', ["dd this user doesn't have a ", 'mailbox not found']],
      ['hostunknown', ['host or domain name not found']],
      ['notaccept', ['type=mx: malformed or unexpected name server reply']],
    ]),
  },
  {
    // Apple iCloud Mail (support.apple.com/102322 "Postmaster information for iCloud Mail").
    name: 'apple',
    hosts: ['.mail.icloud.com', '.apple.com', '.me.com'],
    domains: ['icloud.com', 'me.com', 'mac.com'],
    read: phrases([
      ['authfailure', ["'s dmarc policy", 'blocked for failing both spf and dkim']],
      ['blocked', ['rejected due to having a domain present in the spamhaus', 'rejected due to listing in spamhaus', 'blocked - see https://support.proofpoint.com/dnsbl-lookup', 'not accepting connections']],
      ['hasmoved', ['recipient no longer on server']],
      ['mailboxfull', ['user is over quota']],
      ['norelaying', ['relay access denied']],
      ['notaccept', ['host/domain does not accept mail']],
      ['policyviolation', ['due to local policy']],
      ['rejected', ['sender address rejected']],
      ['ratelimited', ['due to excessive volume']],
      ['userunknown', ['inactive email address', 'user does not exist', 'unknown or illegal alias']],
    ]),
  },
  {
    // Tencent QQ Mail (service.mail.qq.com/detail/122/*).
    name: 'tencent',
    hosts: ['.qq.com'],
    domains: ['qq.com', 'foxmail.com'],
    read: phrases([
      ['authfailure', ['spf check failed', 'dmarc check failed']],
      ['blocked', ['suspected bounce attacks', 'suspected spam ip', 'connection denied']],
      ['mesgtoobig', ['message too large']],
      ['ratelimited', ['mailbox unavailable or access denined', 'frequency limited', 'frequency of receiving messages is limited']],
      ['rejected', ['suspected spam', 'mail is rejected by recipients']],
      ['spamdetected', ['spam is embedded in the email', 'mail content denied']],
      ['suspend', ['is a deactivated mailbox']],
      ['syntaxerror', ['bad address syntax']],
      ['userunknown', ['mailbox not found']],
    ]),
  },
  {
    // Exchange Online and Outlook.com (learn.microsoft.com "Non-delivery reports in Exchange
    // Online", "NDRs in Exchange Server"): each message counts only under its exact enhanced
    // code (or the published range of its last digit).
    name: 'microsoft',
    hosts: ['.prod.outlook.com', '.protection.outlook.com'],
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', '.onmicrosoft.com'],
    read: (e, lower) => {
      if (!e.status) return null;
      const last = Number(e.status.split('.').at(-1));
      for (const [reason, rows] of MICROSOFT) {
        for (const [code, min, max, phrase] of rows) {
          const codeFits = min === max ? e.status === code : e.status.startsWith(code) && last >= min && last <= max;
          if (codeFits && lower.includes(phrase)) return reason;
        }
      }
      return null;
    },
  },
  {
    // Gmail and Google Workspace inbound (support.google.com/a/answer/3726730 "SMTP error
    // reference"): each message is published with its enhanced code, and only counts under it.
    name: 'google',
    hosts: ['aspmx.l.google.com', 'gmail-smtp-in.l.google.com', '.aspmx.l.google.com'],
    domains: ['gmail.com', 'googlemail.com'],
    read: codedPhrases([
      ['authfailure', [['5.7.24', 'the spf record of the sending domain'], ['5.7.26', 'senders to authenticate with either spf or dkim'], ['5.7.26', 'fails to pass spf checks'], ['5.7.26', 'has an spf record with a hard fail policy'], ['5.7.26', "is not accepted due to domain's dmarc policy"], ['5.7.1', 'fails to pass authentication checks'], ['5.7.26', 'fails to pass authentication checks'], ['5.7.27', 'senders to authenticate'], ['5.7.30', 'senders to authenticate'], ['5.7.32', 'aligned with either the authenticated spf or dkim']]],
      ['badreputation', [['5.7.0', 'very low reputation of the sending'], ['5.7.1', 'very low reputation of the sending']]],
      ['blocked', [['5.7.0', 'ip not in whitelist for rcpt domain'], ['5.7.0', 'try again later, closing connection.'], ['5.5.4', 'helo/ehlo argument'], ['5.7.0', 'an unusual rate of unsolicited mail'], ['5.7.28', 'an unusual rate of mail'], ['5.7.1', 'an unusual rate of unsolicited mail'], ['5.7.28', 'an unusual rate of unsolicited mail']]],
      ['expired', [['5.7.0', 'connection expired'], ['5.4.2', 'timeout - closing connection']]],
      ['mailboxfull', [['5.2.2', 'inbox is out of storage space'], ['5.2.2', 'is over quota'], ['5.7.1', 'email quota exceeded']]],
      ['mesgtoobig', [['5.3.4', "exceeded google's message size limits"], ['5.3.4', "exceeds google's message size limit of"]]],
      ['networkerror', [['5.4.6', 'message exceeded 50 hops'], ['5.6.0', 'message exceeded 50 hops']]],
      ['norelaying', [['5.7.0', 'mail relay denied'], ['5.7.1', 'invalid credentials for relay'], ['5.7.1', 'is not authorized to send email directly to our servers']]],
      ['notcompliantrfc', [['5.7.1', 'missing a valid address in the from: header'], ['5.7.1', 'multiple addresses in from: header'], ['5.7.1', 'is not rfc 5322 compliant'], ['5.7.1', 'missing a valid message-id: header'], ['5.7.1', 'contains a unicode character in a disallowed header'], ['5.7.1', 'encoded-word syntax is not permitted'], ['5.1.7', 'is not a valid rfc 5321 address'], ['5.6.0', 'mail message is malformed']]],
      ['policyviolation', [['5.7.0', 'illegal attachment on your message'], ['5.7.0', 'content presents a potential security issue'], ['5.7.1', 'has a policy that prohibited the mail'], ['5.7.28', 'sending messages with the same message-id']]],
      ['rejected', [['5.7.0', 'mail sending denied'], ['5.7.1', 'unauthenticated email is not accepted']]],
      ['requireptr', [['5.7.1', 'regarding ptr records'], ['5.7.0', 'does not have a ptr record'], ['5.7.23', 'have a ptr record'], ['5.7.25', 'does not have a ptr record'], ['5.7.25', 'does not match the ip address of the hostname']]],
      ['securityerror', [['5.7.0', 'tls required for rcpt domain'], ['5.7.0', 'too many login attempts'], ['5.7.0', 'no identity changes permitted'], ['5.5.1', 'authentication required.'], ['5.7.0', 'authentication required.'], ['5.7.1', 'application-specific password required'], ['5.7.9', 'application-specific password required'], ['5.7.1', 'log in with your web browser'], ['5.7.9', 'log in with your web browser'], ['5.7.14', 'log in through your web browser'], ['5.7.1', 'username and password not accepted'], ['5.7.8', 'username and password not accepted'], ['5.7.29', 'senders to use tls/ssl']]],
      ['spamdetected', [['5.7.0', 'due to the nature of the content or the links within'], ['5.7.1', 'likely unsolicited mail']]],
      ['ratelimited', [['5.2.1', 'is receiving mail too quickly'], ['5.2.1', 'peak smtp relay limit exceeded'], ['5.2.1', 'rate that prevents additional messages from being delivered'], ['5.4.5', 'daily sending quota exceeded'], ['5.4.5', 'daily user sending limit exceeded'], ['5.4.5', 'daily smtp relay limit exceeded'], ['5.7.1', 'daily smtp relay'], ['5.7.1', 'this mail has been rate limited']]],
      ['suspend', [['5.2.1', 'account that you tried to reach is disabled'], ['5.2.1', 'account that you tried to reach is inactive']]],
      ['syntaxerror', [['5.5.0', 'smtp protocol violation'], ['5.7.10', 'smtp protocol violation'], ['5.5.2', 'syntax error'], ['5.7.11', 'syntax error'], ['5.5.1', 'bad sequence of commands'], ['5.5.1', 'unrecognized command'], ['5.7.0', 'must issue a starttls command first']]],
      ['systemerror', [['5.3.0', 'temporary system problem'], ['5.7.0', 'temporary system problem'], ['5.4.5', 'server busy'], ['5.3.0', 'temporarily rejected']]],
      ['toomanyconn', [['5.5.3', 'your message has too many recipients'], ['5.5.3', 'too many recipients for this sender']]],
      ['userunknown', [['5.1.1', 'the email account that you tried to reach does not exist'], ['5.1.2', "we weren't able to find the recipient domain"], ['5.1.3', 'is not a valid rfc 5321 address']]],
    ]),
  },
];

/** Exchange Online / Exchange Server NDR table: [code, min, max, message]; min..max is a range of the code's last number. */
const MICROSOFT: Array<[BounceReason, Array<[string, number, number, string]>]> = [
  ['authfailure', [['4.7.26', 0, 0, 'must pass either spf or dkim validation'], ['5.7.23', 0, 0, 'sender policy framework violation'], ['5.7.509', 0, 0, 'does not pass dmarc verification']]],
  ['badreputation', [['4.7.650', 0, 0, 'rate limited due to ip reputation']]],
  ['blocked', [['4.4.2', 0, 0, 'connection dropped'], ['4.7.', 850, 899, 'access denied, please try again later'], ['5.7.25', 0, 0, 'must have a reverse dns record'], ['5.7.506', 0, 0, 'access denied, bad helo'], ['5.7.507', 0, 0, 'access denied, rejected by recipient'], ['5.7.510', 0, 0, 'does not accept email over ipv6'], ['5.7.511', 0, 0, 'access denied, banned sender'], ['5.7.513', 0, 0, 'using customer block list'], ['5.7.', 606, 649, 'access denied, banned sending ip '], ['4.7.', 500, 699, 'access denied, please try again later'], ['5.7.1', 0, 0, 'part of their network is on our block list']]],
  ['contenterror', [['5.3.0', 0, 0, 'too many related errors'], ['5.6.11', 0, 0, 'invalid characters'], ['5.5.6', 0, 0, 'invalid message content']]],
  ['exceedlimit', [['5.2.3', 0, 0, 'message too large for this recipient']]],
  ['expired', [['4.4.1', 0, 0, 'connection timed out'], ['4.4.7', 0, 0, 'message delayed'], ['4.4.7', 0, 0, 'message expired'], ['5.4.300', 0, 0, 'message expired']]],
  ['mailboxfull', [['5.2.2', 0, 0, 'mailbox full']]],
  ['mesgtoobig', [['5.3.4', 0, 0, 'message size exceeds fixed maximum message size'], ['5.3.4', 0, 0, 'message too big for system']]],
  ['networkerror', [['5.4.4', 0, 0, 'nonexistent domain'], ['5.4.6', 0, 0, 'hop count exceeded'], ['4.4.316', 0, 0, 'connection refused'], ['5.4.6', 0, 0, 'routing loop detected'], ['5.4.14', 0, 0, 'routing loop detected']]],
  ['norelaying', [['5.7.1', 0, 0, 'unable to relay'], ['5.4.1', 0, 0, 'relay access denied'], ['5.7.64', 0, 0, 'relay access denied'], ['5.4.310', 0, 0, 'does not exist']]],
  ['notaccept', [['4.3.2', 0, 0, 'system not accepting network messages'], ['4.4.4', 0, 0, 'hosted tenant which has no mail-enabled subscriptions']]],
  ['policyviolation', [['5.0.350', 0, 0, 'x-dg-ref header is too long'], ['5.0.350', 0, 0, 'policy violation detected (as345)'], ['5.7.', 900, 999, 'delivery not authorized, message refused']]],
  ['rejected', [['5.1.7', 0, 0, 'invalid address'], ['5.1.7', 0, 0, 'unknown sender address'], ['5.1.0', 0, 0, 'sender denied'], ['5.1.8', 0, 0, 'access denied, bad outbound sender'], ['5.7.1', 0, 0, 'delivery not authorized'], ['5.7.12', 0, 0, 'sender was not authenticated by organization'], ['5.7.124', 0, 0, 'sender not in allowed-senders list'], ['5.7.133', 0, 0, 'sender not authenticated for group'], ['5.7.134', 0, 0, 'sender was not authenticated for mailbox'], ['5.7.13', 0, 0, 'sender was not authenticated for public folder'], ['5.7.135', 0, 0, 'sender was not authenticated for public folder'], ['5.7.136', 0, 0, 'sender was not authenticated'], ['5.7.', 501, 503, 'access denied, spam abuse detected'], ['5.7.512', 0, 0, 'message must be rfc 5322 section 3.6.2 compliant'], ['5.7.750', 0, 0, 'client blocked from sending from unregistered domains'], ['5.7.', 501, 503, 'access denied, banned sender']]],
  ['securityerror', [['5.7.3', 0, 0, 'cannot achieve exchange server authentication'], ['5.7.3', 0, 0, 'not authorized'], ['4.4.317', 0, 0, 'starttls is required to send mail'], ['5.4.317', 0, 0, 'starttls is required to send mail'], ['5.7.1', 0, 0, 'client was not authenticated'], ['5.7.57', 0, 0, 'client was not authenticated to send anonymous mail']]],
  ['spamdetected', [['5.2.1', 0, 0, 'content filter agent quarantined this message']]],
  ['ratelimited', [['4.3.2', 0, 0, 'recipient thread limit exceeded'], ['5.1.90', 0, 0, 'reached your daily limit for message recipients'], ['5.2.2', 0, 0, 'submission quota exceeded'], ['5.2.121', 0, 0, 'per hour message receive limit from specific sender exceeded'], ['5.2.122', 0, 0, 'per hour message receive limit exceeded'], ['5.7.508', 0, 0, 'has exceeded permitted limits within'], ['5.7.', 700, 749, 'access denied, tenant has exceeded threshold'], ['5.7.', 700, 749, 'access denied, traffic not accepted from this ip']]],
  ['suspend', [['5.7.504', 0, 0, 'recipient address rejected: access denied'], ['5.7.505', 0, 0, 'access denied, banned recipient'], ['5.2.1', 0, 0, 'mailbox cannot be accessed']]],
  ['syntaxerror', [['5.3.3', 0, 0, 'unrecognized command'], ['5.5.2', 0, 0, 'send hello first']]],
  ['systemerror', [['4.3.2', 0, 0, 'service not available'], ['4.3.2', 0, 0, 'service not active'], ['5.3.5', 0, 0, 'system incorrectly configured'], ['5.1.4', 0, 0, 'destination mailbox address ambiguous'], ['5.2.4', 0, 0, 'mailing list expansion problem'], ['5.2.14', 0, 0, 'misconfigured forwarding address'], ['4.4.318', 0, 0, '(suspiciousremoteservererror)'], ['5.4.318', 0, 0, '(suspiciousremoteservererror)'], ['4.7.500', 0, 0, 'server busy. please try again later from '], ['4.7.700', 0, 0, 'pfa agent busy, please try again.']]],
  ['systemfull', [['4.3.1', 0, 0, 'insufficient system resources']]],
  ['toomanyconn', [['5.5.3', 0, 0, 'too many recipients'], ['4.5.3', 0, 0, 'too many recipients'], ['5.2.122', 0, 0, 'the recipient has exceeded their limit for']]],
  ['userunknown', [['5.1.1', 0, 0, 'resolver.adr.exrecipnotfound; not found'], ['5.1.1', 0, 0, 'user unknown'], ['5.1.3', 0, 0, 'storedrv.submit; invalid recipient address'], ['5.1.', 4, 5, 'recipient address reserved by rfc 2606'], ['5.1.6', 0, 0, 'recipient addresses in single label domains not accepted'], ['5.1.1', 0, 0, 'bad destination mailbox address'], ['5.1.10', 0, 0, 'recipient not found'], ['5.4.1', 0, 0, 'recipient address rejected: access denied'], ['5.5.0', 0, 0, 'requested action not taken: mailbox unavailable'], ['5.1.2', 0, 0, 'invalid x.400 address']]],
];

/** GoDaddy's IBnnn codes → reason (sender, content, rate-limit and block-list bounces). */
const GODADDY_CODES: Record<string, BounceReason> = {
  '401': 'securityerror', '501': 'notcompliantrfc', '502': 'notcompliantrfc', '506': 'rejected', '508': 'authfailure', '108': 'requireptr',
  '212': 'spamdetected', '705': 'virusdetected', '605': 'toomanyconn', '007': 'toomanyconn', '101': 'ratelimited', '110': 'blocked',
  '111': 'blocked', '112': 'blocked', '113': 'blocked', '504': 'ratelimited', '510': 'ratelimited', '607': 'ratelimited', '103': 'badreputation',
  '104': 'blocked', '105': 'blocked', '106': 'blocked',
};

/** Orange / La Poste: the code's last three digits → reason (postmastery.com, smtpfieldmanual.com/provider/orange). */
const FRANCE_PTT_CODES: Record<string, BounceReason> = {
  '101': 'blocked', '102': 'blocked', '103': 'blocked', '104': 'toomanyconn', '305': 'securityerror', '401': 'authfailure',
  '402': 'securityerror', '403': 'rejected', '405': 'rejected', '415': 'rejected', '416': 'userunknown', '417': 'mailboxfull',
  '420': 'suspend', '421': 'rejected', '426': 'suspend', '505': 'systemerror', '506': 'spamdetected', '510': 'blocked',
  '514': 'mesgtoobig', '517': 'authfailure', '630': 'policyviolation', '999': 'blocked',
};

/** Spectrum's AUP#I / AUP#O code ranges → reason. */
const SPECTRUM_CODES: Array<[number, number, BounceReason]> = [
  [1000, 1000, 'blocked'], [1010, 1080, 'rejected'], [1090, 1090, 'systemerror'], [1100, 1150, 'requireptr'],
  [1160, 1190, 'policyviolation'], [1200, 1250, 'blocked'], [1260, 1260, 'networkerror'], [1300, 1340, 'toomanyconn'],
  [1350, 1490, 'ratelimited'], [1500, 1520, 'rejected'], [1530, 1530, 'mesgtoobig'], [1540, 1550, 'ratelimited'],
  [1560, 1560, 'policyviolation'], [1580, 1580, 'ratelimited'],
];

/** Facebook's response codes → reason. */
const FACEBOOK_CODES: Record<string, BounceReason> = {
  'pol-p7': 'authfailure', 'pol-p1': 'blocked', 'pol-p2': 'blocked', 'pol-p3': 'blocked', 'pol-p4': 'blocked', 'pol-t1': 'blocked',
  'pol-t2': 'blocked', 'pol-t3': 'blocked', 'msg-p2': 'contenterror', 'rcp-p2': 'filtered', 'rcp-p3': 'filtered', 'int-p7': 'mailboxfull',
  'msg-p1': 'mesgtoobig', 'int-p2': 'mesgtoobig', 'msg-p3': 'notcompliantrfc', 'pol-p8': 'policyviolation', 'dns-p1': 'rejected',
  'dns-p2': 'rejected', 'dns-t1': 'rejected', 'dns-p3': 'requireptr', 'dns-t2': 'requireptr', 'pol-p6': 'spamdetected',
  'rcp-t4': 'suspend', 'rcp-t1': 'systemerror', 'int-tx': 'systemerror', 'con-t1': 'toomanyconn', 'con-t2': 'toomanyconn',
  'con-t3': 'toomanyconn', 'con-t4': 'toomanyconn', 'msg-t1': 'toomanyconn', 'rcp-p1': 'userunknown', 'int-p1': 'userunknown',
  'int-p3': 'userunknown', 'int-p4': 'userunknown', 'pol-p5': 'virusdetected',
};

/** Providers the evidence points at, in order: the hosts (most specific first), then the recipient's domain. */
export function providersOf(hosts: string[], recipient: string | null): Provider[] {
  const found: Provider[] = [];
  const add = (p: Provider | undefined) => {
    if (p && !found.includes(p)) found.push(p);
  };
  for (const raw of hosts) {
    const host = raw.toLowerCase().replace(/\.$/, '');
    add(PROVIDERS.find((p) => p.hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) || host === h.slice(1) : host === h || host.endsWith(`.${h}`)))));
  }
  const domain = recipient?.split('@')[1]?.toLowerCase();
  if (domain) add(PROVIDERS.find((p) => p.domains.some((d) => (d.startsWith('.') ? domain.endsWith(d) : domain === d))));
  return found;
}

/** The reason the first known provider's table gives for this failure, or null when none applies. */
export function reasonOfRemoteHost(e: RemoteHostEvidence): BounceReason | null {
  if (!e.diagnostic.trim()) return null;
  const lower = e.diagnostic.toLowerCase().replace(/\s+/g, ' ');
  for (const provider of providersOf(e.hosts, e.recipient)) {
    const reason = provider.read(e, lower);
    if (reason) return reason;
  }
  return null;
}

/** Host names a report names as the one that answered: Remote-MTA, "host X[ip] said", "host: X", "by X" of a relayed answer. */
export function hostsNamedIn(text: string): string[] {
  const hosts: string[] = [];
  for (const m of text.matchAll(/\bhost[:\s]+([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)\.?\s*[[(]/gi)) hosts.push(m[1]!.toLowerCase());
  for (const m of text.matchAll(/\bhost:\s*([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)) hosts.push(m[1]!.toLowerCase());
  return hosts;
}
