import sanitizeHtml from 'sanitize-html';

/**
 * Email-safe HTML for stored templates and sequence steps: formatting, links, images and
 * inline styles stay (mail clients need them); scripts, event handlers, forms and frames go,
 * because the extension inserts this HTML into the Gmail composer. `{{variables}}` are text
 * and survive, in attributes too (`href="{{custom.link}}"`).
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
    allowedAttributes: {
      '*': ['style', 'align', 'dir', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['color', 'face', 'size'],
      td: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
      th: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
      table: ['width', 'cellpadding', 'cellspacing', 'border', 'bgcolor'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
  });
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A value going into HTML (a prospect's name, an ad-hoc variable) is text, never markup. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
