import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { eq } from 'drizzle-orm';
import { campaigns, emails, mailboxes, suppressions } from '../../db/schema';
import { giveMailbox } from '../test/test-mailbox';
import { failOpenSends } from '../src/modules/emails/fail-sends';
import { ORIGIN, consoleClient } from '../test/console-client';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { OPERATOR_EMAILS: 'owner@console-d.test', AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

const consoleSignIn = (email: string) => consoleClient(rt, email);

describe('console access', () => {
  it('sends an anonymous visitor to the sign-in page', async () => {
    for (const path of ['/console', '/console/members', '/console/queues']) {
      const res = await rt.app.request(path);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/console/login');
    }
    const login = await rt.app.request('/console/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('<form method="post" action="/console/login">');
  });

  it('lets a member in but keeps admin pages from them, and refuses a forged cookie', async () => {
    await consoleSignIn('owner@console-a.test');
    const member = await consoleSignIn('rep@console-a.test');
    expect((await member.get('/console')).status).toBe(200);
    const res = await member.get('/console/members');
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('for workspace admins');
    expect(html).not.toContain('owner@console-a.test');
    const forged = await rt.app.request('/console', { headers: { cookie: 'lumina_console=forged' } });
    expect(forged.headers.get('location')).toBe('/console/login');
    expect(forged.status).toBe(302);
  });

  it('refuses a cross-site form post', async () => {
    const admin = await consoleSignIn('owner@console-csrf.test');
    const res = await rt.app.request('/console/invites', {
      method: 'POST',
      headers: { cookie: admin.cookie(), origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=mallory%40evil.test&role=admin&_csrf=${admin.csrf()}`,
    });
    expect(res.status).toBe(403);
    expect(await (await admin.get('/console/members')).text()).not.toContain('mallory@evil.test');
  });

  it('refuses a same-site post without the session CSRF token, or with another session\'s', async () => {
    const admin = await consoleSignIn('owner@console-token.test');
    const other = await consoleSignIn('owner@console-token2.test');
    const missing = await admin.post('/console/invites', { email: 'nope@x.test', role: 'member' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('This form had expired');
    const wrong = await admin.post('/console/invites', { email: 'nope@x.test', role: 'member' }, { csrf: other.csrf() });
    expect(wrong.status).toBe(403);
    expect(await (await admin.get('/console/members')).text()).not.toContain('nope@x.test');
    const ok = await admin.submit('/console/invites', { email: 'yes@x.test', role: 'member' });
    expect(ok).toContain('Invite sent to yes@x.test');
  });

  it("refuses a viewer's writes on the server", async () => {
    const admin = await consoleSignIn('owner@console-viewer.test');
    const viewer = await signIn(rt.app, 'watcher@console-viewer.test');
    await admin.submit(`/console/members/${viewer.user.id}/role`, { role: 'viewer' });
    const v = await consoleSignIn('watcher@console-viewer.test');
    expect((await v.get('/console/suppressions')).status).toBe(200);
    const res = await v.post('/console/suppressions', { email: 'blocked@client.test' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Viewers can read');
    expect(await (await admin.get('/console/suppressions')).text()).not.toContain('blocked@client.test');
  });

  it('takes a session token handed over by the Google sign-in page', async () => {
    const google = await rt.app.request('/console/google');
    expect(google.status).toBe(302);
    expect(google.headers.get('location')).toBe(`/api/auth/google/start?redirect=${encodeURIComponent('http://lumina.test/console/google-done')}`);
    const done = await rt.app.request('/console/google-done');
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(await done.text()).toContain('<form id="handoff" method="post" action="/console/token">');

    const session = await signIn(rt.app, 'owner@console-google.test');
    const post = (token: string) =>
      rt.app.request('/console/token', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    const bad = await post('x'.repeat(43));
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('sign in again');
    const good = await post(session.token);
    expect(good.status).toBe(303);
    const cookie = good.headers.get('set-cookie')!.split(';')[0]!;
    const home = await rt.app.request('/console', { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('owner@console-google.test');
  });

  it('signs out: the cookie stops working', async () => {
    const admin = await consoleSignIn('owner@console-out.test');
    const out = await admin.post('/console/logout');
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/lumina_console=;/);
    expect((await admin.get('/console')).status).toBe(302);
  });
});

describe('console pages for an admin', () => {
  it("show the workspace's data and nobody else's", async () => {
    const admin = await consoleSignIn('owner@console-b.test');
    await consoleSignIn('rep@console-b.test');
    const outsider = await signIn(rt.app, 'owner@console-other.test');
    const db = rt.deps.db;
    const mine = (await signIn(rt.app, 'owner@console-b.test')).workspace.id;
    await db.insert(mailboxes).values([
      { workspaceId: mine, provider: 'sandbox', email: 'owner@console-b.test', dailyCap: 120, sendWindow: { tz: 'Europe/Paris', days: [1, 2, 3], start: '09:00', end: '17:00' } },
      { workspaceId: outsider.workspace.id, provider: 'sandbox', email: 'hidden-box@console-other.test' },
    ]);
    await db.insert(suppressions).values([
      { workspaceId: mine, email: 'gone@client.test', reason: 'unsubscribe' },
      { workspaceId: outsider.workspace.id, email: 'hidden-supp@client.test', reason: 'manual' },
    ]);
    await db.insert(campaigns).values([
      { workspaceId: mine, name: 'Spring outreach', status: 'active' },
      { workspaceId: outsider.workspace.id, name: 'Hidden campaign' },
    ]);

    const overview = await (await admin.get('/console')).text();
    expect(overview).toContain('console-b.test');
    expect(overview).toMatch(/<b>2<\/b>members/);
    expect(overview).toContain('The last 7 days');

    const members = await (await admin.get('/console/members')).text();
    expect(members).toContain('rep@console-b.test');
    expect(members).not.toContain('owner@console-other.test');

    const boxes = await (await admin.get('/console/mailboxes')).text();
    expect(boxes).toContain('owner@console-b.test');
    expect(boxes).toContain('09:00–17:00 Europe/Paris, Mon, Tue, Wed');
    expect(boxes).toContain('0 sent of 120');
    expect(boxes).not.toContain('hidden-box');

    const supp = await (await admin.get('/console/suppressions')).text();
    expect(supp).toContain('gone@client.test');
    expect(supp).toContain('Unsubscribed');
    expect(supp).not.toContain('hidden-supp');

    const camps = await (await admin.get('/console/campaigns')).text();
    expect(camps).toContain('Spring outreach');
    expect(camps).not.toContain('Hidden campaign');
  });

  it('changes a role from the members page and records it in the audit log', async () => {
    const admin = await consoleSignIn('owner@console-c.test');
    const rep = await signIn(rt.app, 'rep@console-c.test');
    const changed = await admin.submit(`/console/members/${rep.user.id}/role`, { role: 'viewer' });
    expect(changed).toContain('rep@console-c.test is now Viewer (read only).');
    const audit = await (await admin.get('/console/audit')).text();
    expect(audit).toContain('changed the role of');
    expect(audit).toContain('Member → Viewer (read only)');
    expect(audit).not.toContain('member.role_changed"}');
    expect(audit).toContain('rep@console-c.test');

    const self = await signIn(rt.app, 'owner@console-c.test');
    const page = await admin.submit(`/console/members/${self.user.id}/role`, { role: 'member' });
    expect(page).toContain('at least one admin');
    // The flash shows once.
    expect(await (await admin.get('/console/members')).text()).not.toContain('at least one admin');
    // A crafted ?error= shows only known codes, never its own words.
    const crafted = await (await admin.get('/console/members?error=Your+account+is+locked')).text();
    expect(crafted).not.toContain('Your account is locked');
  });

  it('lists the built-in template library apart from the team’s own', async () => {
    const admin = await consoleSignIn('lib-admin@console-lib.test');
    const html = await (await admin.get('/console/templates')).text();
    expect(html).toContain('<h2>Built-in library</h2>');
    expect(html).toContain('Cold intro — short and direct');
    expect(html.indexOf('Cold intro')).toBeGreaterThan(html.indexOf('<h2>Built-in library</h2>'));
  });

  it('draws queue health as a server-rendered SVG chart', async () => {
    const admin = await consoleSignIn('owner@console-d.test');
    await rt.deps.queue.enqueue('console-chart', 'noop', {}, { delayMs: 60_000 });
    await rt.deps.queue.enqueue('console-chart', 'noop', {}, { delayMs: 60_000 });
    const html = await (await admin.get('/console/queues')).text();
    expect(html).toContain('<svg');
    expect(html).toMatch(/<rect[^>]*data-series="delayed" data-value="2"/);
    expect(html).toContain('console-chart');
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('jobs'); // the y axis says what it counts
    expect(svg).not.toContain('<script');
  });
});

describe('console actions', () => {
  it('retries a failed send exactly once however often the button is pressed', async () => {
    const admin = await consoleSignIn('owner@console-retry.test');
    const who = await signIn(rt.app, 'owner@console-retry.test');
    await giveMailbox(rt, who, 'owner@console-retry.test');
    const sent = await rt.app.request('/api/emails/send', {
      method: 'POST',
      headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json', 'idempotency-key': 'console-retry-0001' },
      body: JSON.stringify({ to: 'busy@client.test', subject: 'Hi', bodyHtml: '<p>Hi</p>', scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }),
    });
    const { id } = (await sent.json()) as { id: string };
    await failOpenSends(rt.deps.db, eq(emails.id, id), 'Gmail kept rate-limiting after 5 tries: 429');
    expect(await (await admin.get('/console')).text()).toContain('failed send needs attention');

    const first = await admin.submit(`/console/failed/${id}/retry`);
    expect(first).toContain('Retry queued');
    const second = await admin.submit(`/console/failed/${id}/retry`);
    expect(second).toContain('already retried once');
    const rows = await rt.deps.db.select().from(emails).where(eq(emails.to, 'busy@client.test'));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id !== id)!.idempotencyKey).toBe(`retry-of:${id}`);
    expect(await (await admin.get('/console')).text()).not.toContain('failed send needs attention');
    const audit = await (await admin.get('/console/audit')).text();
    expect(audit.match(/data-audit="email.retried"/g)).toHaveLength(1);
  });

  it('saves a mailbox cap through the mailbox service, audits before → after, and keeps a wrong form as typed', async () => {
    const admin = await consoleSignIn('owner@console-cap.test');
    const who = await signIn(rt.app, 'owner@console-cap.test');
    const box = await giveMailbox(rt, who, 'owner@console-cap.test', { dailyCap: 100 });
    const form = { dailyCap: '250', 'sendWindow.on': 'yes', 'sendWindow.tz': 'Nowhere/Land', 'sendWindow.start': '09:00', 'sendWindow.end': '17:00', 'sendWindow.days': '1' };
    const bad = await admin.post(`/console/mailboxes/${box.id}`, form);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('value="Nowhere/Land"');
    expect(html).toContain('an IANA time zone');
    const saved = await admin.submit(`/console/mailboxes/${box.id}`, { ...form, 'sendWindow.tz': 'Europe/Paris' });
    expect(saved).toContain('Saved owner@console-cap.test: cap 250 today');
    expect(saved).toContain('09:00–17:00 Europe/Paris, Mon');
    const api = await rt.app.request('/api/mailboxes', { headers: { authorization: `Bearer ${who.token}` } });
    expect(((await api.json()) as { data: Array<{ dailyCap: number }> }).data[0]!.dailyCap).toBe(250);
    const audit = await (await admin.get('/console/audit')).text();
    expect(audit).toContain('daily cap: 100 → 250');
    expect(audit).toContain('send window: any time → 09:00–17:00 Europe/Paris, Mon');
  });

  it('asks before removing a member, then removes them', async () => {
    const admin = await consoleSignIn('owner@console-remove.test');
    const rep = await signIn(rt.app, 'rep@console-remove.test');
    const members = await (await admin.get('/console/members')).text();
    expect(members).toContain(`href="/console/members/${rep.user.id}/remove"`);
    expect(members).not.toContain(`action="/console/members/${rep.user.id}/remove"`); // the list links to a question, it does not remove
    const ask = await (await admin.get(`/console/members/${rep.user.id}/remove`)).text();
    expect(ask).toContain('Remove rep@console-remove.test from the workspace?');
    const done = await admin.submit(`/console/members/${rep.user.id}/remove`, { confirm: 'yes' });
    expect(done).toContain('Member removed.');
    expect(done).not.toContain('data-member="rep@console-remove.test"');
  });

  it('lets a member add a suppression but not lift one', async () => {
    const admin = await consoleSignIn('owner@console-lift.test');
    const member = await consoleSignIn('rep@console-lift.test');
    expect(await member.submit('/console/suppressions', { email: 'stop@client.test' })).toContain('stop@client.test is suppressed');
    const [row] = await rt.deps.db.select().from(suppressions).where(eq(suppressions.email, 'stop@client.test'));
    expect(await (await member.get('/console/suppressions')).text()).not.toContain(`/console/suppressions/${row!.id}/lift`);
    const refused = await member.post(`/console/suppressions/${row!.id}/lift`, { confirm: 'yes' });
    expect(refused.status).toBe(403);
    expect(await (await admin.get('/console/suppressions')).text()).toContain('stop@client.test');
  });

  it('puts a mailbox that needs reconnecting first, with how to reconnect', async () => {
    const admin = await consoleSignIn('owner@console-reauth.test');
    const who = await signIn(rt.app, 'owner@console-reauth.test');
    await giveMailbox(rt, who, 'owner@console-reauth.test', { status: 'needs_reauth' });
    const html = await (await admin.get('/console/mailboxes')).text();
    expect(html).toMatch(/role="alert"><strong>Needs reconnecting\.<\/strong>/);
    expect(html).toContain('Connect Gmail');
  });

  it('imports suppressions from a CSV and tells what it did', async () => {
    const admin = await consoleSignIn('owner@console-import.test');
    await admin.get('/console/suppressions');
    const body = new FormData();
    body.set('file', new File(['email,name\na@client.test,A\nB@client.test,B\nnot-an-address,C\na@client.test,A again\n'], 'list.csv', { type: 'text/csv' }));
    const res = await admin.upload('/console/suppressions/import', body);
    expect(res.status).toBe(303);
    const page = await (await admin.get('/console/suppressions')).text();
    expect(page).toContain('Imported 2 new suppression(s); 1 already on the list; 1 not an address (not-an-address).');
    expect(page).toContain('b@client.test');
  });
});
