/** @jsxImportSource hono/jsx */
import { count, desc, eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { suppressions } from '../../../db/schema';
import { Empty, When } from '../layout';

export async function loadSuppressions(db: Db, workspaceId: string, page: number, limit = 50) {
  const where = eq(suppressions.workspaceId, workspaceId);
  const [rows, [total]] = await Promise.all([
    db.select().from(suppressions).where(where).orderBy(desc(suppressions.createdAt), desc(suppressions.id)).limit(limit).offset((page - 1) * limit),
    db.select({ n: count() }).from(suppressions).where(where),
  ]);
  return { rows, total: total?.n ?? 0, totalPages: Math.max(1, Math.ceil((total?.n ?? 0) / limit)) };
}

type Row = Awaited<ReturnType<typeof loadSuppressions>>['rows'][number];

const REASON: Record<Row['reason'], string> = { manual: 'added by hand', unsubscribe: 'unsubscribed', hard_bounce: 'hard bounce', complaint: 'spam complaint' };

export const SuppressionsPage: FC<{ rows: Row[]; total: number }> = ({ rows, total }) => (
  <>
    <p class="muted">{total} suppressed address(es): Lumina never sends to these.</p>
    <table>
      <thead>
        <tr>
          <th>Address</th>
          <th>Reason</th>
          <th>Since</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty cols={3}>Nobody is suppressed.</Empty>}
        {rows.map((s) => (
          <tr data-suppression={s.email}>
            <td>{s.email}</td>
            <td>{REASON[s.reason]}</td>
            <td>
              <When at={s.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
