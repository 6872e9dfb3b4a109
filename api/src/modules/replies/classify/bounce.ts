import type { BounceDetail } from '../../../../../shared/contracts/replies';
import { addressOf, enhancedStatus, failedRecipient, parseDeliveryStatus, type DsnRecipient } from './dsn';
import { bounceReason, isDirectoryLookup, isHardBounce, type BounceReason } from './bounce-reason';
import { fmlNotice, reasonOfLocalHost, v5sendmailTranscript } from './lhost';
import { hostsNamedIn, reasonOfRemoteHost } from './remote-host';
import { reporterVerdict } from './reporter';
import { sisimaiReason, statusName } from './sisimai-reason';
import { header, type ParsedInbound } from './parse';
import { commandIn, replyCodeIn } from './smtp-text';

/**
 * A delivery failure or delay notice: an RFC 3464 report, or the free-text notice of an MTA
 * that never learnt the standard (qmail, old Exim, Exchange 2003, carriers...).
 */
export function isBounce(p: ParsedInbound): boolean {
  if (p.deliveryStatus.length > 0 || /report-type\s*=\s*"?delivery-status/.test(p.contentType)) return true;
  if (p.headers.has('x-failed-recipients')) return true;
  if (fmlNotice(p)) return true;
  if (sesNotification(p)?.notificationType === 'Bounce') return true;
  const fromDaemon = DAEMON_SENDER.test(p.from) || (p.from === '' && header(p, 'return-path').trim() === '<>');
  if (BOUNCE_SUBJECT.test(p.subject)) return fromDaemon || header(p, 'return-path').trim() === '<>' || BOUNCE_BODY.test(p.text);
  return fromDaemon && BOUNCE_BODY.test(p.text);
}

/** Recipient, status, hard/soft and reason of a bounce. */
export function readBounce(p: ParsedInbound): BounceDetail {
  const ses = sesNotification(p);
  if (ses?.bounce) return fromSes(ses.bounce);
  const fml = fmlNotice(p);
  if (fml) return fromFml(fml);

  const notice = noticeText(p.text);
  const dsn = failedRecipient(p.deliveryStatus.length > 0 ? p.deliveryStatus.flatMap(parseDeliveryStatus) : embeddedReport(notice));
  const recipient = dsn?.recipient ?? layoutRecipient(notice) ?? failedHeaderRecipient(p) ?? recipientInNotice(notice, p) ?? originalRecipient(p);
  const dsnRecipients = p.deliveryStatus.flatMap(parseDeliveryStatus).filter((r) => r.recipient).length;
  const v5 = v5sendmailTranscript(p, notice, commandIn);
  const v5record = v5.find((r) => r.recipient === recipient) ?? v5[0];
  const diagnostic = v5record?.diagnosis ?? relayedAnswer(withTranscript(dsn?.diagnostic ?? '', notice, dsnRecipients) || diagnosticNear(notice, recipient));
  // Links are dropped: some reporters link to pages whose names would read as reasons.
  const words = (diagnostic || notice).replace(/https?:\/\/([^/\s]+)\S*/g, ' $1 ');
  const smtpCode = replyCodeIn(diagnostic);
  const status = amazonRelayedStatus(p, dsn?.status ?? null, diagnostic) ?? bestStatus(dsn?.status ?? null, diagnostic, notice);
  const delayed = dsn?.action.startsWith('delay') ?? false;
  // The answering host as the report names it, then the bounce's own Received path (after the recipient's domain).
  const hosts = [dsn?.remoteMta, ...hostsNamedIn(diagnostic), ...hostsNamedIn(notice)].filter((h): h is string => Boolean(h));
  const reason =
    groupRefusal(p, recipient) ??
    reporterVerdict(p, diagnostic) ??
    reasonOfRemoteHost({ hosts, recipient, diagnostic, status }) ??
    reasonOfRemoteHost({ hosts: receivedHosts(p), recipient: null, diagnostic, status }) ??
    fromLocalHost();
  function fromLocalHost() {
    // The report's own words for the stage first; else the last command the answer names in
    // capitals ("… RCPT TO:<…> rejected"), as Sisimai's fallback decoder reads it.
    // Zoho Mail's notice ("a@b Invalid Address, ERROR_CODE :550, ERROR_CODE :…") never says which
    // command failed, and Sisimai's Zoho decoder names none: its words are read without one.
    const namesNoCommand = p.headers.has('x-zohomail');
    const command = v5record ? v5record.command : namesNoCommand ? null : (smtpCommand(diagnostic) ?? smtpCommand(notice) ?? commandIn(dsn?.diagnostic || fallbackReading(diagnostic)));
    // The reporting MTA's own verdict stands unless Sisimai's general rules re-read that reason;
    // then it only decides when they find nothing.
    const local = reasonOfLocalHost(p, { diagnostic, notice, command, status, dsnStatus: dsn?.status ?? null, recipient, hosts });
    if (local && !local.retried) return local.reason;
    const ours = () => bounceReason({ words, context: notice, status, smtpCode, command, delayed, diagnosticType: dsn?.diagnosticType ?? null });
    const oursOr = (local: { reason: BounceReason } | null) => {
      const general = ours();
      return local && (general === 'onhold' || general === 'undefined') ? local.reason : general;
    };
    // Sisimai's own general decision first (its order, its phrase lists: sisimai-reason.ts); our
    // broader phrase families only when it finds nothing it can name.
    const sisimai = sisimaiReason({
      reason: local?.reason ?? '',
      deliveryStatus: vendorDetailAsSubject(status),
      diagnosticCode: words,
      diagnosticType: (dsn?.diagnosticType ?? '').toUpperCase() || (diagnostic ? 'SMTP' : ''),
      // A recipient directory's own answer is the answer to RCPT TO, whatever the report names.
      command: command ?? (!namesNoCommand && isDirectoryLookup(words) ? 'RCPT' : ''),
      replyCode: smtpCode ?? '',
      action: dsn?.action ?? '',
    });
    return sisimai !== 'onhold' && sisimai !== 'undefined' ? sisimai : oursOr(local);
  }
  return {
    hard: isHardBounce(reason, status ?? smtpCode ?? (NOTICE_TEMPORARY.test(notice) ? '4' : null)),
    status,
    recipient,
    reason,
    diagnostic: diagnostic ? diagnostic.replace(/\s+/g, ' ').trim().slice(0, 500) : null,
  };
}

/**
 * The SMTP command the failing answer was given to: Postfix "(in reply to RCPT TO command)",
 * Exim "after RCPT TO:<…>", qmail "most progress was RCPT TO response", Exchange/X3
 * "SMTP:RCPT", "did not like our RCPT TO"; in a Sendmail/carrier transcript, the `>>>`
 * command right before the first `<<< 4xx/5xx` answer (a pipelined session shows `>>> DATA`
 * after the recipients, yet the refusal answered RCPT).
 */
function smtpCommand(text: string): string | null {
  // qmail names the stage in words: "my name was rejected" (HELO), "sender was rejected" (MAIL FROM).
  if (/\bmy\s+name\s+was\s+rejected\b/i.test(text)) return 'HELO';
  if (/\bsender\s+was\s+rejected\b/i.test(text)) return 'MAIL';
  // qmail-remote.c: "<host> does not like recipient." is its answer to RCPT TO; "failed on DATA
  // command" / "failed after I sent the message" are DATA; "but greeting failed" the connection.
  if (/\bdoes\s+not\s+like\s+recipient\b/i.test(text)) return 'RCPT';
  if (/\bfailed\s+(on\s+DATA\s+command|after\s+I\s+sent\s+the\s+message)\b/i.test(text)) return 'DATA';
  if (/\bbut\s+greeting\s+failed\b/i.test(text)) return 'CONN';
  // Exim "after initial connection", Postfix "refused to talk to me": the greeting itself was a refusal.
  if (/after\s+initial\s+connection|refused\s+to\s+talk\s+to\s+me/i.test(text)) return 'CONN';
  const said = /(?:in reply to|after|smtp command:?|progress was|did not like our|smtp:)\s*(?:end of\s+)?(rcpt|data|mail|ehlo|helo)\b|\[(rcpt|mail|data)_to\]/i.exec(text);
  if (said) return (said[1] ?? said[2])!.toUpperCase();
  const answer = /^\s*<<<\s*[45]\d\d/m.exec(text);
  if (!answer) return null;
  const sent = [...text.slice(0, answer.index).matchAll(/^\s*>>>\s*(rcpt|data|mail|ehlo|helo)\b/gim)].pop();
  return sent ? sent[1]!.toUpperCase() : null;
}

/**
 * The lines of a recipient's block in a free-text notice that Sisimai's fallback decoder (its
 * RFC3464 module) reads as the diagnosis: up to a summary of the original ("Message details:",
 * Apache James and carriers), without the lines that name the envelope ("MAIL FROM: a@b",
 * "  RCPT TO: a@b" alone on its line, "Message-ID:", "  From: "), which name commands of a
 * session, not the one that failed.
 */
function fallbackReading(notice: string): string {
  const end = /^message details:/im.exec(notice)?.index ?? notice.length;
  return notice
    .slice(0, end)
    .split(/\r?\n/)
    .filter((l) => !/mail from:|message-id:|^ {2}from: |^\s*rcpt to:\s*<?[^\s<>@]+@[^\s<>]+>?\s*$/i.test(l))
    .join('\n');
}

/**
 * RFC 3464 fields written into the notice's own text instead of a delivery-status part (Amazon
 * WorkMail's "Technical report:", some gateways): read as a report when they name a recipient
 * and a status, the way Sisimai's decoders match RFC 1894 fields line by line.
 */
function embeddedReport(notice: string): DsnRecipient[] {
  const at = notice.search(/^(reporting-mta|final-recipient|original-recipient):/im);
  if (at === -1 || !/^status:\s*[245]\.\d/im.test(notice.slice(at))) return [];
  return parseDeliveryStatus(notice.slice(at)).filter((r) => r.recipient && r.status);
}

/**
 * Sendmail's "Transcript of session follows" beside its DSN, read the way Sisimai's Sendmail
 * decoder reads it:
 * - a Diagnostic-Code that is only a number (a local mailer's exit status, "X-Unix; 255") or
 *   empty gives way to the transcript's own coded lines ("554 5.3.0 unknown mailer error 255")
 *   and its "Message: " / "Warning: " lines;
 * - the remote server's answers (`<<< 550 …`) come before the Diagnostic-Code when the report
 *   is about one recipient, so their words are read too.
 */
function withTranscript(dsnDiagnostic: string, notice: string, recipients: number): string {
  const at = notice.search(/-+ transcript of session follows -+/i);
  if (at === -1) return dsnDiagnostic;
  const replies: string[] = [];
  const coded: string[] = [];
  let inSession = false;
  for (const line of notice.slice(at).split(/\r?\n/).slice(1)) {
    if (line.startsWith(' ') || line.trim() === '') continue;
    if (line.startsWith('>>> ')) continue;
    if (line.startsWith('<<< ')) {
      if (!replies.includes(line.slice(4))) replies.push(line.slice(4));
      continue;
    }
    if (inSession) continue;
    if (line.startsWith('... while talking to ')) {
      inSession = true;
      continue;
    }
    if ((replyCodeIn(line) && statusInText(line)) || /^(Message|Warning): /.test(line)) coded.push(line);
  }
  let diagnosis = /^\s*\d*\s*$/.test(dsnDiagnostic) && coded.length > 0 ? coded.join(' ') : dsnDiagnostic;
  if (replies.length > 0 && recipients === 1) diagnosis = `${replies.join(' ')} ${diagnosis}`;
  return diagnosis.trim();
}

/**
 * A vendor's own detail under a standard subject (Exchange Online's 5.1.351, 5.4.310, …) names
 * nothing in Sisimai's table of exact codes; it is read as its subject's X.Y.0 ("other address
 * status", "other mailbox status", …), which the table does name.
 */
function vendorDetailAsSubject(status: string | null): string {
  if (!status) return '';
  const m = /^([45])\.([1-7])\.(\d{3})$/.exec(status);
  return m && !statusName(status) ? `${m[1]}.${m[2]}.0` : status;
}

/** Host names in the `from` clauses of the bounce's own Received headers, oldest hop first. */
function receivedHosts(p: ParsedInbound): string[] {
  return (p.headers.get('received') ?? [])
    .slice(0, 20)
    .reverse()
    .flatMap((r) => [...r.matchAll(/\b(?:from|by)\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)].map((m) => m[1]!.toLowerCase()));
}

/**
 * Gmail (and Google Workspace) wrap the remote server's refusal in their own explanation —
 * "rejected by the recipient domain … The error that the other server returned was: 550 …" —
 * whose words would read as a reason of their own; only the relayed answer is the diagnostic.
 */
function relayedAnswer(diagnostic: string): string {
  const at = /the error that the other server returned was:?/i.exec(diagnostic);
  return at ? diagnostic.slice(at.index + at[0].length).trim() || diagnostic : diagnostic;
}

/**
 * Google Groups answers a post it will not take (the group does not exist, or the sender may
 * not post to it) with a notice in the poster's language and no diagnostic code: the failed
 * address is the group's. Refusing a poster is refusing the sender (`rejected`), never a
 * sign the group address is gone.
 */
function groupRefusal(p: ParsedInbound, recipient: string | null): 'rejected' | null {
  if (!recipient?.endsWith('@googlegroups.com')) return null;
  return /@(googlemail|google)\.com$/i.test(p.from) && /^mailer-daemon@/i.test(p.from) ? 'rejected' : null;
}

const DAEMON_SENDER = /^(mailer-daemon|mail-daemon|mailerdaemon|postmaster|post_master|poostmaster|mail\.delivery\.system|mail-delivery|mdaemon|mailer|bounces?|mail-?notification|microsoftexchange[\w.-]*|no-?reply)@|^$/i;

const BOUNCE_SUBJECT =
  /undeliver|undelivered|not (been )?delivered|delivery (status|failure|failed|notification|problem|has failed)|failed delivery|failure (notice|delivery)|returned mail|mail delivery (failed|system)|returning message|could not be delivered|delivery error|mail system error|error sending|mail failure|non[- ]?remis|unzustellbar|nicht zustellbar|no entregado|non recapitato|onbestelbaar|не доставлено|未送達|配信でき|エラー通知|退信|loop alert/i;

const BOUNCE_BODY =
  /could not be delivered|did not reach the following|invalid (user|recipient) address|couldn't be delivered|wasn't able to deliver|was not delivered|delivery (to the following|has failed|failed)|undeliver|permanent (fatal )?error|following address(es)? failed|returned to sender|message (was|has been) (rejected|refused|returned)|unable to deliver|not be delivered|failed (permanently|to deliver)|recipient(s)? (address )?(rejected|failed)|smtp error|remote (host|server) (said|replied|returned)|user unknown|no such user|host unknown|mailbox (is )?(full|unavailable)|over quota|transcript of session|error sending your mail|delivery status notification|ne peut être remis|konnte nicht zugestellt|не (может быть )?доставлено|配信でき|届きませんでした/i;

/** Words that mark a free-text notice as a temporary delay, not a failure. */
const NOTICE_TEMPORARY = /\b(temporary|temporarily|delayed|will (keep|continue) (trying|to try|retrying)|still trying|warning: message)\b/i;

/** Lines at which the returned original message starts in a free-text notice. */
const ORIGINAL_MARKER =
  /^[ \t>]*(-{2,}.*(original message|copy of (the|your) message|below this line|returned message|message follows|headers? follow|unsent message|rfc822)|.*(original message (follows|headers)|copy of the message|message (headers|text) follow)|return-path:|received: from)/im;

/** The notice part of a body, without the returned message that often follows it. */
function noticeText(text: string): string {
  const m = ORIGINAL_MARKER.exec(text);
  return (m && m.index > 0 ? text.slice(0, m.index) : text).slice(0, 20_000);
}

function failedHeaderRecipient(p: ParsedInbound): string | null {
  const value = header(p, 'x-failed-recipients');
  return value ? addressOf(value) : null;
}

/**
 * The MTA's own layout names the failed address at the start of its block: qmail and Postfix
 * write `<a@b>:` at the start of a line (qmail alone on the line, Postfix before "host … said"),
 * Exim lists the addresses indented under "The following address(es) failed:". The first
 * such block is the first failure (OpenSMTPD writes `a@b: 550 …`), as the notice orders them.
 */
function layoutRecipient(notice: string): string | null {
  const qmailOrPostfix = /^<([^\s<>@]+@[^\s<>]+)>:(\s*$|\s+(host|connected to|sorry|remote host|mail for|delivery|\d{3}\b))/im.exec(notice);
  // OpenSMTPD: `a@b: 550 5.1.1 …` — the address bare, then the server's reply.
  const opensmtpd = /^([^\s<>@]+@[^\s<>:]+): [245]\d\d[ -]/m.exec(notice);
  const exim = /following address(?:\(es\)|es)? failed:\s*\n\s*\n?[ \t]+<?([^\s<>@]+@[^\s<>:]+?)>?:?\s*$/im.exec(notice);
  const first = [qmailOrPostfix, opensmtpd, exim].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
  return first ? first[1]!.toLowerCase() : null;
}

const ADDRESS = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/gi;

/**
 * The failed address in a free-text notice: the first address that is not the notice's own
 * sender or addressee, nor a postmaster-style mailbox. Addresses that sit on their own
 * line or in `<...>:` (the Exim, qmail and Postfix layouts) come first.
 */
function recipientInNotice(notice: string, p: ParsedInbound): string | null {
  const own = new Set([p.from, ...p.to, ...attachedSenders(p)]);
  const candidates: Array<{ address: string; score: number; at: number }> = [];
  for (const m of notice.matchAll(ADDRESS)) {
    const address = m[0].toLowerCase().replace(/\.$/, '');
    if (/^(mailer-daemon|postmaster|post_master|root|abuse|noreply|no-reply)@/i.test(address)) continue;
    const line = lineAround(notice, m.index);
    let score = 0;
    if (/^\s*<?[^\s<>]+>?\s*:?\s*$/.test(line)) score += 3;
    if (/rcpt to|recipient|addressee|failed|delivered to|deliver to|destinataire|unknown|error/i.test(line)) score += 2;
    // A summary of the original message ("To: ...") or a help-desk address is not the failure.
    if (/^\s*(to|cc|subject|sent)\s*:|contact|assistance|support|help/i.test(line)) score -= 3;
    if (/^\s*from:|sender|mail from|return-path|reply-to|message-id|references|envelope-from|received from|^\s*from\s/i.test(line)) score -= 6;
    // Someone who sent to themselves bounces to their own address; it only wins when nothing else fits.
    if (own.has(address)) score -= 4;
    candidates.push({ address, score, at: m.index });
  }
  candidates.sort((a, b) => b.score - a.score || a.at - b.at);
  return candidates[0] && candidates[0].score > -5 ? candidates[0].address : null;
}

/** Last resort: the To: of the returned message. */
function originalRecipient(p: ParsedInbound): string | null {
  for (const block of p.attachedHeaders) {
    const to = /^to:\s*(.+(?:\r?\n[ \t].+)*)/im.exec(block);
    if (to) return addressOf(to[1]!);
  }
  const inline = /^to:\s*(.+)$/im.exec(p.text.slice(ORIGINAL_MARKER.exec(p.text)?.index ?? p.text.length));
  return inline ? addressOf(inline[1]!) : null;
}

function attachedSenders(p: ParsedInbound): string[] {
  return p.attachedHeaders.flatMap((block) => {
    const from = /^(from|sender|return-path):\s*(.+)$/gim;
    return [...block.matchAll(from)].map((m) => addressOf(m[2]!)).filter((a): a is string => a !== null);
  });
}

/** The lines of a free-text notice that explain the failure: around the recipient, or all of it. */
function diagnosticNear(notice: string, recipient: string | null): string {
  const at = recipient ? recipientLineAt(notice, recipient) : -1;
  if (at === -1) return notice.slice(0, 1200).trim();
  const lines = notice.slice(notice.lastIndexOf('\n', at) + 1).split(/\r?\n/);
  const block: string[] = [];
  for (const line of lines) {
    // A line that starts with another address opens that recipient's block (Exim/qmail put it
    // alone on the line; Zoho, Postfix and OpenSMTPD put their explanation after it).
    const other = /^\s*<?([^\s<>@]+@[^\s<>:]+?)>?:?(\s|$)/.exec(line)?.[1];
    // The next recipient's block, or a blank line after some explanation, ends this one.
    if (block.length > 0 && other && other.toLowerCase() !== recipient && !/^\s*(from|to|rcpt)\b/i.test(line)) break;
    const said = block.filter((l) => l.trim() !== '');
    if (line.trim() === '' && said.length >= 2 && !/:\s*$/.test(said.at(-1)!)) break;
    block.push(line);
  }
  return block.join('\n').slice(0, 1200).trim();
}

/** Where the recipient is named as the failed one, not as the To: of a quoted summary. */
function recipientLineAt(notice: string, recipient: string): number {
  const lower = notice.toLowerCase();
  let first = -1;
  for (let at = lower.indexOf(recipient); at !== -1; at = lower.indexOf(recipient, at + 1)) {
    if (first === -1) first = at;
    if (!/^\s*(to|cc|from|subject|sent|date)\s*:/i.test(lineAround(notice, at))) return at;
  }
  return first;
}

/**
 * Amazon SES and WorkMail report a remote refusal as "5.1.0 - Unknown address error 550-'5.7.1
 * <…>... Access denied'": their own X.0.0 / X.1.0 summary first, the remote server's answer in
 * quotes. As Sisimai's AmazonSES / AmazonWorkMail decoders do, the status is the quoted
 * answer's code.
 */
function amazonRelayedStatus(p: ParsedInbound, dsnStatus: string | null, diagnostic: string): string | null {
  if (!dsnStatus || !/^[45]\.[01]\.0$/.test(dsnStatus)) return null;
  if (!/amazonses\.com|awsapps\.com/i.test(header(p, 'from')) && header(p, 'x-mailer').trim() !== 'Amazon WorkMail') return null;
  const quoted = /["'](\d\.\d\.\d.+)['"]/.exec(diagnostic)?.[1];
  return quoted ? statusInText(quoted) : null;
}

/**
 * The DSN's Status field against the code the remote server wrote in its own reply. The field
 * is the reporting MTA's summary; the reply is the server's words. The reply's code is taken
 * when the field only names a class or a subject ("X.0.0", "X.Y.0": other or undefined status,
 * RFC 3463 §3) and the reply gives a specific code of the same class.
 */
function bestStatus(dsnStatus: string | null, diagnostic: string, notice: string): string | null {
  const fromText = statusInText(diagnostic) ?? statusInText(notice);
  if (!dsnStatus) return fromText;
  // Sisimai's Fact: a specific failure code in the server's own answer (X.Y.Z with subject and
  // detail from 1 up: 4.4.5, 5.7.606, not X.0.0, X.Y.0 or 4.4.7) is the status, whatever
  // the reporting MTA summarised in its Status field (a queue's 4.4.7 over the server's 4.4.5).
  const answered = statusInText(diagnostic);
  if (answered && /^[45]\.[1-9]\.[1-9]+$/.test(answered) && answered !== '4.4.7') return answered;
  if (!fromText || fromText[0] !== dsnStatus[0] || /\.0\.0$|^4\.4\.7$/.test(fromText)) return /\.0\.0$/.test(dsnStatus) ? (fromText ?? dsnStatus) : dsnStatus;
  return /\.0$/.test(dsnStatus) ? fromText : dsnStatus;
}

/**
 * The enhanced status code a server's reply gives: the first that is specific, a generic one
 * (X.0.0, or 4.4.7 "delivery time expired", which a queue adds to any failure) only when no
 * other is given — how Sisimai's `Status.find` reads a reply.
 */
function statusInText(text: string): string | null {
  let generic: string | null = null;
  let success: string | null = null;
  for (const m of text.matchAll(/(?<![\d.vV])([245])\.([0-7])\.(\d{1,3})(?![\d]|\.\d)/g)) {
    const code = `${m[1]}.${m[2]}.${m[3]}`;
    // A transcript shows the commands that succeeded too ("250 2.1.5 Ok"): a failure's code
    // is read in the class of its reply (Sisimai's Status.find given the reply code), so a 2.x.x
    // counts only when the text has no 4.x.x / 5.x.x at all.
    if (m[1] === '2') success ??= code;
    else if (/\.0\.0$|^4\.4\.7$/.test(code)) generic ??= code;
    else return code;
  }
  return generic ?? success;
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end);
}

