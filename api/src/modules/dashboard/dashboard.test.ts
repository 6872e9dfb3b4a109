import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { campaigns, emailEvents, sequenceSteps, suppressions, templates } from '../../../../db/schema';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { closeEventRecorder, recorderFor } from '../tracking/recorder';
import { openPixelUrl } from '../tracking/tokens';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { emailTimelineResponse } from '../../../../shared/contracts/events';
import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../../../db/prepared';
import { figureColumns, figuresBetween, toFigures } from './queries';
import { momentumResponse, sendTimesResponse, statsResponse, timelineResponse } from '../../../../shared/contracts/dashboard';

let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let other: Awaited<ReturnType<typeof signIn>>;
const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR);
type EventRow = typeof emailEvents.$inferInsert;

/**
 * One workspace's story: three emails sent in a campaign from a template, Tuesday 09:00
 * UTC-ish; the first opened by a person twice (after a Gmail proxy prefetch), clicked and
 * answered; the second only prefetched by Apple MPP; the third hard-bounced.
 */
let story: { a: string; b: string; c: string; campaignId: string; templateId: string };

beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'rep@dash.test');
  other = await signIn(rt.app, 'rep@other-dash.test');
  const db = rt.deps.db;
  const ws = rep.workspace.id;
  const [campaign] = await db.insert(campaigns).values({ workspaceId: ws, name: 'Spring outreach', status: 'active' }).returning();
  const [template] = await db.insert(templates).values({ workspaceId: ws, name: 'Intro v2', subject: 'Hi', bodyHtml: 'Hi' }).returning();
  const [step] = await db.insert(sequenceSteps).values({ campaignId: campaign!.id, position: 0, templateId: template!.id }).returning();
  const sent = ago(48);
  const common = { campaignId: campaign!.id, stepId: step!.id, sentAt: sent };
  const a = await seedSentEmail(db, ws, { ...common, to: 'ada@acme.test', subject: 'Intro A' });
  const b = await seedSentEmail(db, ws, { ...common, to: 'bob@acme.test', subject: 'Intro B' });
  const c = await seedSentEmail(db, ws, { ...common, to: 'cy@acme.test', subject: 'Intro C' });
  const ev = (emailId: string, type: EventRow['type'], at: Date, extra: Partial<EventRow> = {}): EventRow => ({ workspaceId: ws, emailId, type, occurredAt: at, ...extra });
  await db.insert(emailEvents).values([
    ...[a, b, c].map((e) => ev(e.id, 'sent', sent)),
    ev(a.id, 'open', new Date(sent.getTime() + 2000), { machine: true, reason: 'gmail_proxy_prefetch' }),
    ev(a.id, 'open', ago(30), { reason: 'human' }),
    ev(a.id, 'open', ago(20), { reason: 'human' }),
    ev(a.id, 'click', ago(20), { reason: 'human', linkIndex: 0, url: 'https://acme.test/x' }),
    ev(a.id, 'reply', ago(10), { dedupeKey: 'inbound:r-a' }),
    ev(b.id, 'open', new Date(sent.getTime() + 5000), { machine: true, reason: 'apple_mpp' }),
    ev(c.id, 'bounce', new Date(sent.getTime() + 60_000), { machine: true, reason: 'hard' }),
  ]);
  // Another workspace's activity must never show up in ours.
  const foreign = await seedSentEmail(db, other.workspace.id, { sentAt: ago(5) });
  await db.insert(emailEvents).values([ev(foreign.id, 'sent', ago(5)), ev(foreign.id, 'open', ago(4))].map((e) => ({ ...e, workspaceId: other.workspace.id })));
  story = { a: a.id, b: b.id, c: c.id, campaignId: campaign!.id, templateId: template!.id };
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

const get = async (path: string, who = rep) => {
  const res = await who.call(path);
  return { status: res.status, body: (await (res.headers.get('content-type')?.includes('json') ? res.json() : res.text())) as any };
};

