/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppEnv } from '../src/context';
import { ApiError } from '../src/lib/api-error';
import { validate } from '../src/middleware/validate';
import { createSession, deleteSession, findOrCreateMember, resolveSession } from '../src/modules/auth/service';
import { signInWithPassword } from '../src/modules/auth/password';
import { changeRole, createInvite, listInvites, listMembers, removeMember, revokeInvite } from '../src/modules/admin/service';
import { queueHealth } from '../src/modules/admin/queues';
import { changeRoleRequest, createInviteRequest, inviteParam, memberParam } from '../../shared/contracts/admin';
import { ConfirmPage, Layout } from './layout';
import { CONSOLE_COOKIE, clearConsoleCookie, consoleSession, setConsoleCookie } from './session';
import { adminOnly, refuseViewerWrites, requireCsrf } from './guard';
import { KNOWN_ERRORS } from './notices';
import { act, fieldErrors, formOf, render } from './render';
import { roleWords } from './words';
import { ForbiddenPage, GoogleDonePage, LoginPage } from './pages/login';
import { homeRoutes } from './pages/overview';
import { MembersPage } from './pages/members';
import { mailboxRoutes } from './pages/mailboxes';
import { suppressionRoutes } from './pages/suppressions';
import { campaignRoutes } from './pages/campaigns';
import { auditRoutes } from './pages/audit';
import { QueuesPage } from './pages/queues';
import { failedRoutes } from './pages/failed';
import { prospectRoutes } from './pages/prospects';
import { importRoutes } from './pages/import';
import { templateRoutes } from './pages/templates';
import { replyRoutes } from './pages/replies';

/** The sign-in form posts an empty name when none is typed. */
const tokenForm = z.object({ token: z.string().min(20).max(200) });
const loginForm = z.object({
  email: z.email().max(320),
  name: z.string().trim().max(200).optional().transform((v) => v || undefined),
  /** With a password, an e-mail + password account signs in; without, the sandbox sign-in (when on). */
  password: z.string().max(256).optional().transform((v) => v || undefined),
});

/**
 * The admin console, server-rendered with Hono JSX under /console. It signs in through
 * the same sessions as the API (token in an HttpOnly cookie) and every query is scoped
 * to the session's workspace. Forms post back here; `csrf()` refuses cross-site posts.
 */
