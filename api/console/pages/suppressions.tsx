/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Suppression } from '../../../shared/contracts/suppressions';
import { Empty, When } from '../layout';

type Row = Suppression;

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
