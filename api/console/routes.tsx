/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { csrf } from 'hono/csrf';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppEnv } from '../src/context';
import { ApiError } from '../src/lib/api-error';
import { validate } from '../src/middleware/validate';
import { createSession, deleteSession, findOrCreateMember, resolveSession } from '../src/modules/auth/service';
import { changeRole, createInvite, listInvites, listMembers, removeMember, revokeInvite } from '../src/modules/admin/service';
import { listAudit } from '../src/modules/admin/audit';
import { queueHealth } from '../src/modules/admin/queues';
import { listMailboxesWithSync } from '../src/modules/mailboxes/service';
import { listSuppressions } from '../src/modules/suppressions/service';
import { totalPages } from '../src/lib/pagination';
import { changeRoleRequest, createInviteRequest, inviteParam, memberParam } from '../../shared/contracts/admin';
import { Layout, Pager, ErrorNote } from './layout';
import { CONSOLE_COOKIE, clearConsoleCookie, consoleSession, setConsoleCookie } from './session';
import { ForbiddenPage, GoogleDonePage, LoginPage } from './pages/login';
import { OverviewPage, loadOverview } from './pages/overview';
import { MembersPage } from './pages/members';
import { MailboxesPage } from './pages/mailboxes';
import { SuppressionsPage } from './pages/suppressions';
import { CampaignsPage, loadCampaigns } from './pages/campaigns';
import { AuditPage } from './pages/audit';
import { QueuesPage } from './pages/queues';

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1), error: z.string().max(300).optional() });
const PAGE = 50;
/** The sign-in form posts an empty name when none is typed. */
const tokenForm = z.object({ token: z.string().min(20).max(200) });
const loginForm = z.object({ email: z.email().max(320), name: z.string().trim().max(200).optional().transform((v) => v || undefined) });

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
    if (!config.sandboxLogin) throw new ApiError('FORBIDDEN', 'Sandbox login is off on this server (SANDBOX_LOGIN=false)');
    const session = await createSession(db, await findOrCreateMember(db, c.req.valid('form')), config.sessionTtlMs);
    setConsoleCookie(c, session.token, new Date(session.expiresAt));
    return c.redirect('/console', 303);
  })
  .post('/logout', async (c) => {
    const token = getCookie(c, CONSOLE_COOKIE);
    const session = token ? await resolveSession(c.get('deps').db, token) : undefined;
    if (session) await deleteSession(c.get('deps').db, session.sessionId);
    clearConsoleCookie(c);
    return c.redirect('/console/login', 303);
  })
  .use('*', consoleSession((c) => c.html(page(c, 'Admins only', <ForbiddenPage />), 403)))
  .get('/', async (c) => c.html(page(c, 'Overview', <OverviewPage {...await loadOverview(c.get('deps').db, ws(c))} />)))
  .get('/members', validate('query', pageQuery), async (c) => {
    const { db } = c.get('deps');
    const [members, invites] = await Promise.all([listMembers(db, ws(c), { page: 1, limit: 200 }), listInvites(db, ws(c), { page: 1, limit: 200 })]);
    return c.html(
      page(c, 'Members and roles', <MembersPage members={members.rows} invites={invites.rows} selfId={c.get('session').userId} />, consoleErrorText(c.req.valid('query').error)),
    );
  })
  .post('/members/:userId/role', validate('param', memberParam), validate('form', changeRoleRequest), async (c) =>
    backToMembers(c, () => changeRole(c.get('deps').db, c.get('session'), c.req.valid('param').userId, c.req.valid('form').role)),
  )
  .post('/members/:userId/remove', validate('param', memberParam), async (c) =>
    backToMembers(c, () => removeMember(c.get('deps'), c.get('session'), c.req.valid('param').userId)),
  )
  .post('/invites', validate('form', createInviteRequest), async (c) =>
    backToMembers(c, () => createInvite(c.get('deps').db, c.get('session'), c.req.valid('form'))),
  )
  .post('/invites/:id/revoke', validate('param', inviteParam), async (c) =>
    backToMembers(c, () => revokeInvite(c.get('deps').db, c.get('session'), c.req.valid('param').id)),
  )
  .get('/mailboxes', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { rows, total } = await listMailboxesWithSync(c.get('deps').db, ws(c), { page: n, limit: PAGE });
    return c.html(page(c, 'Connected mailboxes', paged(<MailboxesPage rows={rows} />, '/console/mailboxes', n, total)));
  })
  .get('/suppressions', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { rows, total } = await listSuppressions(c.get('deps').db, ws(c), { page: n, limit: PAGE });
    return c.html(page(c, 'Suppressions', paged(<SuppressionsPage rows={rows} total={total} />, '/console/suppressions', n, total)));
  })
  .get('/campaigns', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { rows, total } = await loadCampaigns(c.get('deps').db, ws(c), { page: n, limit: PAGE });
    return c.html(page(c, 'Campaigns', paged(<CampaignsPage rows={rows} />, '/console/campaigns', n, total)));
  })
  .get('/audit', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { rows, total } = await listAudit(c.get('deps').db, ws(c), { page: n, limit: PAGE });
    return c.html(page(c, 'Audit log', paged(<AuditPage rows={rows} />, '/console/audit', n, total)));
  })
  .get('/queues', async (c) => c.html(page(c, 'Queue health', <QueuesPage health={await queueHealth(c.get('deps'), c.get('session'))} />)));