describe('GET /api/emails/:id/events', () => {
  it('returns the timeline with raw and human figures and the first human open', async () => {
    const { status, body } = await get(`/api/emails/${story.a}/events`);
    expect(status).toBe(200);
    const parsed = emailTimelineResponse.parse(body);
    expect(parsed.data.map((e) => e.type)).toEqual(['sent', 'open', 'open', 'open', 'click', 'reply']);
    expect(parsed.figures).toMatchObject({ opens: 3, humanOpens: 2, clicks: 1, humanClicks: 1, replied: true, bounced: false });
    expect(parsed.figures.firstHumanOpenAt).toBe(parsed.data[2]!.occurredAt);
    const human = emailTimelineResponse.parse((await get(`/api/emails/${story.a}/events?humanOnly=true`)).body);
    expect(human.data.some((e) => e.machine)).toBe(false);
  });

  it('is 404 for another workspace’s email and 400 for a malformed id', async () => {
    expect((await get(`/api/emails/${story.a}/events`, other)).status).toBe(404);
    const bad = await get('/api/emails/not-a-uuid/events');
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(bad.body).error.code).toBe('VALIDATION_ERROR');
  });
});

describe('dashboard', () => {
  it('stats: raw and human figures, reply and bounce rates, scoped to the workspace', async () => {
    const { body } = await get('/api/dashboard/stats?days=7');
    const { figures } = statsResponse.parse(body);
    expect(figures).toMatchObject({ sent: 3, opens: 4, humanOpens: 2, openedEmails: 1, clicks: 1, humanClicks: 1, replies: 1, repliedEmails: 1, bounces: 1 });
    expect(figures.replyRate).toBeCloseTo(1 / 3, 3);
    expect(figures.bounceRate).toBeCloseTo(1 / 3, 3);
    expect(figures.openRate).toBeCloseTo(1 / 3, 3);
    const theirs = statsResponse.parse((await get('/api/dashboard/stats', other)).body).figures;
    expect(theirs).toMatchObject({ sent: 1, opens: 1, humanOpens: 1 });
    expect(statsResponse.parse((await get(`/api/dashboard/stats?campaignId=${story.campaignId}`)).body).figures.sent).toBe(3);
  });

  it('the trigger-kept rollups agree with an aggregate over the raw events', async () => {
    const since = new Date(Date.now() - 30 * 86_400_000);
    const until = new Date();
    for (const ws of [rep.workspace.id, other.workspace.id]) {
      const raw = await rt.deps.db.execute(sql`
        select ${figureColumns('ev')} from email_events ev
        where ev.workspace_id = ${ws} and ev.occurred_at >= ${since.toISOString()} and ev.occurred_at < ${until.toISOString()}`);
      expect(await figuresBetween(rt.deps.db, ws, since, until)).toEqual(toFigures(rowsOf<Parameters<typeof toFigures>[0]>(raw)[0]!));
    }
  });

  it('timeline: one point per day, zeros included, in the asked time zone', async () => {
    const { body } = await get('/api/dashboard/timeline?days=5&tz=Europe/Paris');
    const t = timelineResponse.parse(body);
    expect(t.days).toHaveLength(5);
    expect(t.days.reduce((s, d) => s + d.sent, 0)).toBe(3);
    expect(t.days.reduce((s, d) => s + d.humanOpens, 0)).toBe(2);
    expect((await get('/api/dashboard/timeline?days=0')).status).toBe(400);
    expect((await get('/api/dashboard/timeline?tz=Mars/Olympus')).status).toBe(400);
  });

  it('momentum: this week against last, and who to follow up with (not those who replied)', async () => {
    const extra = await seedSentEmail(rt.deps.db, rep.workspace.id, { to: 'dee@acme.test', subject: 'Intro D', sentAt: ago(40) });
    await rt.deps.db.insert(emailEvents).values([
      { workspaceId: rep.workspace.id, emailId: extra.id, type: 'open', occurredAt: ago(5), reason: 'human' },
      { workspaceId: rep.workspace.id, emailId: extra.id, type: 'open', occurredAt: ago(3), reason: 'human' },
    ]);
    const m = momentumResponse.parse((await get('/api/dashboard/momentum')).body);
    expect(m.current.sent).toBe(3);
    expect(m.previous.sent).toBe(0);
    expect(m.change.sent).toBeNull();
    expect(m.hotLeads.map((l) => l.emailId)).toEqual([extra.id]);

    // Someone on the suppression list is nobody to follow up with: the same rule as the send's.
    const [entry] = await rt.deps.db.insert(suppressions).values({ workspaceId: rep.workspace.id, email: 'dee@acme.test', reason: 'unsubscribe' }).returning();
    try {
      expect(momentumResponse.parse((await get('/api/dashboard/momentum')).body).hotLeads).toEqual([]);
    } finally {
      await rt.deps.db.delete(suppressions).where(eq(suppressions.id, entry!.id));
    }
  });

  it('campaigns and templates carry the same derived figures', async () => {
    const camp = (await get('/api/dashboard/campaigns')).body;
    expect(camp.pagination).toMatchObject({ page: 1, total: 1 });
    expect(camp.data[0]).toMatchObject({ id: story.campaignId, name: 'Spring outreach', figures: { sent: 3, humanOpens: 2, replies: 1, bounces: 1 } });
    const tpl = (await get('/api/dashboard/templates')).body;
    expect(tpl.data).toMatchObject([{ id: story.templateId, name: 'Intro v2', figures: { sent: 3, repliedEmails: 1 } }]);
  });

  it('send times: sends per hour of the week with open and reply rates', async () => {
    const t = sendTimesResponse.parse((await get('/api/dashboard/send-times?tz=UTC')).body);
    const sentAt = ago(48);
    const slot = t.slots.find((s) => s.hour === sentAt.getUTCHours() && s.weekday === (sentAt.getUTCDay() || 7));
    expect(slot).toMatchObject({ sent: 3, opened: 1, replied: 1 });
    expect(t.best).toEqual([]); // three sends are too few to call a best time
  });
});

