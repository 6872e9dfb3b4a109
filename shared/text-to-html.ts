/**
 * Plain text (an AI suggestion, a template) as the HTML a compose holds: one `<p>` per
 * paragraph (blank-line separated), `<br>` for a single line break, so list lines stay
 * lines, and bare http(s) links as anchors. Without this the HTML part of the email is one
 * wall of text, whatever the text part shows.
 */
export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, '\n').trim().split(/\n[ \t]*\n+/);
  return paragraphs
    .filter((p) => p.trim())
    .map((p) => `<p>${p.split('\n').map(inline).join('<br>')}</p>`)
    .join('');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One line: escaped, with its links made clickable (trailing punctuation stays text). */
function inline(line: string): string {
  let out = '';
  let at = 0;
  for (const m of line.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    out += escape(line.slice(at, m.index)) + `<a href="${escape(url)}">${escape(url)}</a>`;
    at = m.index + url.length;
  }
  return out + escape(line.slice(at));
}
