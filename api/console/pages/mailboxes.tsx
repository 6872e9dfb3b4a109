/** @jsxImportSource hono/jsx */
import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { emails, mailboxes } from '../../../db/schema';
import { Empty, When } from '../layout';

export async function loadMailboxes(db: Db, workspaceId: string) {
  const sentToday = db
    .select({ mailboxId: emails.mailboxId, n: count().as('n') })
    .from(emails)
    .where(and(eq(emails.workspaceId, workspaceId), gt(emails.sentAt, sql`now() - interval '24 hours'`)))
    .groupBy(emails.mailboxId)
    .as('sent_today');
  return db
    .select({ mailbox: mailboxes, sent24h: sql<number>`coalesce(${sentToday.n}, 0)`.mapWith(Number) })
    .from(mailboxes)
    .leftJoin(sentToday, eq(sentToday.mailboxId, mailboxes.id))
    .where(eq(mailboxes.workspaceId, workspaceId))
    .orderBy(mailboxes.email);
}

type Row = Awaited<ReturnType<typeof loadMailboxes>>[number];

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
      {rows.map(({ mailbox: m, sent24h }) => (
        <tr data-mailbox={m.email}>
          <td>{m.email}</td>
          <td>{m.provider}</td>
          <td>{m.status}</td>
          <td>
            {sent24h} / {m.dailyCap}
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
