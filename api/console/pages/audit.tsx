/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { DateTime } from 'luxon';
import type { AppEnv } from '../../src/context';
import type { AuditEvent, Member } from '../../../shared/contracts/admin';
import { auditActions, listAudit, recordAudit, type AuditFilter } from '../../src/modules/admin/audit';
import { listMembers } from '../../src/modules/admin/service';
import { validate } from '../../src/middleware/validate';
import { Empty, When, formatWhen } from '../layout';
import { PAGE, consoleApp, paged, render } from '../render';
import { csvDownload } from '../csv';
import { viewerTimeZone } from '../guard';
import { auditActionWords, changeLines } from '../words';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined);
const auditFilters = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  action: z.string().trim().max(100).optional().catch(undefined),
  actor: z.uuid().optional().catch(undefined),
  from: day,
  to: day,
});
type Filters = z.infer<typeof auditFilters>;

export const auditRoutes = consoleApp()
  .get('/audit', validate('query', auditFilters), async (c) => {
    const q = c.req.valid('query');
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const [{ rows, total }, actions, members] = await Promise.all([
      listAudit(db, ws, { page: q.page, limit: PAGE, ...toFilter(c, q) }),
      auditActions(db, ws),
      listMembers(db, ws, { page: 1, limit: 200 }),
    ]);
    const query = { action: q.action, actor: q.actor, from: q.from, to: q.to };
    const exportHref = `/console/audit/export.csv?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])))}`;
    return render(c, 'Audit log', paged(<AuditPage rows={rows} actions={actions} members={members.rows} filters={q} exportHref={exportHref} />, '/console/audit', q.page, total, query));
  })
  .get('/audit/export.csv', validate('query', auditFilters), async (c) => {
    const q = c.req.valid('query');
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const tz = viewerTimeZone(c);
    const filter = toFilter(c, q);
    await recordAudit(db, { workspaceId: ws, actorId: c.get('session').userId, action: 'data.exported', target: 'audit log', data: { filters: q } });
    async function* rows() {
      for (let page = 1; ; page++) {
        const { rows } = await listAudit(db, ws, { page, limit: 1000, ...filter });
        for (const e of rows) yield [e.createdAt, formatWhen(e.createdAt, tz), e.actorEmail ?? 'system', e.action, auditActionWords(e.action), e.target ?? '', changeLines(e.data).join('; ')];
        if (rows.length < 1000) return;
      }
    }
    return csvDownload(c, 'audit-log.csv', ['at_utc', 'at_local', 'who', 'action_code', 'what', 'target', 'change'], rows());
  });

/** Dates in the filter are the viewer's local days. */
function toFilter(c: Context<AppEnv>, q: Filters): AuditFilter {
  const tz = viewerTimeZone(c);
  const at = (d: string | undefined, plusDay = false) => (d ? DateTime.fromISO(d, { zone: tz }).plus({ days: plusDay ? 1 : 0 }).toJSDate() : undefined);
  return { action: q.action || undefined, actorId: q.actor, since: at(q.from), until: at(q.to, true) };
}

export const AuditPage: FC<{ rows: AuditEvent[]; actions: string[]; members: Member[]; filters: Filters; exportHref: string }> = ({ rows, actions, members, filters, exportHref }) => (
  <>
    <form method="get" action="/console/audit" class="toolbar" role="search" aria-label="Filter the audit log">
      <div>
        <label for="actor">Who</label>
        <select id="actor" name="actor">
          <option value="">Anyone</option>
          {members.map((m) => (
            <option value={m.userId} selected={m.userId === filters.actor}>
              {m.email}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="action">What</label>
        <select id="action" name="action">
          <option value="">Any action</option>
          {actions.map((a) => (
            <option value={a} selected={a === filters.action}>
              {auditActionWords(a)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="from">From</label>
        <input id="from" name="from" type="date" value={filters.from ?? ''} />
      </div>
      <div>
        <label for="to">To</label>
        <input id="to" name="to" type="date" value={filters.to ?? ''} />
      </div>
      <button type="submit">Filter</button>
      <a class="button" href={exportHref}>
        Export CSV
      </a>
    </form>
    <table class="rows">
      <thead>
        <tr>
          <th>When</th>
          <th>What happened</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty cols={3}>Nothing recorded for these filters. Changes to members, mailboxes and suppressions appear here as they happen.</Empty>}
        {rows.map((e) => (
          <tr data-audit={e.action}>
            <td data-label="When">
              <When at={e.createdAt} />
            </td>
            <td data-label="What">
              <strong>{e.actorEmail ?? 'Lumina (automatic)'}</strong> {auditActionWords(e.action)} {e.target && <strong>{e.target}</strong>}
            </td>
            <td data-label="Change">
              {changeLines(e.data).map((l) => (
                <div>{l}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
