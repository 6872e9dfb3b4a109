import type { InboundClassification, InboundKind } from '../../../../../shared/contracts/replies';
import { isAutoReply } from './auto-reply';
import { isBounce, readBounce } from './bounce';
import { isComplaint } from './complaint';
import { parseDeliveryStatus } from './dsn';
import { header, parseInbound, type ParsedInbound } from './parse';
import { ownWords } from './quoted';
import { findReturnDate } from './return-date';
import { isUnsubscribeRequest, mentionsOptOut } from './unsubscribe';
import { replyMeaning } from './meaning';

/** A second opinion on a human reply (the AI classifier, when configured). null keeps ours. */
export type RefineReply = (ownText: string) => Promise<'reply' | 'unsubscribe_request' | 'other' | null>;

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
  if (isAutoReply(p)) {
    const returnDate = findReturnDate(`${p.subject}\n${own}`, p.sentAt, header(p, 'date'));
    // Ticket systems and "we received your message" notices are automatic too, but nobody is away.
    const meaning = returnDate || OUT_OF_OFFICE.test(`${p.subject}\n${own}`) ? 'out_of_office' : 'auto_reply';
    return returnDate ? { kind: 'auto_reply', meaning, returnDate } : { kind: 'auto_reply', meaning };
  }
  if (isListTraffic(p)) return { kind: 'other', meaning: 'other' };
  if (isUnsubscribeRequest(own) || isUnsubscribeRequest(stripReplyPrefix(p.subject))) return { kind: 'unsubscribe_request', meaning: 'unsubscribe_request' };
  const kind = await refined('reply', own, options.refine);
  if (kind !== 'reply') return { kind, meaning: kind === 'unsubscribe_request' ? 'unsubscribe_request' : 'other' };
  return { kind, ...replyMeaning(own, p.sentAt) };
}

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

async function refined(kind: InboundKind, own: string, refine: RefineReply | undefined): Promise<InboundKind> {
  if (!refine || !mentionsOptOut(own)) return kind;
  try {
    return (await refine(own)) ?? kind;
  } catch {
    return kind;
  }
}
