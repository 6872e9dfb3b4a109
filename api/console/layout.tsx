/** @jsxImportSource hono/jsx */
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { createContext, useContext } from 'hono/jsx';
import { raw } from 'hono/html';
import { DateTime } from 'luxon';
import type { Role } from '../../shared/contracts/auth';
import type { Notice } from './notices';
import { CSRF_FIELD } from './guard';

/** What every component of a page may need about who is looking. */
export interface Viewer {
  email: string;
  userId: string;
  role: Role;
  csrf: string;
  tz: string;
}
export const ViewerContext = createContext<Viewer | null>(null);
export const useViewer = () => useContext(ViewerContext);

const NAV: Array<[string, string, boolean]> = [
  ['/console', 'Home', false],
  ['/console/campaigns', 'Campaigns', false],
  ['/console/prospects', 'Prospects', false],
  ['/console/templates', 'Templates', false],
  ['/console/replies', 'Replies', false],
  ['/console/failed', 'Failed sends', false],
  ['/console/suppressions', 'Suppressions', false],
  ['/console/mailboxes', 'Mailboxes', true],
  ['/console/members', 'Members', true],
  ['/console/audit', 'Audit log', true],
  ['/console/queues', 'Queues', true],
  ['/console/settings', 'Settings', false],
];