export const consoleRoutes = new Hono<AppEnv>()
  .use('*', csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === new URL(c.get('deps').config.publicUrl).origin }))
  .get('/login', async (c) => {
    const token = getCookie(c, CONSOLE_COOKIE);
    if (token && (await resolveSession(c.get('deps').db, token))) return c.redirect('/console', 302);
    return c.html(loginPage(c));
  })
  .get('/google', (c) => {
    const { publicUrl } = c.get('deps').config;
    return c.redirect(`/api/auth/google/start?${new URLSearchParams({ redirect: `${publicUrl}/console/google-done` })}`, 302);
  })
  .get('/google-done', (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(
      <Layout title="Signing in" path="/console/google-done">
        <GoogleDonePage />
      </Layout>,
    );
  })
  .post('/token', validate('form', tokenForm), async (c) => {
    const { config, db } = c.get('deps');
    const { token } = c.req.valid('form');
    if (!(await resolveSession(db, token))) return c.html(loginPage(c, 'That sign-in has expired; please sign in again.'), 401);
    setConsoleCookie(c, token, new Date(Date.now() + config.sessionTtlMs));
    return c.redirect('/console', 303);
  })
  .post('/login', validate('form', loginForm), async (c) => {
    const { config, db } = c.get('deps');
    const form = c.req.valid('form');
    if (form.password) {
      const signedIn = await signInWithPassword(db, config, { email: form.email, password: form.password }).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return undefined;
        throw err;
      });
      if (!signedIn) return c.html(loginPage(c, 'Wrong e-mail address or password.'), 401);
      setConsoleCookie(c, signedIn.token, new Date(signedIn.expiresAt));
      return c.redirect('/console', 303);
    }
    if (!config.sandboxLogin) return c.html(loginPage(c, 'Enter your password: sandbox sign-in is off on this server.'), 400);
    const session = await createSession(db, await findOrCreateMember(db, form, { joinByDomainDefault: config.joinByDomainDefault }), config.sessionTtlMs);
    setConsoleCookie(c, session.token, new Date(session.expiresAt));
    return c.redirect('/console', 303);
  })
  .post('/logout', async (c) => {
    const token = getCookie(c, CONSOLE_COOKIE);
    const session = token ? await resolveSession(c.get('deps').db, token) : undefined;
    if (session) await deleteSession(c.get('deps').db, session);
    clearConsoleCookie(c);
    return c.redirect('/console/login', 303);
  })
  .use('*', consoleSession())
  .use('*', requireCsrf((c) => refused(c, 'CSRF')))
  .use('*', refuseViewerWrites((c) => refused(c, 'READ_ONLY')))
  .route('/', homeRoutes)
  .route('/', failedRoutes)
  .route('/', suppressionRoutes)
  .route('/', importRoutes) // before prospectRoutes: /prospects/import is not a prospect's id
  .route('/', prospectRoutes)
  .route('/', templateRoutes)
  .route('/', replyRoutes)
  .route('/', campaignRoutes)
  .use('*', adminOnly((c) => render(c, 'Admins only', <ForbiddenPage />, { status: 403 })))
  .route('/', mailboxRoutes)
  .route('/', auditRoutes)
  .get('/members', async (c) => {
    const { db } = c.get('deps');
    const [members, invites] = await Promise.all([listMembers(db, ws(c), { page: 1, limit: 200 }), listInvites(db, ws(c), { page: 1, limit: 200 })]);
    return render(c, 'Members and roles', <MembersPage members={members.rows} invites={invites.rows} selfId={c.get('session').userId} />);
  })
  .post('/members/:userId/role', validate('param', memberParam), async (c) =>
    act(c, '/console/members', async () => {
      const parsed = changeRoleRequest.safeParse({ role: (await formOf(c)).role });
      if (!parsed.success) throw new ApiError('VALIDATION_ERROR', 'Choose admin, member or viewer');
      const { role } = parsed.data;
      const m = await changeRole(c.get('deps').db, c.get('session'), c.req.valid('param').userId, role);
      return `${m.email} is now ${roleWords(m.role)}.`;
    }),
  )
  .get('/members/:userId/remove', validate('param', memberParam), async (c) => {
    const { rows } = await listMembers(c.get('deps').db, ws(c), { page: 1, limit: 200 });
    const m = rows.find((r) => r.userId === c.req.valid('param').userId);
    if (!m) return render(c, 'Member not found', <p>That person is no longer a member. <a href="/console/members">Back to members</a></p>, { status: 404 });
    return render(
      c,
      'Remove a member',
      <ConfirmPage
        question={`Remove ${m.email} from the workspace?`}
        detail="They lose access at once; their prospects, templates and sent mail stay in the workspace."
        action={`/console/members/${m.userId}/remove`}
        confirmLabel="Remove member"
        back="/console/members"
      />,
    );
  })
  .post('/members/:userId/remove', validate('param', memberParam), async (c) =>
    act(c, '/console/members', async () => {
      await removeMember(c.get('deps'), c.get('session'), c.req.valid('param').userId);
      return 'Member removed.';
    }),
  )
  .post('/invites', async (c) => {
    const form = await formOf(c);
    const parsed = createInviteRequest.safeParse({ email: form.email, role: form.role });
    if (!parsed.success) {
      const { db } = c.get('deps');
      const [members, invites] = await Promise.all([listMembers(db, ws(c), { page: 1, limit: 200 }), listInvites(db, ws(c), { page: 1, limit: 200 })]);
      return render(c, 'Members and roles', <MembersPage members={members.rows} invites={invites.rows} selfId={c.get('session').userId} form={form} errors={fieldErrors(parsed.error)} />, {
        status: 400,
        notice: { kind: 'error', text: 'The invite was not sent: check the highlighted field.' },
      });
    }
    return act(c, '/console/members', async () => {
      const invite = await createInvite(c.get('deps').db, c.get('session'), parsed.data);
      return `Invite sent to ${invite.email}.`;
    });
  })
  .get('/invites/:id/revoke', validate('param', inviteParam), async (c) =>
    render(
      c,
      'Revoke an invite',
      <ConfirmPage question="Revoke this invite?" detail="The link in the invite stops working." action={`/console/invites/${c.req.valid('param').id}/revoke`} confirmLabel="Revoke invite" back="/console/members" />,
    ),
  )
  .post('/invites/:id/revoke', validate('param', inviteParam), async (c) =>
    act(c, '/console/members', async () => {
      await revokeInvite(c.get('deps').db, c.get('session'), c.req.valid('param').id);
      return 'Invite revoked.';
    }),
  )
  .get('/queues', async (c) => render(c, 'Queue health', <QueuesPage health={await queueHealth(c.get('deps'), c.get('session'))} />));

const ws = (c: Context<AppEnv>) => c.get('session').workspaceId;

function loginPage(c: Context<AppEnv>, error?: string) {
  const { config } = c.get('deps');
  return (
    <Layout title="Sign in" path="/console/login">
      <LoginPage sandbox={config.sandboxLogin} google={Boolean(config.google.clientId)} error={error} />
    </Layout>
  );
}

/** A refused POST: 403 with the reason in words (a missing CSRF token, a viewer's write). */
function refused(c: Context<AppEnv>, code: 'CSRF' | 'READ_ONLY') {
  return render(c, 'Not allowed', <p><a href="/console">Back to the console home</a></p>, { status: 403, notice: { kind: 'error', text: KNOWN_ERRORS[code]! } });
}
