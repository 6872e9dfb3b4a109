// Console pages at scale on real Postgres: each page's server time (app.request with the
// console's session cookie, rendering included) with 100,000 prospects, 10,000
// suppressions, 1,000 campaigns carrying 50,000 leads, 10,000 audit entries, 100,000 emails and
// 1,000,000 events in one workspace — beside `GET /health` through the same app in the same run.
// Needs TEST_DATABASE_URL (a server where it may create and drop its own database).
import postgres from 'postgres';
import { openDb } from '../db/client';
import { randomToken, sha256 } from '../api/src/lib/crypto';
import { CONSOLE_COOKIE } from '../api/console/session';
import { writeSection } from './results';
import { createScratchDb, withScratchDb } from './lib/scratch-db';
import { benchApp, percentiles, timedGet } from './lib/app-timing';

const SCALE = Number(process.env.BENCH_SCALE ?? 1); // 0.1 for a quick look
const N = { prospects: 100_000, suppressions: 10_000, campaigns: 1_000, leadsPer: 50, audit: 10_000, emails: 100_000, events: 1_000_000 };
for (const k of Object.keys(N) as Array<keyof typeof N>) if (k !== 'leadsPer') N[k] = Math.round(N[k] * SCALE);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Pages whose path contains this (a look at a few while working on them: RESULTS.md is left alone). */
const ONLY = process.env.BENCH_ONLY;
/** Keep the seeded database (its URL is printed) for EXPLAIN ANALYZE afterwards; drop it by hand. */
const KEEP = process.env.BENCH_KEEP_DB === '1';

/** Measure again on a database a kept run seeded (BENCH_KEEP_DB=1 printed its URL), skipping the seed. */
const REUSE = process.env.BENCH_REUSE_DB;

if (REUSE) await run(REUSE);
else if (KEEP) await createScratchDb(serverUrl, 'lumina_bench_console').then((db) => run(db.url).then(() => console.log('kept', db.url)));
else await withScratchDb(serverUrl, 'lumina_bench_console', run);

async function run(dbUrl: string) {
  const handle = await openDb({ databaseUrl: dbUrl, max: 4 });
  const sqlc = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  const { token, prospectId, templateId, mailboxId, campaignId, importJobId } = REUSE ? await seeded(sqlc) : await seed(sqlc);
  const seedSeconds = (performance.now() - t0) / 1000;
  console.log(`seeded in ${seedSeconds.toFixed(0)} s`, N);

  const { app, queue } = benchApp(handle, dbUrl, '/tmp/lumina-bench-console');
  const once = timedGet(app, { cookie: `${CONSOLE_COOKIE}=${token}` });
  const measure = (path: string) => percentiles(once, path, { warmups: 3, runs: RUNS });

  const pages = [
    '/health',
    '/console',
    '/console/campaigns',
    '/console/campaigns?status=active',
    `/console/campaigns/${campaignId}`,
    `/console/campaigns/${campaignId}/edit`,
    `/console/campaigns/${campaignId}/leads/add?q=client4`,
    '/console/prospects',
    '/console/prospects?q=prospect42',
    '/console/prospects?status=replied',
    '/console/prospects?status=not_contacted',
    '/console/prospects?status=contacted',
    '/console/prospects?status=suppressed',
    '/console/prospects?flag=any',
    '/console/prospects?flag=disposable',
    `/console/prospects?campaign=${campaignId}`,
    '/console/prospects?tz=Europe%2FParis',
    `/console/prospects/${prospectId}`,
    '/console/prospects/import',
    `/console/prospects/import/jobs/${importJobId}`,
    '/console/templates',
    '/console/templates?category=objection',
    '/console/templates?show=favourites',
    `/console/templates/${templateId}`,
    '/console/replies',
    '/console/replies?meaning=out_of_office',
    '/console/failed',
    '/console/suppressions',
    '/console/suppressions?q=gone9',
    '/console/mailboxes',
    `/console/mailboxes/${mailboxId}`,
    '/console/members',
    '/console/audit',
    '/console/queues',
  ];
  const results: Array<[string, { p50: number; p95: number }]> = [];
  for (const p of pages.filter((p) => !ONLY || p === '/health' || p.includes(ONLY))) {
    results.push([p, await measure(p)]);
    console.log(p, results.at(-1)![1]);
  }
  await queue.close();
  await sqlc.end();
  await handle.close();

  if (ONLY) return;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const health = results[0]![1];
  const slow = results.slice(1).filter(([, r]) => r.p95 >= 100);
  writeSection(
    'console',
    `Console pages through the app (\`app.request\` with the console's session cookie: session, guards, queries and
Hono JSX rendering) on Postgres with one workspace holding ${N.prospects.toLocaleString('en')} prospects, ${N.suppressions.toLocaleString('en')} suppressions,
${N.campaigns.toLocaleString('en')} campaigns with ${(N.campaigns * N.leadsPer).toLocaleString('en')} leads, ${N.audit.toLocaleString('en')} audit entries, ${N.emails.toLocaleString('en')} emails and ${N.events.toLocaleString('en')} events.
${RUNS} sequential requests per page after 3 warm-ups; baseline = \`GET /health\` through the same app in the same run.

| page | p50 | p95 |
|---|---|---|
${results.map(([p, r]) => `| \`${p}\`${p === '/health' ? ' (baseline)' : ''} | ${ms(r.p50)} | ${ms(r.p95)} |`).join('\n')}

