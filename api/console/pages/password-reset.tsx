/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../src/context';
import { ApiError } from '../../src/lib/api-error';
import { Layout } from '../layout';
import type { Notice } from '../notices';
import { requestPasswordReset, resetLinkOpen, resetPassword } from '../../src/modules/auth/password-reset';
import { PASSWORD_RULE } from '../../src/modules/auth/password';

const emailForm = z.object({ email: z.string().trim().max(320) });
const resetForm = z.object({ token: z.string().max(200).default(''), password: z.string().max(256).default(''), confirm: z.string().max(256).default('') });

/**
 * Forgot password and the page the e-mailed link opens, before sign-in. The first answers
 * the same words whatever address is typed; the second keeps the token out of Referer headers.
 */
export const passwordResetRoutes = new Hono<AppEnv>()
  .get('/forgot-password', (c) => page(c, 'Forgot your password?', <ForgotPage />))
  .post('/forgot-password', async (c) => {
    const parsed = emailForm.safeParse(await c.req.parseBody());
    const email = parsed.success && z.email().safeParse(parsed.data.email).success ? parsed.data.email : undefined;
    if (!email) return page(c, 'Forgot your password?', <ForgotPage email={parsed.data?.email} />, { kind: 'error', text: 'Enter the e-mail address you sign in with.' }, 400);
    const { message } = requestPasswordReset(c.get('deps'), email);
    return page(c, 'Check your mail', <p><a href="/console/login">Back to sign-in</a></p>, { kind: 'ok', text: message });
  })
  .get('/reset-password', async (c) => {
    const token = (c.req.query('token') ?? '').slice(0, 200);
    if (!(await resetLinkOpen(c.get('deps').db, token))) return linkGone(c, 'This reset link is unknown, already used or expired; ask for a new one.');
    return page(c, 'Choose a new password', <ResetPage token={token} />);
  })
  .post('/reset-password', async (c) => {
    const form = resetForm.safeParse(await c.req.parseBody());
    const { token, password, confirm } = form.success ? form.data : { token: '', password: '', confirm: '' };
    const again = (text: string, status: 400 | 404 = 400) => page(c, 'Choose a new password', <ResetPage token={token} />, { kind: 'error', text }, status);
    if (password !== confirm) return again('The two passwords are not the same.');
    try {
      const done = await resetPassword(c.get('deps'), { token, password });
      return page(c, 'Password changed', <p><a href="/console/login">Sign in</a></p>, { kind: 'ok', text: done.message });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) return again(err.message);
      if (err instanceof ApiError && err.status === 404) return linkGone(c, `${err.message}.`);
      throw err;
    }
  });

const linkGone = (c: Context<AppEnv>, text: string) => page(c, 'This link does not work', <p><a href="/console/forgot-password">Ask for a new link</a></p>, { kind: 'error', text }, 404);

function page(c: Context<AppEnv>, title: string, body: unknown, notice?: Notice, status: 200 | 400 | 404 = 200) {
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  return c.html(
    <Layout title={title} path={c.req.path} notice={notice}>
      {body as never}
    </Layout>,
    status,
  );
}

const ForgotPage: FC<{ email?: string }> = ({ email }) => (
  <form method="post" action="/console/forgot-password">
    <p class="muted">Type the address you sign in with. If it has a password account, a link to choose a new password is mailed to it.</p>
    <p>
      <label>
        Email <input type="email" name="email" value={email ?? ''} required autofocus autocomplete="username" />
      </label>
    </p>
    <button type="submit">Send the link</button>
    <p>
      <a href="/console/login">Back to sign-in</a>
    </p>
  </form>
);

const ResetPage: FC<{ token: string }> = ({ token }) => (
  <form method="post" action="/console/reset-password">
    <input type="hidden" name="token" value={token} />
    <p class="muted">The password needs {PASSWORD_RULE}. Changing it signs your account out everywhere.</p>
    <p>
      <label>
        New password <input type="password" name="password" required autofocus autocomplete="new-password" minlength={10} />
      </label>
    </p>
    <p>
      <label>
        The same again <input type="password" name="confirm" required autocomplete="new-password" />
      </label>
    </p>
    <button type="submit">Change password</button>
  </form>
);
