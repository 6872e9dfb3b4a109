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
  const html = addOpenPixel(rewriteLinks(input.html, input.tracking?.clickUrl), input.tracking?.openPixelUrl);
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
    text: input.text ?? textPart(input.html),
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

function addOpenPixel(html: string, pixelUrl?: string): string {
  if (!pixelUrl) return html;
  const img = `<img src="${pixelUrl}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? html + img : html.slice(0, close) + img + html.slice(close);
}
