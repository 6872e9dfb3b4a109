import PostalMime, { type Address, type Email } from 'postal-mime';
import { htmlToText } from '../../../../../shared/html-to-text';

/** The parts of a raw message the classifier rules read, decoded once. */
export interface ParsedInbound {
  /** Top-level headers, lower-case names; a repeated header keeps every value. */
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  /** Addresses the message was sent to (the bounce's own To: is our sender). */
  to: string[];
  sentAt: Date | null;
  /** Top-level content type with its parameters, lower-cased. */
  contentType: string;
  /** Readable body text (the HTML part converted when there is no text part). */
  text: string;
  /** Contents of message/delivery-status parts (RFC 3464), decoded. */
  deliveryStatus: string[];
  /** Contents of message/feedback-report parts (RFC 5965), decoded. */
  feedbackReport: string[];
  /** Header blocks of returned or reported messages (message/rfc822, text/rfc822-headers parts). */
  attachedHeaders: string[];
}

export class UnparseableMessageError extends Error {
  override name = 'UnparseableMessageError';
}

/** Parses raw RFC 822 bytes with postal-mime; throws UnparseableMessageError when it is not a message. */
export async function parseInbound(raw: Uint8Array | string): Promise<ParsedInbound> {
  let email: Email;
  raw = withinPartLimit(raw);
  try {
    // Returned and reported messages stay attachments so their text never reads as the sender's words.
    email = await PostalMime.parse(raw, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw new UnparseableMessageError(`not a parseable message: ${(err as Error).message}`);
  }
  // Anything parses as "a message" to a lenient parser; mail always names at least one of these.
  if (!email.headers.some((h) => MESSAGE_HEADERS.has(h.key))) throw new UnparseableMessageError('not a message: no message headers');

  const headers = new Map<string, string[]>();
  for (const h of email.headers) headers.set(h.key, [...(headers.get(h.key) ?? []), h.value]);

  const parsed: ParsedInbound = {
    headers,
    subject: email.subject ?? '',
    from: mailboxAddress(email.from),
    to: (email.to ?? []).flatMap(addresses),
    sentAt: parseDate(email.date),
    contentType: (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase(),
    text: bodyText(email),
    deliveryStatus: [],
    feedbackReport: [],
    attachedHeaders: [],
  };
  for (const a of email.attachments) {
    const type = a.mimeType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') parsed.deliveryStatus.push(decode(a.content));
    else if (type === 'message/feedback-report') parsed.feedbackReport.push(decode(a.content));
    else if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/rfc822-headers' || type === 'message/global') {
      parsed.attachedHeaders.push(headerBlock(decode(a.content)));
    } else if (type.startsWith('text/plain') && !a.filename && a.disposition !== 'attachment') {
      // A text part the parser set aside (e.g. its charset parameter lost its semicolon) is still body text.
      parsed.text = `${parsed.text}\n${decode(a.content)}`;
    }
  }
  if (parsed.text.trim() === '' && email.attachments.length === 0) parsed.text = rawBody(raw);
  return parsed;
}

/**
 * postal-mime's time grows with the number of MIME parts (2 s for 10,000 on these cores). No
 * reply, bounce or report needs more than a few dozen, so a message with more is cut after
 * the MAX_PARTS-th boundary line: the answer is a best effort on its first parts, in bounded time.
 */
export const MAX_PARTS = 500;

function withinPartLimit(raw: Uint8Array | string): Uint8Array | string {
  const text = typeof raw === 'string' ? raw : null;
  const bytes = typeof raw === 'string' ? null : raw;
  let seen = 0;
  const length = text ? text.length : bytes!.length;
  for (let i = 0; i + 2 < length; i++) {
    // a boundary delimiter line starts with "--" right after a line break
    const nl = text ? text.charCodeAt(i) : bytes![i];
    if (nl !== 10) continue;
    const a = text ? text.charCodeAt(i + 1) : bytes![i + 1];
    const b = text ? text.charCodeAt(i + 2) : bytes![i + 2];
    if (a === 45 && b === 45 && ++seen > MAX_PARTS) return text ? text.slice(0, i + 1) : bytes!.subarray(0, i + 1);
  }
  return raw;
}

/** The first value of a header, or '' when absent. */
export function header(p: ParsedInbound, name: string): string {
  return p.headers.get(name)?.[0] ?? '';
}

const utf8 = new TextDecoder('utf-8');

const MESSAGE_HEADERS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path', 'mime-version', 'content-type', 'sender']);

/**
 * Report parts carry no charset of their own, yet servers write their diagnostics in
 * ISO-2022-JP or Latin-1; UTF-8 is tried first and only kept when it decodes cleanly.
 */
function decode(content: ArrayBuffer | Uint8Array | string): string {
  if (typeof content === 'string') return content;
  const bytes = content instanceof Uint8Array ? content : new Uint8Array(content);
  if (hasIso2022Escape(bytes)) return new TextDecoder('iso-2022-jp').decode(bytes);
  const text = utf8.decode(bytes);
  return text.includes('\uFFFD') ? new TextDecoder('windows-1252').decode(bytes) : text;
}

function hasIso2022Escape(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0x1b && bytes[i + 1] === 0x24 && (bytes[i + 2] === 0x42 || bytes[i + 2] === 0x40)) return true;
  }
  return false;
}

/**
 * The body as written, for messages whose MIME structure is too broken for the parser
 * (e.g. a boundary parameter that lost its folding): part headers and boundaries dropped.
 */
function rawBody(raw: Uint8Array | string): string {
  const text = typeof raw === 'string' ? raw : decode(raw);
  const start = text.search(/\r?\n\r?\n/);
  if (start === -1) return '';
  return text
    .slice(start)
    .split(/\r?\n/)
    .filter((line) => !/^--\S+$/.test(line) && !/^(content-[\w-]+:|\s*boundary=)/i.test(line))
    .join('\n');
}

function headerBlock(message: string): string {
  const end = message.search(/\r?\n\r?\n/);
  return end === -1 ? message : message.slice(0, end);
}

function bodyText(email: Email): string {
  if (email.text && email.text.trim() !== '') return email.text;
  if (email.html) return htmlToText(email.html, { linkTargets: false });
  return '';
}

function mailboxAddress(a: Address | undefined): string {
  return a ? (addresses(a)[0] ?? '') : '';
}

function addresses(a: Address): string[] {
  if (a.group) return a.group.map((m) => m.address.toLowerCase());
  return a.address ? [a.address.toLowerCase()] : [];
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
