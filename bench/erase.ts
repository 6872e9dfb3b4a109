/**
 * Erasing a person (GDPR art. 17) in a workspace of 2,000 prospects, each with 10 emails and
 * 50 events (20,000 emails, 100,000 events), on PGlite: one erase (anonymise emails and events,
 * redact audit rows, hash on the suppression list) beside the baseline of a plain prospect
 * delete of a person with the same data, and the erased-address check a CSV import pays for
 * 10,000 addresses. Run: npx tsx bench/erase.ts
 */
import { sql } from 'drizzle-orm';
import { openDb } from '../db/client';
import { users, workspaces } from '../db/schema';
import { eraseProspect } from '../api/src/modules/privacy/service';
import { deleteProspect } from '../api/src/modules/prospects/service';
import { erasedAmong } from '../api/src/modules/suppressions/service';
import { percentile, writeSection } from './results';

const PROSPECTS = 2_000;
const EMAILS_EACH = 10;
const EVENTS_EACH = 5;
const RUNS = 20;

const handle = await openDb({ dataDir: 'memory://' });
const db = handle.db;
const [ws] = await db.insert(workspaces).values({ name: 'bench' }).returning();
const [user] = await db.insert(users).values({ email: 'bench@bench.test' }).returning();
const w = ws!.id;

let t = performance.now();
await db.execute(sql`insert into prospects (workspace_id, email, first_name, last_name)
  select ${w}, 'person' || i || '@bench.test', 'First' || i, 'Last' || i from generate_series(1, ${PROSPECTS}) i`);
await db.execute(sql`insert into emails (workspace_id, prospect_id, idempotency_key, request_hash, "to", subject, body_html, message_id, status, sent_at)
  select ${w}, p.id, 'k-' || p.id || '-' || j, 'h', p.email, 'Hi ' || p.first_name, '<p>Dear ' || p.first_name || '</p>', '<' || p.id || '-' || j || '@bench.test>', 'SENT', now()
  from prospects p, generate_series(1, ${EMAILS_EACH}) j where p.workspace_id = ${w}`);
await db.execute(sql`insert into email_events (workspace_id, email_id, type, user_agent, ip, occurred_at)
  select ${w}, e.id, case when k = 1 then 'click' else 'open' end, 'Mozilla/5.0', '203.0.113.' || k, now() - (k || ' hours')::interval
  from emails e, generate_series(1, ${EVENTS_EACH}) k where e.workspace_id = ${w}`);
await db.execute(sql`insert into audit_events (workspace_id, actor_id, action, target, data)
  select ${w}, ${user!.id}, 'lead.stopped', p.email, jsonb_build_object('name', p.first_name) from prospects p where p.workspace_id = ${w}`);
await db.execute(sql`analyze`);
const setupMs = performance.now() - t;

const ids = (await db.execute(sql`select id from prospects where workspace_id = ${w} order by email limit ${RUNS * 2}`)) as unknown as { rows?: Array<{ id: string }> } & Array<{ id: string }>;
const list = (ids.rows ?? ids).map((r) => r.id);

const erase: number[] = [];
const del: number[] = [];
for (let i = 0; i < RUNS; i++) {
  t = performance.now();
  await eraseProspect(db, w, list[i]!, user!.id);
  erase.push(performance.now() - t);
  t = performance.now();
  await deleteProspect(db, w, list[RUNS + i]!);
  del.push(performance.now() - t);
}

const addresses = Array.from({ length: 10_000 }, (_, i) => `person${i}@bench.test`);
t = performance.now();
const found = await erasedAmong(db, w, addresses);
const checkMs = performance.now() - t;
await handle.close();

const body = `
PGlite in memory; a workspace of ${PROSPECTS.toLocaleString('en')} prospects × ${EMAILS_EACH} emails × ${EVENTS_EACH} events
(${(PROSPECTS * EMAILS_EACH).toLocaleString('en')} emails, ${(PROSPECTS * EMAILS_EACH * EVENTS_EACH).toLocaleString('en')} events, one audit row naming each person; set up in ${(setupMs / 1000).toFixed(1)} s).
${RUNS} people erased and ${RUNS} others deleted, alternately.

| operation (one person: ${EMAILS_EACH} emails, ${EMAILS_EACH * EVENTS_EACH} events) | p50 ms | p95 ms |
|---|---|---|
| erase: anonymise emails and events, delete prospect and drafts, redact audit rows, hash on the suppression list — one transaction | ${percentile(erase, 50).toFixed(1)} | ${percentile(erase, 95).toFixed(1)} |
| baseline: plain prospect delete (DELETE /api/prospects/:id; leaves emails and events as they were) | ${percentile(del, 50).toFixed(1)} | ${percentile(del, 95).toFixed(1)} |

Erased-address check of a CSV import, 10,000 addresses (hash each, one indexed query): ${checkMs.toFixed(0)} ms (${found.size} erased found among them).

Where the erase's time goes: finding the person's emails reads every email of the workspace (the recipient is matched as the bare address of \`to\`, which no index covers), and audit rows are searched for the address and name as text. It is a rare admin action, so no index is spent on it; a workspace with millions of emails would want an expression index on the bare recipient.
`;
writeSection('erase', body);
console.log(body);
