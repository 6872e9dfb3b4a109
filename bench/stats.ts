// Dashboard figures at 1,000,000 events on real Postgres: p50/p95 of each dashboard
// endpoint through the app (app.request, session and all), beside the baseline of the same
// 30-day figures aggregated straight from the raw events (index-only scan on the covering
// index) — what the stats endpoint did before the trigger-kept rollups.
// Needs TEST_DATABASE_URL (a server where it may create and drop its own database).
import postgres from 'postgres';
import { openDb } from '../db/client';
import { randomToken, sha256 } from '../api/src/lib/crypto';
import { writeSection } from './results';
import { withScratchDb } from './lib/scratch-db';
import { benchApp, percentiles, timedGet } from './lib/app-timing';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const EMAILS = Math.round(EVENTS / 10);
const WORKSPACES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

await withScratchDb(serverUrl, 'lumina_bench_stats', run);

async function run(dbUrl: string) {
  const handle = await openDb({ databaseUrl: dbUrl, max: 4 });
  const sqlc = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const t0 = performance.now();
  const { heavy, token } = await seed(sqlc);
  const seedSeconds = (performance.now() - t0) / 1000;
  const [{ n: inHeavy }] = await sqlc<{ n: number }[]>`select count(*)::int as n from email_events where workspace_id = ${heavy}`;
  const [{ n: inHeavy30 }] = await sqlc<{ n: number }[]>`select count(*)::int as n from email_events where workspace_id = ${heavy} and occurred_at >= now() - interval '30 days'`;
  console.log(`seeded ${EVENTS} events (${inHeavy} in the heaviest workspace, ${inHeavy30} of them in the last 30 days) in ${seedSeconds.toFixed(1)} s`);

  const { app, queue } = benchApp(handle, dbUrl, '/tmp/lumina-bench-stats');
  const call = timedGet(app, { authorization: `Bearer ${token}` });
  const measure = (path: string, runs = RUNS, once: (p: string) => Promise<number> = call) => percentiles(once, path, { warmups: 5, runs });

  const targets = [
    '/api/dashboard/stats?days=30',
    '/api/dashboard/stats?days=365',
    '/api/dashboard/timeline?days=30',
    '/api/dashboard/momentum',
    '/api/dashboard/campaigns?days=90',
    '/api/dashboard/send-times?days=90',
  ];
  const withIndex: Array<[string, { p50: number; p95: number }]> = [];
  for (const [i, t] of targets.entries()) {
    withIndex.push([t, await measure(t, i < 2 ? RUNS : Math.ceil(RUNS / 3))]);
    console.log(t, withIndex.at(-1)![1]);
  }

  // Baseline: the same figures aggregated from the raw events (direct SQL, no HTTP around it).
  const { figureColumns } = await import('../api/src/modules/dashboard/queries');
  const { sql: dsql } = await import('drizzle-orm');
  const raw = (days: number) => async () => {
    const start = performance.now();
    await handle.db.execute(dsql`select ${figureColumns('ev')} from email_events ev where ev.workspace_id = ${heavy} and ev.occurred_at >= now() - make_interval(days => ${days}) and ev.occurred_at < now()`);
    return performance.now() - start;
  };
  const baseline: Array<[string, { p50: number; p95: number }]> = [
    [targets[0]!, await measure('', Math.ceil(RUNS / 3), raw(30))],
    [targets[1]!, await measure('', Math.ceil(RUNS / 6), raw(365))],
  ];
  console.log('baseline', baseline);
  const plan = await sqlc.unsafe(`explain (analyze, costs off) select sum(n) from event_rollups where workspace_id = '${heavy}' and hour >= now() - interval '30 days'`);
  const scan = plan.map((r) => Object.values(r)[0] as string).find((l) => /Scan/.test(l))?.trim() ?? '';

  await queue.close();
  await sqlc.end();
  await handle.close();

  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rows = withIndex.map(([t, r]) => {
    const base = baseline.find(([b]) => b === t)?.[1];
    return `| \`${t}\` | ${ms(r.p50)} | ${ms(r.p95)} | ${base ? `${ms(base.p50)} / ${ms(base.p95)}` : '—'} |`;
  });
  const stats30 = withIndex[0]![1].p95;
  writeSection(
    'stats',
    `Dashboard endpoints through the app (\`app.request\`, bearer session, zod, JSON) on Postgres with
${EVENTS.toLocaleString('en')} rows in \`email_events\` (${EMAILS.toLocaleString('en')} emails, ${WORKSPACES} workspaces; the measured
workspace holds ${inHeavy.toLocaleString('en')} events over 180 days, ${inHeavy30.toLocaleString('en')} in the last 30 days). ${RUNS} sequential requests each after 5 warm-ups;
baseline = the same figures aggregated straight from the raw events in SQL (index-only scan of \`events_ws_occurred_cover_idx\`,
no HTTP around it) — how the stats endpoint worked before the trigger-kept hourly rollups (\`event_rollups\`, \`email_engagement\`).

| request | p50 | p95 | baseline p50 / p95 |
|---|---|---|---|
${rows.join('\n')}

Goal: stats p95 < 100 ms at 1M events → **${stats30 < 100 ? 'met' : 'NOT met'}** (${ms(stats30)}).
Plan of the 30-day rollup read: \`${scan}\`. Campaign and send-time figures still aggregate raw events (joins by campaign / sent hour).
Seeding took ${seedSeconds.toFixed(0)} s (server-side \`generate_series\`, then \`VACUUM ANALYZE\` so index-only scans apply).`,
  );
}

