/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { listMailboxesWithSync } from '../../src/modules/mailboxes/service';
import { Empty, When } from '../layout';

type Row = Awaited<ReturnType<typeof listMailboxesWithSync>>['rows'][number];

export const MailboxesPage: FC<{ rows: Row[] }> = ({ rows }) => (
  <table>
    <thead>
      <tr>
        <th>Address</th>
        <th>Provider</th>
        <th>Status</th>
        <th>Sent (24 h) / cap</th>
        <th>Send window</th>
        <th>Ramp-up</th>
        <th>Last synced</th>
      </tr>
    </thead>
    <tbody>
      {rows.length === 0 && <Empty cols={7}>No mailbox connected yet: members connect theirs from the extension.</Empty>}
      {rows.map((m) => (
        <tr data-mailbox={m.email}>
          <td>{m.email}</td>
          <td>{m.provider}</td>
          <td>{m.status}</td>
          <td>
            {m.used} / {m.dailyCap}
          </td>
          <td>{m.sendWindow ? `${m.sendWindow.start}–${m.sendWindow.end} ${m.sendWindow.tz}, days ${m.sendWindow.days.join(',')}` : <span class="muted">any time</span>}</td>
          <td>{m.rampUp ? `${m.rampUp.startCap} +${m.rampUp.increment} every ${m.rampUp.everyDays} d` : <span class="muted">off</span>}</td>
          <td>
            <When at={m.lastSyncedAt} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
