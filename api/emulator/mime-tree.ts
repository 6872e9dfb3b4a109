import { decodeWords } from 'postal-mime';
import type { gmail_v1 } from 'googleapis';

/**
 * Turns a raw RFC 822 message into Gmail's `payload` tree (`Schema$MessagePart`): headers
 * as written (encoded words decoded, as Gmail shows them), one part per MIME entity,
 * leaf bodies decoded from their transfer encoding and carried as base64url.
 */
export function parsePayload(raw: Buffer, withBodies: boolean): gmail_v1.Schema$MessagePart {
  return parsePart(raw.toString('latin1'), '', withBodies);
}

/** The value of the first header with this name (case-insensitive), unfolded and decoded. */
export function headerValue(raw: Buffer, name: string): string | undefined {
  const { headers } = splitEntity(raw.toString('latin1'));
  return headers.find((h) => h.name!.toLowerCase() === name.toLowerCase())?.value ?? undefined;
}

/** The first text/plain leaf's text, whitespace collapsed: what Gmail shows as the snippet. */
export function snippetOf(part: gmail_v1.Schema$MessagePart): string {
  const text = findLeaf(part, 'text/plain') ?? findLeaf(part, 'text/html');
  if (!text?.body?.data) return '';
  const decoded = Buffer.from(text.body.data, 'base64url').toString('utf8');
  return decoded.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function parsePart(entity: string, partId: string, withBodies: boolean): gmail_v1.Schema$MessagePart {
  const { headers, body } = splitEntity(entity);
  const get = (n: string) => headers.find((h) => h.name!.toLowerCase() === n)?.value ?? '';
  const contentType = get('content-type') || 'text/plain';
  const mimeType = contentType.split(';')[0]!.trim().toLowerCase();
  const filename = param(get('content-disposition'), 'filename') ?? param(contentType, 'name') ?? '';
  const boundary = param(contentType, 'boundary');
  if (mimeType.startsWith('multipart/') && boundary) {
    const parts = splitMultipart(body, boundary).map((child, i) => parsePart(child, partId === '' ? String(i) : `${partId}.${i}`, withBodies));
    return { partId, mimeType, filename, headers, body: { size: 0 }, parts };
  }
  const content = decodeBody(body, get('content-transfer-encoding').toLowerCase());
  return { partId, mimeType, filename, headers, body: { size: content.length, ...(withBodies ? { data: content.toString('base64url') } : {}) } };
}

function splitEntity(entity: string): { headers: gmail_v1.Schema$MessagePartHeader[]; body: string } {
  const match = /\r?\n\r?\n/.exec(entity);
  const head = match ? entity.slice(0, match.index) : entity;
  const body = match ? entity.slice(match.index + match[0].length) : '';
  const headers: gmail_v1.Schema$MessagePartHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]!.value += ` ${line.trim()}`;
    else if (line.includes(':')) {
      const at = line.indexOf(':');
      headers.push({ name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
    }
  }
  for (const h of headers) h.value = decodeWords(Buffer.from(h.value!, 'latin1').toString('utf8'));
  return { headers, body };
}

function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.trimEnd() === `--${boundary}--`) break;
    if (line.trimEnd() === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function decodeBody(body: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const unwrapped = body.replace(/=\r?\n/g, '');
    return Buffer.from(unwrapped.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

function param(header: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

function findLeaf(part: gmail_v1.Schema$MessagePart, mimeType: string): gmail_v1.Schema$MessagePart | undefined {
  if (part.mimeType === mimeType && !part.parts?.length) return part;
  for (const child of part.parts ?? []) {
    const found = findLeaf(child, mimeType);
    if (found) return found;
  }
  return undefined;
}
