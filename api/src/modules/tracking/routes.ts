import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { getConnInfo } from '@hono/node-server/conninfo';
import { and, eq } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import { ApiError } from '../../lib/api-error';
import { emails, workspaces } from '../../../../db/schema';
import { verifyToken } from './tokens';
import { trackableUrl } from '../../lib/link-url';
import { clientAddress } from '../../lib/client-ip';
import { recorderFor } from './recorder';
import { workspaceOfHost } from './domain';
import { openPixelHandler } from './pixel';
import { addressOf, applyEffect } from '../replies/effects';

/**
 * Public tracking doors (no session: they are reached from the recipient's mail client).
 * The pixel and the redirect answer before any database work: hits are buffered and
 * written by the recorder.
 */
export const trackingRoutes = new Hono<AppEnv>()
  .get('/t/o/:token', openPixelHandler)
  .get('/t/c/:token', async (c) => {
    const deps = c.get('deps');
    const token = verifyToken(deps.config.trackingSecret, c.req.param('token'));
    if (token?.kind === 'c' && !(await boundToHost(c, token.emailId))) throw new ApiError('NOT_FOUND', 'Unknown link');
    // Links signed before the MIME builder normalised them may still hold CR/LF: such a
    // target is refused here (and not counted as a click) rather than thrown on as a header.
    // eslint-disable-next-line no-control-regex
    const target = token?.kind === 'c' && !/[\u0000-\u001f\u007f]/.test(token.url) ? trackableUrl(token.url) : undefined;
    if (token?.kind !== 'c' || !target) throw new ApiError('NOT_FOUND', 'Unknown link');
    recorderFor(deps).record({ kind: 'click', emailId: token.emailId, linkIndex: token.linkIndex, url: token.url, ...hitOf(c) });
    c.header('cache-control', 'no-store, private');
    c.header('referrer-policy', 'no-referrer');
    if (deps.config.clickInterstitial) return c.html(leavingPage(target));
    return c.redirect(target, 302);
  })
  .get('/u/:token', async (c) => {
    const email = await unsubscribeTarget(c);
    if (!email) return c.html(page('Link not recognised', html`<p>This unsubscribe link is not valid.</p>`), 404);
    return c.html(
      page(
        'Unsubscribe',
        html`<p>Stop emails from <strong>${email.workspaceName}</strong> to <strong>${addressOf(email.to)}</strong>?</p>
          <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click" /><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  })
  // RFC 8058: mail clients POST `List-Unsubscribe=One-Click`; our own page's button posts the same.
  .post('/u/:token', async (c) => {
    const email = await unsubscribeTarget(c);
    if (!email) return c.html(page('Link not recognised', html`<p>This unsubscribe link is not valid.</p>`), 404);
    const deps = c.get('deps');
    await applyEffect(deps, { kind: 'unsubscribe', email, dedupeKey: `unsubscribe:${email.id}`, data: { via: 'one_click' } });
    return c.html(page('Unsubscribed', html`<p><strong>${addressOf(email.to)}</strong> will get no more emails from <strong>${email.workspaceName}</strong>.</p>`));
  });

async function unsubscribeTarget(c: Context<AppEnv>) {
  const { config, db } = c.get('deps');
  const token = verifyToken(config.trackingSecret, c.req.param('token') ?? '');
  if (token?.kind !== 'u') return undefined;
  const host = await workspaceOfHost(c.get('deps'), hostOf(c));
  const [row] = await db
    .select({ id: emails.id, workspaceId: emails.workspaceId, to: emails.to, prospectId: emails.prospectId, campaignLeadId: emails.campaignLeadId, workspaceName: workspaces.name })
    .from(emails)
    .innerJoin(workspaces, eq(workspaces.id, emails.workspaceId))
    .where(and(eq(emails.id, token.emailId)));
  return row && (host === null || host === row.workspaceId) ? row : undefined;
}

const hostOf = (c: Context<AppEnv>) => c.req.header('host') ?? new URL(c.req.url).host;

/**
 * On a workspace's own tracking domain, only that workspace's links work: another's token
 * there is refused (on PUBLIC_URL's host, any valid token). Costs one read, only off PUBLIC_URL.
 */
async function boundToHost(c: Context<AppEnv>, emailId: string): Promise<boolean> {
  const deps = c.get('deps');
  const owner = await workspaceOfHost(deps, hostOf(c));
  if (owner === null) return true;
  const [row] = await deps.db.select({ workspaceId: emails.workspaceId }).from(emails).where(eq(emails.id, emailId));
  return row?.workspaceId === owner;
}

function hitOf(c: Context<AppEnv>) {
  return { at: new Date(), userAgent: headerOf(c, 'user-agent') ?? null, ip: clientIp(c), method: c.req.method };
}

/**
 * A request header, read from Node's own parsed headers when served by @hono/node-server:
 * `c.req.header` would build a whole `Headers` object for every click. (The open pixel,
 * served ahead of Hono, reads Node's request in pixel.ts.)
 */
function headerOf(c: Context, name: string): string | undefined {
  const node = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.headers[name];
  if (node !== undefined) return Array.isArray(node) ? node.join(', ') : node;
  return c.req.header(name);
}

function clientIp(c: Context<AppEnv>): string | null {
  let socket: string | null = null;
  try {
    socket = getConnInfo(c).remote.address ?? null;
  } catch {
    // not behind @hono/node-server (app.request in tests)
  }
  return clientAddress(headerOf(c, 'x-forwarded-for'), socket, c.get('deps').config.trustProxyHops);
}

/**
 * Where anyone may sign in and send (SANDBOX_LOGIN on a reachable server), a signed link is
 * anyone's to mint, so the click shows where it goes instead of redirecting blindly.
 */
function leavingPage(target: string) {
  const host = new URL(target).host;
  return page(
    `You are leaving for ${host}`,
    html`<p>This link goes to <strong>${host}</strong>:</p>
      <p><code>${target}</code></p>
      <p><a href="${target}" rel="noreferrer noopener">Continue to ${host}</a></p>`,
  );
}

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #222 }
          button { font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: .375rem; background: #4f46e5; color: #fff; cursor: pointer }
        </style>
      </head>
      <body>
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`;
}
