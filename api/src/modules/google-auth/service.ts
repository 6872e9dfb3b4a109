import { recordAudit } from '../admin/audit';
import { oauth2 } from 'googleapis/build/src/apis/oauth2';
import type { Deps } from '../../context';
import { and, eq } from 'drizzle-orm';
import { mailboxes, workspaces } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import { createOAuthClient, GMAIL_SCOPES, googleEndpoints, sealTokens } from '../../gmail/oauth';
import { isInvalidGrantError } from '../../gmail/errors';
import { createSession, findOrCreateMember } from '../auth/service';
import type { SessionResponse } from '../../../../shared/contracts/auth';
import { signState, verifyState, type OAuthState } from './state';

type GoogleDeps = Pick<Deps, 'config' | 'db' | 'logger'>;

const callbackUrl = (deps: GoogleDeps) => `${deps.config.publicUrl}/api/auth/google/callback`;

/** Google's consent URL: offline access (a refresh token) and a fresh consent, so Google always hands one over. */
export function consentUrl(deps: GoogleDeps, state: Omit<OAuthState, 'expiresAt'>, loginHint?: string): string {
  requireGoogle(deps);
  return createOAuthClient(deps.config, { redirectUri: callbackUrl(deps) }).generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: true,
    scope: [...GMAIL_SCOPES[state.mode]],
    ...(loginHint ? { login_hint: loginHint } : {}),
    state: signState(deps.config, state),
  });
}

/** The sign-in finished with a session, or needs one more consent (the workspace is full, gmail.readonly was not granted). */
export type SignInOutcome = { session: SessionResponse } | { consentAgain: string };

/** Reads and checks the signed state; forged, altered or stale → 400. */
export function readState(deps: GoogleDeps, raw: string): OAuthState {
  const state = verifyState(deps.config, raw);
  if (!state) throw new ApiError('VALIDATION_ERROR', 'Invalid or expired sign-in state; start the Google sign-in again.');
  return state;
}

/**
 * Exchanges the code, reads who signed in, and leaves a user, a workspace membership, a
 * mailbox with sealed tokens and a session behind. The scope mode is the workspace's: an
 * admin who named one sets it; anyone else signing in light to a full workspace is sent
 * back to Google once for gmail.readonly.
 */
export async function completeGoogleSignIn(deps: GoogleDeps, code: string, state: OAuthState): Promise<SignInOutcome> {
  requireGoogle(deps);
  const oauth = createOAuthClient(deps.config, { redirectUri: callbackUrl(deps), timeoutMs: 15_000 });
  const tokens = await oauth.getToken({ code }).then(
    (r) => r.tokens,
    (err: unknown) => {
      if (isInvalidGrantError(err)) throw new ApiError('VALIDATION_ERROR', 'This sign-in code is invalid or was already used; start the Google sign-in again.');
      deps.logger.error({ err }, 'Google token exchange failed');
      throw new ApiError('SERVICE_UNAVAILABLE', 'Google did not complete the sign-in; try again.');
    },
  );
  oauth.setCredentials(tokens);
  const { data: me } = await oauth2({ version: 'v2', auth: oauth, rootUrl: googleEndpoints(deps.config).userinfoRoot, timeout: 15_000 })
    .userinfo.get()
    .catch((err: unknown) => {
      deps.logger.error({ err }, 'Google userinfo failed');
      throw new ApiError('SERVICE_UNAVAILABLE', 'Google did not say who signed in; try again.');
    });
  if (!me.email || !me.verified_email || !me.id) throw new ApiError('FORBIDDEN', 'Google did not confirm a verified email address for this account.');

  const member = await findOrCreateMember(deps.db, { email: me.email, name: me.name ?? undefined, googleSub: me.id }, { joinByDomainDefault: deps.config.joinByDomainDefault });
  const scopes = (tokens.scope ?? '').split(' ').filter(Boolean);
  const canRead = scopes.includes(READ_SCOPE);
  if (state.chosen && member.role === 'admin' && (state.mode === 'light' || canRead) && member.workspace.gmailMode !== state.mode) {
    await deps.db.update(workspaces).set({ gmailMode: state.mode }).where(eq(workspaces.id, member.workspace.id));
    member.workspace = { ...member.workspace, gmailMode: state.mode };
  } else if (!state.chosen && !state.upgrade && member.workspace.gmailMode === 'full' && !canRead) {
    const { expiresAt: _e, ...rest } = state;
    return { consentAgain: consentUrl(deps, { ...rest, mode: 'full', upgrade: true }, member.user.email) };
  }
  const sealed = sealTokens(deps.config, tokens);
  const [prior] = await deps.db
    .select({ status: mailboxes.status })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, member.workspace.id), eq(mailboxes.email, member.user.email)));
  await deps.db
    .insert(mailboxes)
    .values({ workspaceId: member.workspace.id, userId: member.user.id, provider: 'gmail', email: member.user.email, scopes, ...sealed })
    .onConflictDoUpdate({
      target: [mailboxes.workspaceId, mailboxes.email],
      // A new sign-in reconnects a mailbox that needed reauth; Google may omit the refresh token, then the old one stays.
      set: { provider: 'gmail', userId: member.user.id, scopes, status: 'active', ...sealed },
    });
  // Connected the first time; reconnected (reauth) when it needed a new sign-in or was disconnected.
  const reconnected = prior && prior.status !== 'active';
  await recordAudit(deps.db, {
    workspaceId: member.workspace.id,
    actorId: member.user.id,
    action: reconnected ? 'mailbox.reconnected' : 'mailbox.connected',
    target: member.user.email,
    data: reconnected ? { provider: 'gmail', scopes, before: prior.status, after: 'active' } : { provider: 'gmail', scopes },
  });
  return { session: await createSession(deps.db, member, deps.config.sessionTtlMs) };
}

const READ_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

function requireGoogle(deps: GoogleDeps) {
  if (!deps.config.google.clientId || !deps.config.google.clientSecret) {
    throw new ApiError('FORBIDDEN', 'Google sign-in is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET); use sandbox login.');
  }
}
