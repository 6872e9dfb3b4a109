/** @jsxImportSource hono/jsx */
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';

const NAV = [
  ['/console', 'Overview'],
  ['/console/members', 'Members'],
  ['/console/mailboxes', 'Mailboxes'],
  ['/console/suppressions', 'Suppressions'],
  ['/console/campaigns', 'Campaigns'],
  ['/console/audit', 'Audit log'],
  ['/console/queues', 'Queue health'],
] as const;

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7fb}
header{display:flex;align-items:center;gap:1.5rem;background:#1d2330;color:#fff;padding:.6rem 1.5rem}
header a{color:#cfd6ea;text-decoration:none}header a[aria-current]{color:#fff;font-weight:600}
header .who{margin-left:auto;display:flex;gap:.75rem;align-items:center}
main{max-width:1100px;margin:1.5rem auto;padding:0 1.5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e3e6ef}
th{background:#eef0f6;font-weight:600}.muted{color:#6b7385}.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;padding:1rem 1.25rem;border-radius:6px;min-width:150px}
.card b{display:block;font-size:1.6rem}form.inline{display:inline}button{cursor:pointer}
.pager{margin:.75rem 0;display:flex;gap:1rem}
`;

export const Layout: FC<PropsWithChildren<{ title: string; path: string; email?: string }>> = ({ title, path, email, children }) => (
  <>
  {raw('<!DOCTYPE html>')}
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Lumina console`}</title>
      <style>{CSS}</style>
    </head>
    <body>
      <header>
        <strong>Lumina</strong>
        {email &&
          NAV.map(([href, label]) => (
            <a href={href} aria-current={href === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        {email && (
          <span class="who">
            <span>{email}</span>
            <form class="inline" method="post" action="/console/logout">
              <button type="submit">Sign out</button>
            </form>
          </span>
        )}
      </header>
      <main>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
  </>
);

export const ErrorNote: FC<{ message?: string }> = ({ message }) => (message ? <p class="error" role="alert">{message}</p> : null);

export const Pager: FC<{ base: string; page: number; totalPages: number }> = ({ base, page, totalPages }) =>
  totalPages > 1 ? (
    <nav class="pager">
      {page > 1 && <a href={`${base}?page=${page - 1}`}>← Newer</a>}
      <span class="muted">
        Page {page} of {totalPages}
      </span>
      {page < totalPages && <a href={`${base}?page=${page + 1}`}>Older →</a>}
    </nav>
  ) : null;

export const When: FC<{ at: Date | string | null | undefined }> = ({ at }) => {
  if (!at) return <span class="muted">—</span>;
  const iso = new Date(at).toISOString();
  return <time datetime={iso}>{iso.replace('T', ' ').slice(0, 16)} UTC</time>;
};

export const Empty: FC<{ cols: number; children: Child }> = ({ cols, children }) => (
  <tr>
    <td colspan={cols} class="muted">
      {children}
    </td>
  </tr>
);
