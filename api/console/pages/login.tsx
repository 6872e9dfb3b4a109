/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { ErrorNote } from '../layout';

export const LoginPage: FC<{ sandbox: boolean; google: boolean; error?: string }> = ({ sandbox, google, error }) => (
  <>
    <ErrorNote message={error} />
    {google && (
      <p>
        <a href="/console/google">Sign in with Google</a>
      </p>
    )}
    <form method="post" action="/console/login">
      <p class="muted">
        {sandbox
          ? 'Sign in with your e-mail and password, or leave the password empty for the sandbox sign-in (embedded mode: the first person of a workspace is its admin).'
          : 'Sign in with your e-mail and password. No account yet? Ask an admin for an invite link.'}
      </p>
      <p>
        <label>
          Email <input type="email" name="email" required autofocus autocomplete="username" />
        </label>
      </p>
      <p>
        <label>
          Password <input type="password" name="password" autocomplete="current-password" required={!sandbox} />
        </label>
      </p>
      {sandbox && (
        <p>
          <label>
            Name <input type="text" name="name" />
          </label>
        </p>
      )}
      <button type="submit">Sign in</button>
      <p>
        <a href="/console/forgot-password">Forgot your password?</a>
      </p>
    </form>
  </>
);

/**
 * Google hands the session token to this page in the URL fragment (never sent to a server
 * or written in a log); the one script of the console moves it into a same-origin form post,
 * which turns it into the HttpOnly cookie.
 */
export const GoogleDonePage: FC = () => (
  <>
    <form id="handoff" method="post" action="/console/token">
      <input type="hidden" name="token" />
      <noscript>Signing in with Google needs JavaScript for this one step.</noscript>
    </form>
    <p id="status">Finishing sign-in…</p>
    <script>{raw(HANDOFF)}</script>
  </>
);

const HANDOFF = `(function(){var h=new URLSearchParams(location.hash.slice(1));history.replaceState(null,'',location.pathname);
var t=h.get('token');if(!t){document.getElementById('status').textContent='Google sign-in did not complete ('+(h.get('error')||'no token')+').';return;}
var f=document.getElementById('handoff');f.elements.token.value=t;f.submit();})();`;

export const ForbiddenPage: FC = () => (
  <p class="error" role="alert">
    The console is for workspace admins. Ask an admin of your workspace to change your role.
  </p>
);