describe('dashboard for me or for the workspace (scope)', () => {
  it("gives a rep their own sends' figures, timeline and hot leads, and the team's on request", async () => {
    await rep.call('/api/admin/invites', { method: 'POST', json: { email: 'kim@dash-team.test', role: 'member' } });
    const kim = await signIn(rt.app, 'kim@dash-team.test');
    const db = rt.deps.db;
    const ws = rep.workspace.id;
    const mine = await seedSentEmail(db, ws, { userId: kim.user.id, to: 'lou@client.test', subject: 'From Kim', sentAt: ago(3) });
    await db.insert(emailEvents).values([
      { workspaceId: ws, emailId: mine.id, type: 'sent', occurredAt: ago(3) },
      { workspaceId: ws, emailId: mine.id, type: 'open', reason: 'human', occurredAt: ago(2) },
      { workspaceId: ws, emailId: mine.id, type: 'open', reason: 'human', occurredAt: ago(1) },
    ]);
    const stats = async (who: typeof rep, q: string) => statsResponse.parse(await (await who.call(`/api/dashboard/stats?days=7${q}`)).json()).figures;
    expect(await stats(kim, '&scope=me')).toMatchObject({ sent: 1, humanOpens: 2 });
    expect((await stats(rep, '&scope=me')).sent).toBe(0); // the story's emails were sent by nobody in particular
    expect((await stats(kim, '&scope=workspace')).sent).toBe(4);
    expect((await stats(kim, '')).sent).toBe(4); // the default stays the workspace, for older callers

    const timeline = timelineResponse.parse(await (await kim.call('/api/dashboard/timeline?days=7&scope=me')).json());
    expect(timeline.days.reduce((n, d) => n + d.sent, 0)).toBe(1);
    expect(timeline.days.reduce((n, d) => n + d.humanOpens, 0)).toBe(2);

    const momentum = momentumResponse.parse(await (await kim.call('/api/dashboard/momentum?scope=me')).json());
    expect(momentum.current.sent).toBe(1);
    expect(momentum.hotLeads.map((l) => l.to)).toEqual(['lou@client.test']);
    const repMomentum = momentumResponse.parse(await (await rep.call('/api/dashboard/momentum?scope=me')).json());
    expect(repMomentum.hotLeads).toEqual([]);

    const bad = await kim.call('/api/dashboard/stats?scope=everyone');
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await bad.json()).error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/analytics/export.csv', () => {
  it('exports the workspace’s events as CSV, with filters', async () => {
    const res = await rep.call('/api/analytics/export.csv?type=open,click&machine=false');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.every((r) => (r.type === 'open' || r.type === 'click') && r.machine === 'false')).toBe(true);
    expect(rows.filter((r) => r.email_id === story.a)).toHaveLength(3);
    expect(rows.some((r) => r.to === 'ada@acme.test' && r.url === '' && r.type === 'open')).toBe(true);
    const all = parse(await (await rep.call(`/api/analytics/export.csv?emailId=${story.c}`)).text(), { columns: true }) as Array<Record<string, string>>;
    expect(all.map((r) => [r.type, r.reason])).toEqual([['sent', ''], ['bounce', 'hard']]);
    const theirs = await (await other.call(`/api/analytics/export.csv?emailId=${story.c}`)).text();
    expect(theirs.trim().split('\n')).toHaveLength(1); // the header only
    expect((await rep.call('/api/analytics/export.csv?type=nope')).status).toBe(400);
  });
});

