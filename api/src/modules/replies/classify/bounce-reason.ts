/**
 * Why a delivery failed, read from the server's words first and its status code second.
 * The phrase lists follow what Postfix, Sendmail, Exim, qmail, Exchange/Office 365, Gmail,
 * Yahoo, AOL, mail.ru, Zoho, Amazon SES and friends actually write.
 */
export type BounceReason =
  | 'user_unknown'
  | 'host_unknown'
  | 'moved'
  | 'disabled'
  | 'suspended'
  | 'mailbox_full'
  | 'message_too_big'
  | 'expired'
  | 'network'
  | 'throttled'
  | 'auth_failure'
  | 'blocked'
  | 'spam'
  | 'policy'
  | 'rejected'
  | 'filtered'
  | 'system'
  | 'unknown';

/** Reasons that mean the address itself will never work. */
const HARD: ReadonlySet<BounceReason> = new Set(['user_unknown', 'host_unknown', 'moved', 'disabled']);

/**
 * Hard bounce: the address is gone for good. A temporary code (4.x.x / 4xx) is never hard;
 * policy, spam and reputation blocks stay soft because they are about the sender, not the address.
 */
export function isHardBounce(reason: BounceReason, status: string | null, smtpCode: string | null): boolean {
  if (status?.startsWith('4') || smtpCode?.startsWith('4')) return false;
  return HARD.has(reason);
}

/**
 * "User unknown" under a security/policy code (X.7.x) or an undefined mailbox status
 * (X.2.0) is a filter speaking, not a missing mailbox: suppressing for good needs the
 * words and the code to agree, or the code to be silent.
 */
export function checkAgainstStatus(reason: BounceReason, status: string | null): BounceReason {
  if (reason !== 'user_unknown' || !status) return reason;
  return /^\d\.7\.|^\d\.2\.0$/.test(status) ? 'filtered' : reason;
}