const ws = (c: Context<AppEnv>) => c.get('session').workspaceId;

function loginPage(c: Context<AppEnv>, error?: string) {
  const { config } = c.get('deps');
  return (
    <Layout title="Sign in" path="/console/login">
      <LoginPage sandbox={config.sandboxLogin} google={Boolean(config.google.clientId)} error={error} />
    </Layout>
  );
}

function page(c: Context<AppEnv>, title: string, body: Child, error?: string) {
  return (
    <Layout title={title} path={c.req.path.replace(/\/$/, '')} email={c.get('session').email}>
      <ErrorNote message={error} />
      {body}
    </Layout>
  );
}

/** A page of a list with its pager below. */
function paged(list: Child, base: string, n: number, total: number) {
  return (
    <>
      {list}
      <Pager base={base} page={n} totalPages={totalPages(total, PAGE)} />
    </>
  );
}

/** Runs a members action and goes back to the page; a refusal (e.g. the last admin) shows there. */
async function backToMembers(c: Context<AppEnv>, action: () => Promise<unknown>) {
  try {
    await action();
    return c.redirect('/console/members', 303);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    return c.redirect(`/console/members?error=${consoleErrorCode(err)}`, 303);
  }
}

/**
 * The banner shows only text we wrote: `?error=` carries one of these codes, and anything
 * else in it (a link someone crafted to put their words on our page) shows nothing.
 */
const CONSOLE_ERRORS = {
  last_admin: 'A workspace needs at least one admin: promote someone else first.',
  already_member: 'That person is already a member of this workspace.',
  invite_accepted: 'That invite was already accepted.',
  not_found: 'That member or invite is no longer here.',
  forbidden: 'You cannot make that change.',
  invalid: 'That change was not valid.',
  failed: 'That change could not be made.',
} as const;

function consoleErrorCode(err: ApiError): keyof typeof CONSOLE_ERRORS {
  if (/at least one admin/.test(err.message)) return 'last_admin';
  if (/already a member/.test(err.message)) return 'already_member';
  if (/already accepted/.test(err.message)) return 'invite_accepted';
  if (err.code === 'NOT_FOUND') return 'not_found';
  if (err.code === 'FORBIDDEN') return 'forbidden';
  if (err.code === 'VALIDATION_ERROR') return 'invalid';
  return 'failed';
}

function consoleErrorText(code: string | undefined): string | undefined {
  return code && Object.hasOwn(CONSOLE_ERRORS, code) ? CONSOLE_ERRORS[code as keyof typeof CONSOLE_ERRORS] : undefined;
}