describe('GET /api/analytics/export.csv opened in a spreadsheet', () => {
  it('turns cells that would run as formulas (subject, user agent) into plain text', async () => {
    const mallory = await signIn(rt.app, 'rep@csv-injection.test');
    const ws = mallory.workspace.id;
    const email = await seedSentEmail(rt.deps.db, ws, { subject: '=HYPERLINK("https://evil.test","Intro")', to: 'ada@acme.test' });
    await rt.deps.db.insert(emailEvents).values([
      { workspaceId: ws, emailId: email.id, type: 'click', occurredAt: ago(1), linkIndex: 0, url: 'https://acme.test/x', userAgent: '@SUM(1+1)*cmd|/C calc', reason: 'human' },
      { workspaceId: ws, emailId: email.id, type: 'open', occurredAt: ago(1), userAgent: 'Mozilla/5.0 (Macintosh)', reason: 'human' },
    ]);
    const rows = parse(await (await mallory.call('/api/analytics/export.csv')).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.type, r.subject, r.user_agent, r.url])).toEqual([
      ['click', `'=HYPERLINK("https://evil.test","Intro")`, "'@SUM(1+1)*cmd|/C calc", 'https://acme.test/x'],
      ['open', `'=HYPERLINK("https://evil.test","Intro")`, 'Mozilla/5.0 (Macintosh)', ''],
    ]);
  });
});

describe('end to end: a pixel hit shows up in the figures', () => {
  it('counts an open recorded through the public pixel', async () => {
    const email = await seedSentEmail(rt.deps.db, other.workspace.id, { sentAt: ago(2) });
    const before = statsResponse.parse((await get('/api/dashboard/stats', other)).body).figures;
    await rt.app.request(new URL(openPixelUrl('http://x', rt.config.trackingSecret, email.id)).pathname, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36' } });
    await recorderFor(rt.deps).flush(true);
    const after = statsResponse.parse((await get('/api/dashboard/stats', other)).body).figures;
    expect(after.opens - before.opens).toBe(1);
    expect(after.humanOpens - before.humanOpens).toBe(1);
  });
});

describe('template figures', () => {
  it('count every email made from a template: a send naming it as well as a campaign step built on it', async () => {
    const db = rt.deps.db;
    const ws = rep.workspace.id;
    const [solo] = await db.insert(templates).values({ workspaceId: ws, name: 'Solo follow-up', subject: 'Hi', bodyHtml: 'Hi' }).returning();
    const direct = await seedSentEmail(db, ws, { templateId: solo!.id, to: 'dee@acme.test', sentAt: ago(3) });
    // A campaign step's email that also names the step's template: counted once.
    const [step] = await db.select().from(sequenceSteps).where(sql`${sequenceSteps.templateId} = ${story.templateId}`);
    const both = await seedSentEmail(db, ws, { templateId: story.templateId, campaignId: story.campaignId, stepId: step!.id, to: 'eli@acme.test', sentAt: ago(3) });
    await db.insert(emailEvents).values([
      { workspaceId: ws, emailId: direct.id, type: 'sent', occurredAt: ago(3) },
      { workspaceId: ws, emailId: direct.id, type: 'reply', occurredAt: ago(2), dedupeKey: 'inbound:r-dee' },
      { workspaceId: ws, emailId: both.id, type: 'sent', occurredAt: ago(3) },
    ]);
    const tpl = (await get('/api/dashboard/templates')).body;
    expect(tpl.data).toMatchObject([
      { id: story.templateId, name: 'Intro v2', figures: { sent: 4, repliedEmails: 1 } },
      { id: solo!.id, name: 'Solo follow-up', figures: { sent: 1, repliedEmails: 1 } },
    ]);
  });
});