Goal: every page p95 < 100 ms → **${slow.length === 0 ? 'met' : `NOT met on ${slow.map(([p]) => `\`${p}\``).join(', ')}`}** (health p95 ${ms(health.p95)}).
Seeding took ${seedSeconds.toFixed(0)} s (server-side \`generate_series\`, then \`VACUUM ANALYZE\`). Reproduce: \`TEST_DATABASE_URL=… npm run bench console\`.`,
  );
}

/** The ids a kept database's seed returned, and a fresh session. */
async function seeded(sql: postgres.Sql) {
  const [ada] = await sql<{ id: string; workspace_id: string }[]>`select u.id, m.workspace_id from users u join memberships m on m.user_id = u.id where u.email = 'ada@bench-console.test'`;
  const token = randomToken();
  await sql`insert into sessions (token_hash, user_id, workspace_id, expires_at) values (${sha256(token)}, ${ada!.id}, ${ada!.workspace_id}, now() + interval '1 day')`;
  const [p] = await sql<{ id: string }[]>`select prospect_id as id from emails where status = 'SENT' limit 1`;
  const [tpl] = await sql<{ id: string }[]>`select id from templates limit 1`;
  const [camp] = await sql<{ id: string }[]>`select campaign_id as id from emails where campaign_id is not null group by 1 order by count(*) desc limit 1`;
  const [box] = await sql<{ id: string }[]>`select id from mailboxes limit 1`;
  const [job] = await sql<{ id: string }[]>`select id from import_jobs limit 1`;
  return { token, prospectId: p!.id, templateId: tpl!.id, mailboxId: box!.id, campaignId: camp!.id, importJobId: job!.id };
}

