import type { InboundClassification, ReplyMeaning } from '../../../../../shared/contracts/replies';
import { isAutoReply } from './auto-reply';
import { isBounce, readBounce } from './bounce';
import { isComplaint } from './complaint';
import { parseDeliveryStatus } from './dsn';
import { header, parseInbound, type ParsedInbound } from './parse';
import { ownWords } from './quoted';
import { findReturnDate, offsetMinutes } from './return-date';
import { isUnsubscribeRequest, mentionsOptOut } from './unsubscribe';
import { replyMeaning, type Meaning } from './meaning';

/** What the AI classifier may say about a human reply: a kind, or a meaning (with the referred person). */
export type RefinedReply = 'reply' | 'unsubscribe_request' | 'other' | { meaning: Exclude<ReplyMeaning, 'out_of_office' | 'auto_reply' | 'bounce' | 'complaint'>; referral?: Meaning['referral'] };

/** A second opinion on a human reply (the AI classifier, when configured). null keeps ours. */
export type RefineReply = (ownText: string) => Promise<RefinedReply | null>;

export interface ClassifyOptions {
  /** Asked only about human replies whose wording is ambiguous; a failure keeps the rule's answer. */
  refine?: RefineReply;
}

/**
 * Classifies one raw RFC 822 message: complaint, bounce, auto-reply, unsubscribe request,
 * human reply or other. Pure: no database, no network (unless `refine` itself calls out).
 * Throws UnparseableMessageError only when the bytes are not a message at all.
 */