const CSS = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7fb;overflow-wrap:anywhere}
header{background:#1d2330;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem;flex:1 1 auto}
header a{color:#d5dcf0;text-decoration:none;padding:.15rem 0}header a[aria-current]{color:#fff;font-weight:600;border-bottom:2px solid #8fa8ff}
header .who{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;font-size:.9em}
main{max-width:1140px;margin:1.25rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .6rem}
a{color:#2747c7}
:focus-visible{outline:3px solid #f59f00;outline-offset:2px}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:6px}
th.wide{min-width:12rem}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid #e3e6ef;vertical-align:top}
th{background:#eef0f6;font-weight:600;overflow-wrap:normal}
.muted{color:#5d6475}.small{font-size:.88em}
.notice{padding:.65rem .9rem;border-radius:6px;margin:0 0 1rem}
.notice.error,.error{background:#fde8e8;color:#7d1717}.notice.ok{background:#e3f6ea;color:#145c2e}
.warn{background:#fff4d6;color:#6b4a00;padding:.6rem .9rem;border-radius:6px}.warn + .warn{margin-top:.6rem}.warn + .cards{margin-top:.8rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.75rem;margin-bottom:1rem}
.card{background:#fff;padding:.8rem 1rem;border-radius:6px;color:inherit;text-decoration:none;border:1px solid #e3e6ef}
.card b{display:block;font-size:1.5rem}
form.inline{display:inline}
button,.button{cursor:pointer;font:inherit;padding:.35rem .8rem;border-radius:5px;border:1px solid #9aa3b8;background:#fff;color:#1d2330;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#2747c7;border-color:#2747c7;color:#fff}
button.danger,.button.danger{background:#b42318;border-color:#b42318;color:#fff}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #9aa3b8;border-radius:5px;max-width:100%;background:#fff}
textarea{width:100%}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}
.field{margin-bottom:.6rem}.field-error{color:#b42318;font-size:.9em;margin:.15rem 0 0}
[aria-invalid=true]{border-color:#b42318;background:#fff7f7}
.panel{background:#fff;border:1px solid #e3e6ef;border-radius:6px;padding:1rem;margin-bottom:1rem}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:.8rem}.toolbar label{margin:0 0 .15rem}
.pager{margin:.75rem 0;display:flex;gap:1rem;flex-wrap:wrap}
.chart{max-width:100%;height:auto;background:#fff;border-radius:6px;border:1px solid #e3e6ef}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;background:#eef0f6;font-size:.85em;white-space:nowrap}
.badge.bad{background:#fde8e8;color:#7d1717;font-weight:600}.badge.good{background:#e3f6ea;color:#145c2e}
.badge.warn{background:#fff3d6;color:#6b4500}
details summary{cursor:pointer;color:#2747c7}
pre.preview{white-space:pre-wrap;background:#fafbfd;border:1px solid #e3e6ef;padding:.7rem;border-radius:5px}
@media (max-width:700px){
  table.rows thead{display:none}
  table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:100%}
  table.rows tr{border-bottom:2px solid #d6dae6;padding:.3rem 0}
  table.rows td{border:0;padding:.2rem .6rem}
  table.rows td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#5d6475}
}
`;

/** Sends the browser's time zone once, so dates read in the viewer's own zone. */
const TZ_SCRIPT = `(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(z&&document.cookie.indexOf('lumina_tz='+z)<0)document.cookie='lumina_tz='+z+';path=/console;max-age=31536000;samesite=lax'}catch(e){}})()`;

export const Layout: FC<PropsWithChildren<{ title: string; path: string; viewer?: Viewer; notice?: Notice }>> = ({ title, path, viewer, notice, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Lumina console`}</title>
        <style>{raw(CSS)}</style>
        <script>{raw(TZ_SCRIPT)}</script>
      </head>
      <body>
        <header>
          <strong>Lumina</strong>
          {viewer && (
            <nav aria-label="Console">
              {NAV.filter(([, , admin]) => !admin || viewer.role === 'admin').map(([href, label]) => (
                <a href={href} aria-current={href === path || (href !== '/console' && path.startsWith(`${href}/`)) ? 'page' : undefined}>
                  {label}
                </a>
              ))}
            </nav>
          )}
          {viewer && (
            <span class="who">
              <span>
                {viewer.email} · {viewer.role}
              </span>
              <form class="inline" method="post" action="/console/logout">
                <input type="hidden" name={CSRF_FIELD} value={viewer.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </span>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          <NoticeBanner notice={notice} />
          {viewer ? <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider> : children}
        </main>
      </body>
    </html>
  </>
);

/** The one banner: a flash after an action, or a known error code (notices.ts). */
export const NoticeBanner: FC<{ notice?: Notice }> = ({ notice }) =>
  notice ? (
    <p class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
      {notice.text}
    </p>
  ) : null;

/** Kept for pages that show an error passed in by the route. */
export const ErrorNote: FC<{ message?: string }> = ({ message }) => (message ? <NoticeBanner notice={{ kind: 'error', text: message }} /> : null);

/** A POST form with the session's CSRF token. */
export const PostForm: FC<PropsWithChildren<{ action: string; class?: string; enctype?: 'multipart/form-data'; 'aria-label'?: string }>> = ({ action, children, ...rest }) => {
  const viewer = useViewer();
  return (
    <form method="post" action={action} {...rest}>
      <input type="hidden" name={CSRF_FIELD} value={viewer?.csrf ?? ''} />
      {children}
    </form>
  );
};

/** A labelled input that keeps what was typed and names what is wrong. */
export const Field: FC<{
  name: string;
  label: string;
  value?: string | number | null;
  type?: string;
  errors?: Record<string, string>;
  hint?: string;
  required?: boolean;
  attrs?: Record<string, string | number>;
}> = ({ name, label, value, type = 'text', errors, hint, required, attrs }) => {
  const error = errors?.[name];
  const id = `f-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} type={type} value={value ?? ''} required={required} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-err` : undefined} {...attrs} />
      {hint && <div class="muted small">{hint}</div>}
      {error && (
        <p class="field-error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </div>
  );
};

export const Pager: FC<{ base: string; page: number; totalPages: number; query?: Record<string, string | undefined> }> = ({ base, page, totalPages, query = {} }) => {
  if (totalPages <= 1) return null;
  const href = (n: number) => {
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
    q.set('page', String(n));
    return `${base}?${q}`;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 && <a href={href(page - 1)}>← Previous</a>}
      <span class="muted">
        Page {page} of {totalPages}
      </span>
      {page < totalPages && <a href={href(page + 1)}>Next →</a>}
    </nav>
  );
};

/** A date in the viewer's time zone, with the zone named. */
export const When: FC<{ at: Date | string | null | undefined }> = ({ at }) => {
  const viewer = useViewer();
  if (!at) return <span class="muted">—</span>;
  const d = DateTime.fromJSDate(new Date(at)).setZone(viewer?.tz ?? 'UTC');
  return <time datetime={d.toUTC().toISO() ?? ''}>{d.toFormat('d LLL yyyy, HH:mm ZZZZ')}</time>;
};

export const formatWhen = (at: Date | string, tz: string) => DateTime.fromJSDate(new Date(at)).setZone(tz).toFormat('d LLL yyyy, HH:mm ZZZZ');

export const Empty: FC<{ cols: number; children: Child }> = ({ cols, children }) => (
  <tr>
    <td colspan={cols} class="muted">
      {children}
    </td>
  </tr>
);

/** The page a destructive action shows first: what will happen, confirm or go back. */
export const ConfirmPage: FC<{ question: string; detail?: Child; action: string; confirmLabel: string; back: string }> = ({ question, detail, action, confirmLabel, back }) => (
  <div class="panel" role="alertdialog" aria-labelledby="confirm-q">
    <p id="confirm-q">
      <strong>{question}</strong>
    </p>
    {detail && <div class="muted">{detail}</div>}
    <PostForm action={action} class="toolbar">
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger">
        {confirmLabel}
      </button>
      <a class="button" href={back}>
        Cancel
      </a>
    </PostForm>
  </div>
);
