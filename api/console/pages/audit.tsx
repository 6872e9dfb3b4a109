/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { AuditEvent } from '../../../shared/contracts/admin';
import { Empty, When } from '../layout';

export const AuditPage: FC<{ rows: AuditEvent[] }> = ({ rows }) => (
  <table>
    <thead>
      <tr>
        <th>When</th>
        <th>Who</th>
        <th>Action</th>
        <th>Target</th>
        <th>Details</th>
      </tr>
    </thead>
    <tbody>
      {rows.length === 0 && <Empty cols={5}>Nothing recorded yet.</Empty>}
      {rows.map((e) => (
        <tr data-audit={e.action}>
          <td>
            <When at={e.createdAt} />
          </td>
          <td>{e.actorEmail ?? <span class="muted">system</span>}</td>
          <td>{e.action}</td>
          <td>{e.target ?? ''}</td>
          <td>
            <code>{Object.keys(e.data).length ? JSON.stringify(e.data) : ''}</code>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