async function seed(sql: postgres.Sql) {
  const [ws] = await sql<{ id: string }[]>`insert into workspaces (name) values ('Bench console') returning id`;
  const w = ws!.id;
  const [user] = await sql<{ id: string }[]>`insert into users (email, name) values ('ada@bench-console.test', 'Ada') returning id`;
  await sql`insert into memberships (workspace_id, user_id, role) values (${w}, ${user!.id}, 'admin')`;
  await sql`insert into users (email) select 'rep' || g || '@bench-console.test' from generate_series(1, 20) g`;
  await sql`insert into memberships (workspace_id, user_id, role) select ${w}, id, 'member' from users where email like 'rep%@bench-console.test'`;
  const token = randomToken();
  await sql`insert into sessions (token_hash, user_id, workspace_id, expires_at) values (${sha256(token)}, ${user!.id}, ${w}, now() + interval '1 day')`;
  const [box] = await sql<{ id: string }[]>`insert into mailboxes (workspace_id, user_id, provider, email) values (${w}, ${user!.id}, 'sandbox', 'ada@bench-console.test') returning id`;
  // One in 40 carries a role flag and one in 97 a disposable one, as the recipient check stores them.
  await sql`insert into prospects (workspace_id, email, first_name, company, owner_id, time_zone, recipient_flags)
    select ${w}, 'prospect' || g || '@client' || (g % 500) || '.test', 'First' || g, 'Company ' || (g % 2000), case when g % 3 = 0 then ${user!.id}::uuid end,
      (array['Europe/Paris','America/New_York','Asia/Tokyo',null])[1 + g % 4],
      case when g % 40 = 0 then array['role'] when g % 97 = 0 then array['disposable'] else '{}'::text[] end
    from generate_series(1, ${N.prospects}) g`;
  // Some of the suppressed are prospects too (the status filter's semi-join has work to do).
  await sql`insert into suppressions (workspace_id, email, reason) select ${w}, email, 'unsubscribe' from prospects where workspace_id = ${w} and first_name like '%7' limit ${Math.round(N.suppressions / 10)}`;
  const [job] = await sql<{ id: string }[]>`insert into import_jobs (workspace_id, user_id, dedupe, status, rows_read, imported, error_count, finished_at) values (${w}, ${user!.id}, 'update', 'done', 50000, 49000, 1000, now()) returning id`;
  await sql`insert into import_errors (job_id, row, kind, message) select ${job!.id}, g * 50, 'error', 'invalid email: bad' || g from generate_series(1, 1000) g`;
  await sql`insert into suppressions (workspace_id, email, reason) select ${w}, 'gone' || g || '@old.test', 'manual' from generate_series(1, ${N.suppressions}) g`;
  await sql`insert into templates (workspace_id, owner_id, name, subject, body_html) select ${w}, ${user!.id}, 'Template ' || g, 'Hello {{firstName}}', '<p>Hi {{firstName|there}}</p>' from generate_series(1, 200) g`;
  await sql`insert into campaigns (workspace_id, owner_id, name, status) select ${w}, ${user!.id}, 'Campaign ' || g, (array['active','paused','draft','completed'])[1 + g % 4] from generate_series(1, ${N.campaigns}) g`;
  await sql`create temp table c_num as select row_number() over (order by id) as n, id from campaigns`;
  // Three steps each, the second an A/B test, so the campaign pages render whole sequences.
  await sql`insert into sequence_steps (campaign_id, position, delay_amount, delay_unit, condition, subject, body_html, variants)
    select c.id, s, s * 2, 'business_days', (array['always','not_opened','no_reply'])[1 + s], 'Step ' || s || ' for {{firstName}}', '<p>Hi {{firstName|there}}</p>',
      case when s = 1 then '[{"id":"A","subject":"A","bodyHtml":"<p>A</p>","weight":50},{"id":"B","subject":"B","bodyHtml":"<p>B</p>","weight":50}]'::jsonb else '[]'::jsonb end
    from c_num c cross join generate_series(0, 2) s`;
  await sql`create temp table p_num as select row_number() over (order by id) as n, id from prospects`;
  await sql`insert into campaign_leads (workspace_id, campaign_id, prospect_id, status, next_due_at)
    select ${w}, c.id, p.id, (array['active','pending','replied','paused','completed'])[1 + g % 5], now() + (g % 72) * interval '1 hour'
    from generate_series(0, ${N.campaigns * N.leadsPer - 1}) g
    join c_num c on c.n = 1 + g / ${N.leadsPer}
    join p_num p on p.n = 1 + g % ${N.prospects}`;
  await sql`insert into audit_events (workspace_id, actor_id, action, target, data, created_at)
    select ${w}, ${user!.id}, (array['mailbox.updated','suppression.added','campaign.launched','prospect.updated'])[1 + g % 4], 'target' || g, jsonb_build_object('before', g, 'after', g + 1), now() - g * interval '1 minute'
    from generate_series(1, ${N.audit}) g`;
  await sql`insert into emails (workspace_id, user_id, mailbox_id, prospect_id, campaign_id, idempotency_key, request_hash, "to", from_address, subject, body_html, message_id, status, failure_reason, sent_at, thread_id)
    select ${w}, ${user!.id}, ${box!.id}, p.id, case when g % 2 = 0 then c.id end, 'k' || g, 'h', 'prospect' || g || '@client.test', 'ada@bench-console.test', 'Subject ' || (g % 50), '<p>body</p>', '<' || g || '@bench.test>',
      case when g % 100 = 0 then 'FAILED' else 'SENT' end, case when g % 100 = 0 then 'Gmail refused the message' end, now() - random() * interval '90 days', 't' || g
    from generate_series(1, ${N.emails}) g
    join p_num p on p.n = 1 + g % ${N.prospects}
    join c_num c on c.n = 1 + g % ${N.campaigns}`;
  await sql`create temp table e_num as select row_number() over (order by id) as n, id, sent_at from emails`;
  await sql`insert into email_events (workspace_id, email_id, type, machine, dedupe_key, data, occurred_at)
    select ${w}, e.id, t.type, false, case when t.type in ('reply','auto_reply') then 'inbound:' || g end,
      case when t.type = 'reply' then '{"meaning":"interested","snippet":"Sounds good","from":"p@client.test"}'::jsonb when t.type = 'auto_reply' then '{"meaning":"out_of_office","returnDate":"2030-01-15T00:00:00.000Z"}'::jsonb else '{}'::jsonb end,
      least(now(), e.sent_at + random() * interval '4 days')
    from generate_series(1, ${N.events}) g
    join e_num e on e.n = 1 + ((g - 1) % ${N.emails})
    -- The lateral names g so it runs per event: uncorrelated, Postgres runs it once and every event got one type.
    cross join lateral (select (array['open','open','open','open','open','open','click','click','reply','auto_reply'])[1 + floor(random() * 10)::int] as type where g is not null) t`;
  // The seed writes 90 days of replies and their answers in one statement: the waiting-replies partial
  // indexes hold every reply briefly, as a day of real traffic never does; rebuilt to their steady size.
  await sql`reindex table email_engagement`;
  for (const t of ['email_events', 'emails', 'prospects', 'campaign_leads', 'audit_events', 'suppressions', 'event_rollups', 'user_event_rollups', 'email_engagement']) await sql.unsafe(`vacuum analyze ${t}`);
  const [p] = await sql<{ id: string }[]>`select prospect_id as id from emails where status = 'SENT' limit 1`;
  const [tpl] = await sql<{ id: string }[]>`select id from templates limit 1`;
  const [camp] = await sql<{ id: string }[]>`select campaign_id as id from emails where campaign_id is not null group by 1 order by count(*) desc limit 1`;
  return { token, prospectId: p!.id, templateId: tpl!.id, mailboxId: box!.id, campaignId: camp!.id, importJobId: job!.id };
}
