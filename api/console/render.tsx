/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { z } from 'zod';
import type { AppEnv } from '../src/context';
import { ApiError } from '../src/lib/api-error';
import { totalPages } from '../src/lib/pagination';
import { Layout, Pager, type Viewer } from './layout';
import { knownError, redirectWith, takeFlash, type Notice } from './notices';
import { csrfToken, viewerTimeZone } from './guard';

/** A console sub-app: one per page family, mounted by routes.tsx. */
export const consoleApp = () => new Hono<AppEnv>();

export const PAGE = 50;

export function viewerOf(c: Context<AppEnv>): Viewer {
  const s = c.get('session');
  return { email: s.email, userId: s.userId, role: s.role, csrf: csrfToken(c), tz: viewerTimeZone(c) };
}

/** A signed-in page: layout, the viewer, and the one notice to show (flash, or a known `?error=` code). */
export function render(c: Context<AppEnv>, title: string, body: Child, opts: { status?: 200 | 400 | 403 | 404 | 409; notice?: Notice } = {}) {
  const notice = opts.notice ?? takeFlash(c) ?? knownError(c.req.query('error'));
  return c.html(
    <Layout title={title} path={c.req.path.replace(/\/$/, '') || '/console'} viewer={viewerOf(c)} notice={notice}>
      {body}
    </Layout>,
    opts.status ?? 200,
  );
}

/** A page of a list with its pager below, keeping the filters in the pager's links. */
export function paged(list: Child, base: string, n: number, total: number, query: Record<string, string | undefined> = {}) {
  return (
    <>
      {list}
      <Pager base={base} page={n} totalPages={totalPages(total, PAGE)} query={query} />
    </>
  );
}

/** zod issues → one message per form field, as the form names them. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Runs an action and goes back to `to` with its result. A refusal the service explains
 * (4xx ApiError: last admin, not found, suppressed…) becomes an error flash; anything else is a 500.
 */
export async function act(c: Context<AppEnv>, to: string, action: () => Promise<string>) {
  try {
    return redirectWith(c, to, { kind: 'ok', text: await action() });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    return redirectWith(c, to, { kind: 'error', text: err.message });
  }
}

/** The current form as plain strings (files dropped), for re-rendering what was typed. */
export async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