/** Server-side generated data: emails spread over 180 days, ~10 events each (1 sent, opens, clicks, some replies/bounces). */
async function seed(sql: postgres.Sql) {
  const [user] = await sql<{ id: string }[]>`insert into users (email) values ('bench@stats.test') returning id`;
  await sql`create temp table ws_list as select g as idx, gen_random_uuid() as id from generate_series(1, ${WORKSPACES}) g`;
  await sql`insert into workspaces (id, name) select id, 'bench ' || idx from ws_list`;
  const [{ id: heavy }] = await sql<{ id: string }[]>`select id from ws_list where idx = 1`;
  await sql`insert into memberships (workspace_id, user_id, role) values (${heavy}, ${user!.id}, 'admin')`;
  const token = randomToken();
  await sql`insert into sessions (token_hash, user_id, workspace_id, expires_at) values (${sha256(token)}, ${user!.id}, ${heavy}, now() + interval '1 day')`;
  await sql`insert into campaigns (workspace_id, name, status) select ${heavy}, 'campaign ' || g, 'active' from generate_series(1, 20) g`;
  // Half of all emails belong to the heaviest workspace; a fifth of those to its campaigns.
  await sql`
    insert into emails (workspace_id, campaign_id, idempotency_key, request_hash, "to", subject, body_html, message_id, status, sent_at, thread_id)
    select w.id,
      case when w.idx = 1 and g % 5 = 0 then (select id from campaigns where workspace_id = w.id order by id offset (g % 20) limit 1) end,
      'k' || g, 'h', 'p' || g || '@prospect.test', 'subject ' || (g % 50), 'body', '<' || g || '@bench.test>', 'SENT',
      now() - random() * interval '180 days', 't' || g
    from generate_series(1, ${EMAILS}) g
    join ws_list w on w.idx = case when g % 2 = 0 then 1 else 2 + (g % ${WORKSPACES - 1}) end`;
  await sql`create temp table e_num as select row_number() over (order by id) as n, id, workspace_id, sent_at from emails`;
  await sql`
    insert into email_events (workspace_id, email_id, type, machine, reason, occurred_at)
    select e.workspace_id, e.id, t.type, t.machine, case when t.machine then 'apple_mpp' else 'human' end,
      case when t.type = 'sent' then e.sent_at else least(now(), e.sent_at + random() * interval '4 days') end
    from generate_series(1, ${EVENTS}) g
    join e_num e on e.n = 1 + ((g - 1) % ${EMAILS})
    cross join lateral (
      select case when g <= ${EMAILS} then 'sent'
        else (array['open', 'open', 'open', 'open', 'open', 'click', 'click', 'reply', 'bounce', 'auto_reply'])[1 + floor(random() * 10)::int] end as type,
        g > ${EMAILS} and random() < 0.3 as machine
    ) t`;
  await sql.unsafe('vacuum analyze email_events');
  await sql.unsafe('vacuum analyze emails');
  await sql.unsafe('vacuum analyze event_rollups');
  await sql.unsafe('vacuum analyze email_engagement');
  return { heavy, token };
}