interface SesBounce {
  bounceType?: string;
  bounceSubType?: string;
  bouncedRecipients?: Array<{ emailAddress?: string; status?: string; diagnosticCode?: string; action?: string }>;
}
interface SesNotification {
  notificationType?: string;
  bounce?: SesBounce;
  complaint?: unknown;
}

/** Amazon SES delivers bounces and complaints as JSON inside an SNS notification mail. */
export function sesNotification(p: ParsedInbound): SesNotification | null {
  const start = p.text.indexOf('{"notificationType"');
  if (start === -1) return null;
  const end = p.text.lastIndexOf('}');
  const json = p.text.slice(start, end + 1);
  // Some relays wrap the one-line JSON at a fixed width; a line break is never part of it.
  for (const candidate of [json, json.replace(/\r?\n/g, '')]) {
    try {
      return JSON.parse(candidate) as SesNotification;
    } catch {
      // try the unwrapped form
    }
  }
  return null;
}

/** fml's refusal of a post: its own verdict, re-read by Sisimai's general rules when it is one they retry. */
function fromFml(n: NonNullable<ReturnType<typeof fmlNotice>>): BounceDetail {
  const reason = sisimaiReason({ reason: n.reason ?? '', deliveryStatus: '', diagnosticCode: n.diagnosis, diagnosticType: 'SMTP', command: '', replyCode: '', action: '' });
  return { hard: isHardBounce(reason), status: null, recipient: n.recipient, reason, diagnostic: n.diagnosis.slice(0, 500) };
}

function fromSes(b: SesBounce): BounceDetail {
  const r = b.bouncedRecipients?.[0];
  const status = enhancedStatus(r?.status ?? '') ?? enhancedStatus(r?.diagnosticCode ?? '');
  const diagnostic = r?.diagnosticCode ?? '';
  const smtpCode = /\b([245]\d\d)\b/.exec(diagnostic)?.[1] ?? null;
  const recipient = r?.emailAddress ? addressOf(r.emailAddress) : null;
  const reason = bounceReason({ words: `${diagnostic} ${b.bounceSubType ?? ''}`, status, smtpCode, command: smtpCommand(diagnostic) });
  return {
    hard: isHardBounce(reason, status ?? smtpCode),
    status,
    recipient,
    reason,
    diagnostic: diagnostic || null,
  };
}
