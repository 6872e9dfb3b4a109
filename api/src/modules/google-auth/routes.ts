import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { googleCallbackQuery, googleStartQuery } from '../../../../shared/contracts/google';
import type { SessionResponse } from '../../../../shared/contracts/auth';
import { completeGoogleSignIn, consentUrl, readState } from './service';
import { isAllowedRedirect } from './redirects';

/**
 * Google sign-in: start → Google's consent → callback, which hands a session token to the
 * allow-listed redirect as a URL fragment (never a query: fragments stay out of logs and
 * Referer headers), or shows it on a small page when there is no redirect.
 */
export const googleAuthRoutes = new Hono<AppEnv>()
  .get('/auth/google/start', validate('query', googleStartQuery), (c) => {
    const { mode, redirect } = c.req.valid('query');
    if (redirect && !isAllowedRedirect(c.get('deps').config, redirect)) {
      throw new ApiError('VALIDATION_ERROR', 'This redirect is not allowed: use a page of this server, a GOOGLE_OAUTH_REDIRECT_ALLOW prefix, or the extension’s chromiumapp.org URL.');
    }
    return c.redirect(consentUrl(c.get('deps'), { mode: mode ?? 'light', chosen: mode !== undefined, ...(redirect ? { redirect } : {}) }), 302);
  })
  .get('/auth/google/callback', validate('query', googleCallbackQuery), async (c) => {
    const query = c.req.valid('query');
    const state = readState(c.get('deps'), query.state);
    // Re-checked here: the allow-list may have changed since the state was signed.
    const redirect = state.redirect && isAllowedRedirect(c.get('deps').config, state.redirect) ? state.redirect : undefined;
    if (query.error || !query.code) {
      const reason = query.error ?? 'missing_code';
      if (redirect) return c.redirect(withFragment(redirect, { error: reason }), 302);
      throw new ApiError('VALIDATION_ERROR', `Google sign-in did not complete (${reason}).`);
    }
    const outcome = await completeGoogleSignIn(c.get('deps'), query.code, state);
    if ('consentAgain' in outcome) return c.redirect(outcome.consentAgain, 302);
    const { session } = outcome;
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    if (redirect) return c.redirect(withFragment(redirect, { token: session.token, expiresAt: session.expiresAt }), 302);
    return signedInPage(c, session);
  });

function withFragment(target: string, values: Record<string, string>): string {
  const url = new URL(target);
  url.hash = new URLSearchParams(values).toString();
  return url.toString();
}

function signedInPage(c: Context<AppEnv>, session: SessionResponse) {
  const origin = new URL(c.get('deps').config.publicUrl).origin;
  const message = JSON.stringify({ type: 'lumina:session', token: session.token, expiresAt: session.expiresAt }).replace(/</g, '\\u003c');
  return c.html(
    `<!doctype html><meta charset="utf-8"><title>Signed in – Lumina</title>` +
      `<p>Signed in to Lumina as <strong>${escapeHtml(session.user.email)}</strong>. You can close this window.</p>` +
      `<script>window.opener && window.opener.postMessage(${message}, ${JSON.stringify(origin)});</script>`,
  );
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