export async function classifyInbound(raw: Uint8Array | string, options: ClassifyOptions = {}): Promise<InboundClassification> {
  const p = await parseInbound(raw);
  if (isComplaint(p)) return { kind: 'complaint', meaning: 'complaint' };
  if (isBounce(p) && !onlySuccessReports(p)) return { kind: 'bounce', meaning: 'bounce', bounce: readBounce(p) };
  if (/report-type\s*=\s*"?(disposition-notification|delivery-status)/.test(p.contentType)) return { kind: 'other', meaning: 'other' };
  // Apple Mail's one-tap unsubscribe is sent as an RFC 3834 auto-reply; it is still the person's request.
  if (p.headers.has('x-apple-unsubscribe')) return { kind: 'unsubscribe_request', meaning: 'unsubscribe_request' };
  const own = ownWords(p.text);
  // Help-desk acknowledgements often carry only the vendor's headers (Freshdesk sends
  // `Precedence: bulk`, no Auto-Submitted): a ticket system's header plus acknowledgement words is automatic too.
  if (isAutoReply(p) || (isTicket(p) && ACKNOWLEDGEMENT.test(`${p.subject}\n${own}`))) return automatic(p, own);
  if (isListTraffic(p)) return { kind: 'other', meaning: 'other' };
  if (isUnsubscribeRequest(own) || isUnsubscribeRequest(stripReplyPrefix(p.subject))) return { kind: 'unsubscribe_request', meaning: 'unsubscribe_request' };
  const offset = offsetMinutes(header(p, 'date')) ?? 0;
  const rules = replyMeaning(own, { sentAt: p.sentAt, offsetMinutes: offset, own: [header(p, 'from'), p.from, ...p.to] });
  // The AI is asked only where the rules are unsure: words about opting out that made no clear
  // request, or a reply no phrase family placed. Its failure, or its doubt, keeps the rules' answer.
  if (options.refine && own.trim() && (mentionsOptOut(own) || rules.meaning === 'other')) {
    const second = await askRefiner(options.refine, own);
    if (second) return second.meaning === 'unsubscribe_request' ? { kind: 'unsubscribe_request', meaning: 'unsubscribe_request' } : { kind: 'reply', ...second };
  }
  return { kind: 'reply', ...rules };
}

/**
 * An automatic answer: an absence (out of office, with the return date when it names one), or
 * an acknowledgement nobody is away behind (ticket systems, "we received your message",
 * unmonitored mailboxes). Absence words decide first, then the acknowledgement signs, then a
 * return date alone.
 */
function automatic(p: ParsedInbound, own: string): InboundClassification {
  const words = `${p.subject}\n${own}`;
  const returnDate = findReturnDate(words, p.sentAt, header(p, 'date'));
  const away = OUT_OF_OFFICE.test(words);
  if (!away && (isTicket(p) || ACKNOWLEDGEMENT.test(words))) return { kind: 'auto_reply', meaning: 'auto_reply' };
  if (away || returnDate) return returnDate ? { kind: 'auto_reply', meaning: 'out_of_office', returnDate } : { kind: 'auto_reply', meaning: 'out_of_office' };
  return { kind: 'auto_reply', meaning: 'auto_reply' };
}

/** Help-desk software stamps its own headers (Zendesk, Freshdesk, Jira Service Management, Help Scout, Salesforce, ServiceNow, Zoho Desk). */
function isTicket(p: ParsedInbound): boolean {
  for (const name of p.headers.keys()) if (/^x-(zendesk|freshdesk|jira|helpscout|sfdc|servicenow|zoho-?desk|kayako|gorgias|intercom|front)/.test(name)) return true;
  return /\[(request|ticket|case)?\s*#?\s*[\w-]*\d+\]|\bticket\b|\bcase (number|#)|\[#?[A-Z]+-\d+\]/i.test(p.subject);
}

/** "We received your message" in the languages our prospects write in. */
const ACKNOWLEDGEMENT =
  /(we|i) (have )?received your (message|e-?mail|request|enquiry|inquiry)|(your|this) (message|e-?mail|request|ticket) (has been|was) (received|created)|confirm (that )?we (got|received)|mailbox is not monitored|does not accept replies|automated (response|reply|message)|(receipt|reception) of your (message|ticket|request|e-?mail)|an agent will|not monitored|respond to all enquiries|automatic confirmation|has been received|anfrage (ist )?eingegangen|nachricht erhalten|bien reçu votre|accusé de réception|hemos recibido|recebemos (a sua|sua) mensagem|uw bericht (is )?ontvangen|abbiamo ricevuto/i;

/** An absence (vacation, leave, travel) rather than a ticket or receipt acknowledgement. */
const OUT_OF_OFFICE =
  /out of (the )?office|out-of-office|\bOOO\b|vacation|holiday|on leave|parental leave|away (from|until|till|on)|travell?ing|limited access to (e-?mail|my)|abwesen|nicht im büro|urlaub|absent|congé|vacances|fuera de la oficina|vacaciones|ausente|fora do escritório|férias|afwezig|vakantie|fuori (sede|ufficio)|ferie|in ferie/i;

/** Success DSNs (delivered / relayed / expanded) and read receipts are not failures. */
function onlySuccessReports(p: ParsedInbound): boolean {
  const actions = p.deliveryStatus.flatMap(parseDeliveryStatus).map((r) => r.action).filter(Boolean);
  return actions.length > 0 && actions.every((a) => /^(delivered|relayed|expanded)/.test(a));
}

/** Newsletters and list traffic: nobody answered us personally. */
function isListTraffic(p: ParsedInbound): boolean {
  return /^(bulk|list|junk)$/i.test(header(p, 'precedence').trim()) || p.headers.has('list-id');
}

function stripReplyPrefix(subject: string): string {
  return subject.replace(/^((re|aw|sv|vs|rif|antw|fwd?|wg|tr)\s*:\s*)+/i, '');
}

async function askRefiner(refine: RefineReply, own: string): Promise<Meaning | null> {
  try {
    const answer = await refine(own);
    if (answer === null || answer === 'reply') return null;
    if (answer === 'unsubscribe_request' || answer === 'other') return { meaning: answer };
    return answer.referral ? { meaning: answer.meaning, referral: answer.referral } : { meaning: answer.meaning };
  } catch {
    return null;
  }
}
