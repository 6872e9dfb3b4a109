import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbHandle } from '../../../../db/client';
import { rowsOf } from '../../../../db/prepared';
import { openTestDb } from '../../../test/harness';
import { sentInLastDay } from './schedule';

/**
 * The budget count runs on every claim, as a prepared statement that Postgres may switch to a
 * generic plan. That plan must walk the (mailbox_id, sent_at) index even when the statistics
 * describe an older table: here one mailbox's unsent emails were analyzed, then other mailboxes
 * sent thousands — a sequential scan would then read every email on each claim.
 */
describe('the rolling-day budget count', () => {
  let handle: DbHandle;
  const first = '00000000-0000-4000-8000-000000000001';
  const busy = '00000000-0000-4000-8000-000000000011';

  beforeAll(async () => {
    handle = await openTestDb();
    const { db } = handle;
    const ws = '00000000-0000-4000-8000-0000000000aa';
    await db.execute(sql`insert into workspaces (id, name) values (${ws}, 'plan')`);
    const boxes = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-0000000000${String(11 + i)}`);
    for (const id of [first, ...boxes]) {
      await db.execute(sql`insert into mailboxes (id, workspace_id, provider, email) values (${id}, ${ws}, 'gmail', ${`${id}@plan.test`})`);
    }
    const insert = (mailbox: string, n: number, offset: number, status: string, sent: boolean) =>
      db.execute(sql`
        insert into emails (workspace_id, mailbox_id, idempotency_key, request_hash, "to", subject, body_html, message_id, status, sent_at)
        select ${ws}, ${mailbox}, 'k' || (${offset} + i), 'h', 'p@plan.test', 'Hi', '<p>Hi</p>', '<' || (${offset} + i) || '@plan.test>', ${status},
          ${sent ? sql`now() - (i || ' s')::interval` : sql`null`}
        from generate_series(1, ${n}) i`);
    await insert(first, 2000, 0, 'CANCELLED', false);
    await db.execute(sql`analyze emails`);
    for (const [i, box] of boxes.entries()) await insert(box, 900, 10_000 * (i + 1), 'SENT', true);
  }, 60_000);

  afterAll(async () => {
    await handle?.close();
  });

  it('walks the mailbox index on a generic plan with stale statistics, and counts right', async () => {
    const { db } = handle;
    const now = new Date();
    const query = new PgDialect().sqlToQuery(sql`select ${sentInLastDay(busy, 2000, now)} as n`);
    const types = query.params.map((p) => (typeof p === 'number' ? 'int' : p === busy ? 'uuid' : 'text'));
    const literal = (p: unknown) => (typeof p === 'number' ? String(p) : `'${String(p)}'`);
    const args = query.params.map(literal).join(', ');
    // One connection throughout: a prepared statement and the setting belong to a session.
    const { plan, n } = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`prepare budget_plan (${types.join(', ')}) as ${query.sql}`));
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      const explained = JSON.stringify(rowsOf(await tx.execute(sql.raw(`explain (format json) execute budget_plan (${args})`))));
      const [row] = rowsOf<{ n: number }>(await tx.execute(sql.raw(`execute budget_plan (${args})`)));
      await tx.execute(sql`deallocate budget_plan`);
      return { plan: explained, n: Number(row!.n) };
    });
    expect(plan).toContain('emails_mailbox_sent_idx');
    expect(plan).not.toContain('Seq Scan');
    expect(n).toBe(900);
  });
});
