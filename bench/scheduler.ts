/**
 * Sequence scheduler: one tick planning BENCH_SCHED_LEADS due leads (default 50,000) spread over
 * 100 mailboxes (one campaign each, a two-step sequence with a condition on the second), on
 * Postgres. The tick is the real one (advanceDueLeads: claim with SKIP LOCKED, stop checks,
 * condition, variant, batch accept through acceptSends, lead update). Beside it, in the same run:
 * a bare `SELECT … FOR UPDATE SKIP LOCKED` of the same due rows, and the write floor (the same
 * rows copied by set-based SQL).
 * Needs Postgres (DATABASE_URL or TEST_DATABASE_URL: a scratch database is created and dropped).
 * Run: npx tsx bench/scheduler.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDb } from '../db/client';
import { rowsOf } from '../db/prepared';
import { campaignLeads, campaigns, mailboxes, prospects, sequenceSteps, users, workspaces } from '../db/schema';
import { loadConfig } from '../api/src/env';
import { createInlineQueue } from '../api/src/jobs/inline';
import type { Deps } from '../api/src/context';
import { advanceDueLeads } from '../api/src/modules/campaigns/sequence.worker';
import { writeSection } from './results';
import { createScratchDb } from './lib/scratch-db';

const LEADS = Number(process.env.BENCH_SCHED_LEADS ?? 50_000);
const MAILBOXES = 100;
const loadAtStart = loadavg()[0]!;

const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  writeSection('scheduler', 'Skipped: needs Postgres (DATABASE_URL or TEST_DATABASE_URL).');
  console.log('bench/scheduler: skipped (set TEST_DATABASE_URL)');
  process.exit(0);
}

const scratch = await createScratchDb(pgUrl, 'lumina_bench_sched');
const dataDir = mkdtempSync(join(tmpdir(), 'lumina-bench-sched-'));
const handle = await openDb({ databaseUrl: scratch.url, max: 10 });
const { db } = handle;

try {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://lumina.test' });
  const queue = createInlineQueue(db, { pollMs: 60_000 }); // jobs are written, never run: this measures the planning
  const deps: Deps = { config, db, dbKind: handle.kind, queue, logger: pino({ level: 'silent' }), pingDb: handle.ping };

  // A workspace with 100 reps, each with a mailbox and a campaign of LEADS/100 leads, all due.
  const [ws] = await db.insert(workspaces).values({ name: 'Bench' }).returning();
  const reps = await db.insert(users).values(Array.from({ length: MAILBOXES }, (_, i) => ({ email: `rep${i}@bench-sched.test`, name: `Rep ${i}` }))).returning();
  const boxes = await db
    .insert(mailboxes)
    .values(reps.map((u, i) => ({ workspaceId: ws!.id, userId: u.id, provider: 'sandbox' as const, email: u.email, dailyCap: 100_000, sendWindow: { tz: i % 2 ? 'America/New_York' : 'Europe/Berlin', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' } })))
    .returning();
  const camps = await db.insert(campaigns).values(boxes.map((b, i) => ({ workspaceId: ws!.id, ownerId: reps[i]!.id, mailboxId: b.id, name: `C${i}`, status: 'active' as const }))).returning();
  await db.insert(sequenceSteps).values(
    camps.flatMap((c) => [
      { campaignId: c.id, position: 0, subject: 'Hi {{firstName|there}}', bodyHtml: '<p>One</p>' },
      { campaignId: c.id, position: 1, delayAmount: 2, delayUnit: 'business_days' as const, condition: 'not_opened' as const, bodyHtml: '<p>Two</p>' },
    ]),
  );
  const due = new Date(Date.now() - 60_000);
  for (let start = 0; start < LEADS; start += 5_000) {
    const n = Math.min(5_000, LEADS - start);
    const ps = await db
      .insert(prospects)
      .values(Array.from({ length: n }, (_, k) => ({ workspaceId: ws!.id, email: `lead${start + k}@bench-sched.test`, firstName: `L${start + k}`, timeZone: k % 3 ? 'Asia/Tokyo' : null })))
      .returning({ id: prospects.id });
    await db.insert(campaignLeads).values(ps.map((p, k) => ({ workspaceId: ws!.id, campaignId: camps[(start + k) % MAILBOXES]!.id, prospectId: p.id, status: 'active' as const, nextDueAt: due })));
  }
  await db.execute(sql`analyze`);

  // The floor: lock the same due rows, nothing else.
  const floorMs = await timed(() =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select cl.id from campaign_leads cl join campaigns c on c.id = cl.campaign_id
        where cl.status in ('pending', 'active') and cl.next_due_at <= now() and c.status = 'active'
        order by cl.next_due_at for update of cl skip locked`);
    }),
  );

  const now = new Date();
  let outcomes = new Map<string, string>();
  const tickMs = await timed(async () => {
    outcomes = await advanceDueLeads(deps, {}, now);
  });
  const sent = [...outcomes.values()].filter((o) => o === 'sent').length;
  await queue.close();

  // The write floor: the same rows the tick wrote (emails, send_jobs, queue jobs, lead_steps,
  // lead updates), copied by set-based SQL in batches of the tick's size, with no JS in between.
  const emailIds = rowsOf<{ id: string }>(await db.execute(sql`select id from emails where idempotency_key like 'campaign:%' order by id`)).map((r) => r.id);
  const BATCH = 500;
  const writeMs = await timed(async () => {
    for (let i = 0; i < emailIds.length; i += BATCH) {
      const ids = JSON.stringify(emailIds.slice(i, i + BATCH));
      await db.execute(sql`
        with src as (select * from emails where id in (select jsonb_array_elements_text(${ids}::jsonb)::uuid)),
        e as (
          insert into emails (id, workspace_id, user_id, mailbox_id, prospect_id, campaign_id, campaign_lead_id, step_id, variant_id, idempotency_key, request_hash, "to", from_address, subject, body_html, message_id, created_at, updated_at)
          select gen_random_uuid(), workspace_id, user_id, mailbox_id, prospect_id, campaign_id, campaign_lead_id, step_id, variant_id, 'floor:' || idempotency_key, request_hash, "to", from_address, subject, body_html, 'floor' || message_id, created_at, updated_at
          from src returning id, workspace_id, idempotency_key, campaign_lead_id, step_id),
        j as (insert into send_jobs (workspace_id, email_id, idempotency_key, due_at) select workspace_id, id, idempotency_key, now() from e),
        q as (insert into queue_jobs (queue, id, name, data, max_attempts, run_at) select 'floor', id::text, 'send', jsonb_build_object('emailId', id), 5, now() from e),
        l as (update campaign_leads cl set reason = 'floor', updated_at = now() from e where cl.id = e.campaign_lead_id returning cl.id)
        insert into lead_steps (workspace_id, lead_id, step_id, position, outcome, email_id, at) select workspace_id, campaign_lead_id, step_id, 0, 'sent', id, now() from e`);
    }
  });

  const rate = Math.round(sent / (tickMs / 1000));
  const at50k = (tickMs / LEADS) * 50_000;
  const floor50k = (writeMs / LEADS) * 50_000;
  const body = `One tick of the real scheduler (\`advanceDueLeads\`: batches of 500 leads claimed with \`FOR UPDATE SKIP LOCKED\` + a lease, two batches at a time; per batch one read of every fact the rules need, the rules in memory, one batch accept through \`acceptSends\` — one read, one statement for the emails and their send_jobs rows, one for the queue jobs — and one statement moving the leads with their step records) over ${LEADS.toLocaleString('en')} due leads in ${MAILBOXES} campaigns / mailboxes (send windows in two zones, recipient zones on two thirds of the prospects, a \`not_opened\` condition and a business-day delay on step 2), Postgres 16 on this machine, beside two baselines in the same run:

| what | time | per lead |
|---|---|---|
| bare \`SELECT … FOR UPDATE SKIP LOCKED\` of the same due rows (lock floor) | ${fmt(floorMs)} | ${(floorMs / LEADS * 1000).toFixed(1)} µs |
| write floor: the same rows the tick wrote (emails, send_jobs, queue jobs, lead_steps, lead updates) copied by set-based SQL, ${BATCH} per statement, no JS | ${fmt(writeMs)} | ${(writeMs / LEADS).toFixed(3)} ms |
| **one tick**: claim, stop checks, condition, variant, accept (email + send job + queue job), lead update + step record | ${fmt(tickMs)} | ${(tickMs / LEADS).toFixed(3)} ms |

${sent.toLocaleString('en')} first steps accepted (${rate.toLocaleString('en')} leads/s; before the set-based tick: 129 leads/s, one lead at a time). The tick is ${(tickMs / writeMs).toFixed(1)}× the write floor. ${LEADS < 50_000 ? `At this rate 50,000 leads take ~${(at50k / 1000).toFixed(1)} s (write floor ~${(floor50k / 1000).toFixed(1)} s). ` : ''}Goal < 5 s for 50,000 leads: ${at50k < 5_000 ? '**met**' : `**not met** — ${floor50k >= 5_000 ? `unreachable on these 2 shared cores: writing the rows alone, with no rules at all, takes ${(floor50k / 1000).toFixed(1)} s (the emails table carries 14 indexes, its primary key included)` : `the write floor is ${(floor50k / 1000).toFixed(1)} s; the rest is the rules in JS (template render, request hash, zone-aware due times) and the reads`}`}.${LEADS < 50_000 ? `\n\n(Run with \`BENCH_SCHED_LEADS=${LEADS}\`; the default is 50,000.)` : ''} Load average at the start: ${loadAtStart.toFixed(1)} (the machine is shared).`;
  writeSection('scheduler', body);
  console.log(body);
} finally {
  await handle.close();
  await scratch.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

async function timed(fn: () => Promise<unknown>) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function fmt(ms: number) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
