import MailComposer from 'nodemailer/lib/mail-composer';
import sanitizeHtml from 'sanitize-html';
import { htmlToText } from '../../../shared/html-to-text';
import { clipWarnings } from '../../../shared/gmail-clip';
import { trackableUrl } from '../lib/link-url';


export interface MimeInput {
  from: { name?: string | null; address: string };
  to: string;
  subject: string;
  html: string;
  /** Plain-text alternative; derived from the HTML when absent. */
  text?: string | null;
  messageId: string;
  inReplyTo?: string | null;
  /** Space-separated Message-IDs of the thread so far. */
  references?: string | null;
  /** The signed one-click unsubscribe URL (RFC 8058). */
  unsubscribeUrl?: string;
  /**
   * Campaign mail's CAN-SPAM footer: the sender's postal address and an unsubscribe line, in
   * both the HTML and the text part. The link is the plain unsubscribe URL, never click-tracked.
   */
  footer?: { postalAddress: string; unsubscribeUrl: string };
  tracking?: {
    openPixelUrl?: string;
    /** Signed redirect for the n-th http(s) link (0-based, in document order). */
    clickUrl?: (linkIndex: number, url: string) => string;
  };
}

export interface BuiltMime {
  /** The RFC 822 message, base64url, ready for `users.messages.send({ requestBody: { raw } })`. */
  raw: string;
  bytes: number;
  warnings: string[];
}

/** Builds the message with nodemailer's MailComposer: multipart/alternative, our headers, tracking applied. */
export async function buildMime(input: MimeInput): Promise<BuiltMime> {
  const html = addOpenPixel(addFooterHtml(rewriteLinks(input.html, input.tracking?.clickUrl), input.footer), input.tracking?.openPixelUrl);
  const text = (input.text ?? textPart(input.html)) + (input.footer ? footerText(input.footer) : '');
  const headers: Record<string, string> = {};
  if (input.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${input.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const composer = new MailComposer({
    from: { name: input.from.name ?? '', address: input.from.address },
    to: input.to,
    subject: input.subject,
    html,
    text,
    messageId: input.messageId,
    inReplyTo: input.inReplyTo ?? undefined,
    references: input.references ?? undefined,
    headers,
  });
  const message = await composer.compile().build();
  return { raw: message.toString('base64url'), bytes: message.length, warnings: clipWarnings(Buffer.byteLength(html)) };
}

/** The warning the API gives at accept time and the worker logs at send time. */
/** The text part: what html-to-text reads, without images (the pixel) and with the real link targets. */
const textPart = (html: string) => htmlToText(html, { wordwrap: 78 });

// A parser walks the HTML (sanitize-html with every tag and attribute allowed), so only
// real <a href> attributes are rewritten — never text that merely looks like a link.
function rewriteLinks(html: string, clickUrl?: (index: number, url: string) => string): string {
  if (!clickUrl) return html;
  let index = 0;
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    transformTags: {
      a: (tagName, attribs) => {
        const href = trackableUrl(attribs.href);
        if (!href) return { tagName, attribs };
        return { tagName, attribs: { ...attribs, href: clickUrl(index++, href) } };
      },
    },
  });
}

/** Where the footer goes: before </body> when there is one, else at the end. */
function addFooterHtml(html: string, footer?: MimeInput['footer']): string {
  if (!footer) return html;
  const address = footer.postalAddress.split('\n').map(escapeHtml).join('<br>');
  const block =
    `<div style="margin-top:24px;padding-top:12px;border-top:1px solid #ddd;color:#666;font-size:12px;line-height:1.5">` +
    `<p style="margin:0 0 6px">${address}</p>` +
    `<p style="margin:0">Don't want these emails? <a href="${escapeHtml(footer.unsubscribeUrl)}" style="color:#666">Unsubscribe</a>.</p></div>`;
  return insertBeforeBodyEnd(html, block);
}

function footerText(footer: NonNullable<MimeInput['footer']>): string {
  return `\n\n--\n${footer.postalAddress}\nDon't want these emails? Unsubscribe: ${footer.unsubscribeUrl}\n`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function insertBeforeBodyEnd(html: string, block: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? html + block : html.slice(0, close) + block + html.slice(close);
}

function addOpenPixel(html: string, pixelUrl?: string): string {
  if (!pixelUrl) return html;
  return insertBeforeBodyEnd(html, `<img src="${pixelUrl}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`);
}
