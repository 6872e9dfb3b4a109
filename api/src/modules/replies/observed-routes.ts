import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { observedReplyRequest, type ObservedReplyRequest } from '../../../../shared/contracts/tracking';
import { ingestInbound } from './ingest';

/** Light mode: the extension reports an inbound message it saw in the rep's Gmail. */
export const observedRoutes = new Hono<AppEnv>().post('/replies/observed', validate('json', observedReplyRequest), async (c) => {
  const body = c.req.valid('json');
  const result = await ingestInbound(c.get('deps'), c.get('session').workspaceId, {
    raw: rebuildMessage(body),
    threadId: body.threadId,
    providerMessageId: body.messageId,
    messageId: body.rfc822MessageId ?? null,
    inReplyTo: body.inReplyTo ?? null,
    references: body.references ?? null,
    from: body.from,
    date: new Date(body.date),
    subject: body.subject ?? null,
    snippet: body.snippet ?? null,
  });
  return c.json(result);
});

const RESERVED = new Set(['from', 'to', 'subject', 'date', 'message-id', 'in-reply-to', 'references', 'mime-version', 'content-transfer-encoding']);

/** An RFC 822 message carrying what the extension saw, so light mode classifies with the same rules. */
export function rebuildMessage(body: ObservedReplyRequest): string {
  const oneLine = (v: string) => v.replace(/[\r\n]+/g, ' ').trim();
  const lines = [
    `From: ${oneLine(body.from)}`,
    ...(body.to ? [`To: ${oneLine(body.to)}`] : []),
    `Subject: ${oneLine(body.subject ?? '')}`,
    `Date: ${new Date(body.date).toUTCString()}`,
    ...(body.rfc822MessageId ? [`Message-ID: ${oneLine(body.rfc822MessageId)}`] : []),
    ...(body.inReplyTo ? [`In-Reply-To: ${oneLine(body.inReplyTo)}`] : []),
    ...(body.references ? [`References: ${oneLine(body.references)}`] : []),
    ...Object.entries(body.headers ?? {})
      .filter(([k]) => !RESERVED.has(k.toLowerCase()) && k.toLowerCase() !== 'content-type')
      .map(([k, v]) => `${k}: ${oneLine(v)}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${(body.snippet ?? '').replace(/\r?\n/g, '\r\n')}\r\n`;
}
