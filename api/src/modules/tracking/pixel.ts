import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { AppEnv, Deps } from '../../context';
import { verifyToken } from './tokens';
import { recorderFor, type RawHit } from './recorder';
import { requestIdFor } from '../../middleware/request-id';
import { clientAddress } from '../../lib/client-ip';

/** The 43-byte transparent 1×1 GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
export const PIXEL_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  'cache-control': 'no-store, no-cache, must-revalidate, private',
  pragma: 'no-cache',
  expires: '0',
} as const;

const PREFIX = '/t/o/';

/** What one pixel request says about itself, whichever server carried it. */
interface PixelRequest {
  path: string;
  method: string;
  header(name: string): string | undefined;
  remoteAddress: string | null;
}

/**
 * `GET /t/o/:token`: records the hit in the recorder's buffer (no database on the way).
 * The answer is always the same GIF whatever the token: a forged or unknown one records nothing.
 */
function recordOpen(deps: Deps, req: PixelRequest): void {
  // Tokens are base64url: nothing in them is percent-encoded, so the path is taken as is.
  const token = verifyToken(deps.config.trackingSecret, req.path.slice(PREFIX.length).replace(/\.gif$/, ''));
  if (token?.kind === 'o') recorderFor(deps).record(hitOf(req, token.emailId, deps.config.trustProxyHops));
}

function hitOf(req: PixelRequest, emailId: string, trustProxyHops: number): RawHit {
  const ip = clientAddress(trustProxyHops > 0 ? req.header('x-forwarded-for') : undefined, req.remoteAddress, trustProxyHops);
  return { kind: 'open', emailId, at: new Date(), userAgent: req.header('user-agent') ?? null, ip, method: req.method };
}

/** The pixel as a Hono handler: what `app.request()` (tests, in-process callers) reaches. */
export function openPixelHandler(c: Context<AppEnv>) {
  recordOpen(c.get('deps'), { path: c.req.path, method: c.req.method, header: (n) => c.req.header(n), remoteAddress: null });
  return c.body(new Uint8Array(PIXEL_GIF), 200, PIXEL_HEADERS);
}

/**
 * The pixel is the hottest path there is (every recipient's mail client, image proxies,
 * prefetchers) and needs nothing of the web stack: no body, no session, no log line (the
 * hit itself is the record). So a real server answers it straight from Node's request,
 * ahead of Hono; everything else goes on to `next`.
 */
export function withOpenPixel(deps: Deps, next: RequestListener): RequestListener {
  // One headers object per server, its request id set per answer: writeHead copies the headers
  // out synchronously, so no answer sees another's id, and no object is built per hit.
  const answerHeaders: Record<string, string> = { ...PIXEL_HEADERS, 'x-request-id': '' };
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return next(req, res);
    const query = url.indexOf('?');
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    recordOpen(deps, { path: query < 0 ? url : url.slice(0, query), method: req.method, header, remoteAddress: req.socket.remoteAddress ?? null });
    // The request id every answer carries, by the same rule as the app's middleware.
    answerHeaders['x-request-id'] = requestIdFor(header('x-request-id'));
    res.writeHead(200, answerHeaders);
    res.end(req.method === 'HEAD' ? undefined : PIXEL_GIF);
  };
}