/** Checked in order: the first rule whose phrase matches names the reason. */
const RULES: Array<[BounceReason, RegExp]> = [
  ['rejected', /sender address rejected|domain of sender address|sender (domain|address) (does not exist|is invalid|unknown|must exist)|after mail from|mail from:?[^\n]{0,80}(rejected|refused)|\b5\.1\.[78]\b/i],
  ['mailbox_full', /mailbox (is )?full|mailbox_full|full mailbox|over ?quota|quota (exceeded|full)|exceed(ed|s)? (the |his |her |its )?(storage|quota|mailbox size)|mailbox size limit|insufficient (disk )?(space|storage)|not enough (disk )?space|disk quota|user'?s? (disk|mailbox) (is )?(full|over)|too many messages in|storage (allocation|limit)|out of storage|mailbox has exceeded|exceeded storage allocation|full and cannot accept|account is full/i],
  ['message_too_big', /message (size )?(is )?too (big|large)|exceeds? (the )?(maximum )?(message )?size|message size exceeds|size limit exceeded|mail(box)? size (limit )?exceeded for this message|message length exceeds/i],
  ['throttled', /receiving mail at a rate|too many (connections|messages|recipients|emails)|rate limit(ed)?|throttl|greylist|gray ?list/i],
  ['auth_failure', /\b(spf|dkim|dmarc)\b[^\n]{0,60}\b(fail|check|policy|reject|not pass|authenticat)|authentication (check )?fail|unauthenticated (email|mail|sender)|not (properly )?authenticated|5\.7\.(2[3-7]|509|515)\b/i],
  ['suspended', /temporar(il)?y (locked|suspended|disabled|blocked)|(mailbox|account|user) (is |has been )?(frozen|locked|suspended|inactive|not active|blocked)|inactive (user|account|mailbox)|account (has been |is )?(locked|frozen|suspended|inactive|blocked)/i],
  ['disabled', /account (has been |is )?(disabled|deactivated|discontinued|closed|terminated|expired)|disabled (recipient|user|mailbox|account)|(mailbox|user|recipient|address|account) (is |has been )?(disabled|deactivated|closed)|disabled or discontinued|is disabled|no longer (active|in use|available)|DisabledUser/i],
  ['moved', /has moved|(address|mailbox) (has )?changed|moved (to|permanently)|no forwarding address|no longer (on|at) (this )?server|recipient no longer on server|user not local|not our (user|customer)/i],
  ['network', /name service error[\s\S]{0,80}(try again|malformed|unexpected)|host not found, try again|temporary (dns|lookup|name resolution) failure|servfail/i],
  ['host_unknown', /domain is not reachable|no smtp service|host (or domain name )?(unknown|not found)|unknown host|host name lookup failure|(domain|host)( name)? (not found|does ?n[o']t exist|is not (found|valid|known))|no such (domain|host)|unrouteable (mail )?domain|name service error|dns error|(mx|a) (record|lookup)[^\n]{0,40}(fail|not|error|no )|nxdomain|domain (has no|without) mx|unknown domain|no (mx|valid mx|dns)|non-existent (host|domain)|does not accept mail|accepts no mail|null mx|nodename nor servname/i],
  ['user_unknown', /recipient name is not recognized|見つかりません|存在しません|宛先不明|address could ?n[o']t be found|recipient address rejected\.?\s*$|user(name)? (is )?unknown|unknown (user|recipient|local ?part|address|mailbox|alias|account)|no such (user|mailbox|recipient|account|address|person|local user)|(user|recipient|mailbox|addressee|account|address|alias) (was |is )?(not found|not exist|does ?n[o']t exist|does not exist|unknown|unavailable|invalid|not valid)|(recipient|user|mailbox|address|account)[^\n]{0,40}(does not exist|doesn't exist|not exist)|does not exist|invalid (recipient|mailbox|address|user|destination)|not a valid (user|recipient|mailbox)|(mailbox|user) not (found|available|listed)|no mailbox|mailbox unavailable|(bad|unknown) destination mailbox|recipient(address)?not ?found|recipientnotfound|illegal user|unrouteable address|not our customer|address (not|is not) (in|found)|no account|unknown or illegal|addressee unknown|user not (found|exist)|not a known user|(not|isn't|no longer) (listed|registered)|undeliverable address|the email account that you tried to reach does not exist|doesn'?t have an? [\w.]+ account|there is no one at this address|mailbox not existing|recipient address rejected: access denied|not listed in (the )?(domino )?directory/i],
  ['blocked', /reverse (dns|lookup|hostname)|\bptr\b|no (rdns|reverse)|hostname does not resolve|cannot find your hostname|helo[^\n]{0,40}(reject|invalid)|client host[^\n]{0,30}(rejected|blocked)|(black|block|deny|deni|ban)[ -]?list(ed)?|(?<!not )listed (on|in|at|by)|\b(rbl|dnsbl|spamhaus|spamcop|barracuda|sorbs|senderbase|mailspike|uceprotect|cbl)\b|\bip (address )?(is |has been )?(block|reject|bann)|poor (ip )?reputation|bad reputation|reputation|(connection|host|ip|sender ip|your ip)[^\n]{0,30}(refused|blocked|rejected) (by|due|because|for)|blocked (by|using|because|for)|has been blocked|temporarily (deferred|blocked|rate limited) due to|(?<!rejected: )access denied|not allowed to send|relay(ing)? (access )?denied|relaying (is )?(not )?(allowed|permitted)|not permitted to relay|unable to relay|we do not relay/i],
  ['spam', /\bspam\b|junk mail|unsolicited|bulk mail|content (was )?(rejected|filter)|message content|virus|malware|phish|suspicious|\buce\b|looks like spam|classified as spam/i],
  ['throttled', /too many (connections|messages|recipients|emails)|rate limit|rate-limited|throttl|try again later|temporar(il)?y (deferred|unavailable|rejected)|greylist|gray ?list|please retry|deferred|too much (mail|traffic)|exceeded (the )?(rate|sending|daily|hourly)/i],
  ['expired', /expired|giving up|gave up|retry time|time(d)? ?out (waiting|while|on)|could not be delivered (for|within)|delivery (time|attempts?) (expired|exceeded|failed for)|has not been delivered|not been able to deliver[^\n]{0,40}(for|within)|message timed out|queue(d)? (too long|time)|undelivered for|delivery (is|has been) delayed|will (keep|continue) (trying|to retry)|still trying|delayed/i],
  ['network', /connection (refused|reset|timed out|closed|lost)|lost connection|network (is )?unreachable|no route to host|could not connect|unable to connect|can'?t connect|timed out|timeout|too many hops|mail loop|loops back|routing loop|tls|ssl|handshake|broken pipe/i],
  ['policy', /policy|not allowed|not authori[sz]ed|prohibited|forbidden|restricted|only accepts mail from|members only|not member|sender (address )?(rejected|denied|blocked|not allowed)|rejected by recipient|recipient rejected|refused|administrative prohibition/i],
  ['system', /system error|internal (server )?error|local error|mailer error|temporary failure|service (is )?(currently )?unavailable|service not available|resources temporarily|loop|configuration error|syntax error|malformed|i\/o error/i],
];

/** The reason for one failure, from its words and then its codes. */
export function bounceReason(words: string, status: string | null, smtpCode: string | null, context = ''): BounceReason {
  for (const [reason, re] of RULES) if (re.test(words)) return reason;
  // The lines around the recipient said nothing we know; the rest of the notice may.
  if (context) for (const [reason, re] of RULES) if (re.test(context)) return reason;
  return reasonFromStatus(status) ?? (smtpCode === '550' || smtpCode === '553' ? 'rejected' : 'unknown');
}

/** RFC 3463 subject/detail codes (`X.1.1` bad mailbox, `X.2.2` full, ...). */
function reasonFromStatus(status: string | null): BounceReason | null {
  if (!status) return null;
  const [, subject, detail] = status.split('.');
  const code = `${subject}.${detail}`;
  const byCode: Record<string, BounceReason> = {
    '1.0': 'user_unknown',
    '1.1': 'user_unknown',
    '1.10': 'user_unknown',
    '1.2': 'host_unknown',
    '1.3': 'user_unknown',
    '1.6': 'moved',
    '1.8': 'rejected',
    '1.7': 'rejected',
    '2.1': 'disabled',
    '2.2': 'mailbox_full',
    '2.3': 'message_too_big',
    '3.4': 'message_too_big',
    '3.0': 'system',
    '3.5': 'system',
    '4.1': 'network',
    '4.2': 'network',
    '4.4': 'host_unknown',
    '4.6': 'network',
    '4.7': 'expired',
    '5.0': 'system',
    '7.1': 'policy',
    '7.0': 'policy',
  };
  return byCode[code] ?? (subject === '7' ? 'policy' : subject === '4' ? 'network' : subject === '3' ? 'system' : null);
}
