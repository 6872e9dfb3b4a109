import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { campaigns, mailboxes, suppressions } from '../../db/schema';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { OPERATOR_EMAILS: 'owner@console-d.test' } });
});
afterAll(() => rt?.close());

const ORIGIN = 'http://localhost';

/** Signs in through the console's own form, as a browser would, and returns a cookie-carrying fetch. */
async function consoleSignIn(email: string) {
  const res = await rt.app.request('/console/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    body: new URLSearchParams({ email, name: '' }).toString(),
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/lumina_console=[^;]+;.*HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  const cookie = setCookie.split(';')[0]!;
  const get = (path: string) => rt.app.request(path, { headers: { cookie } });
  const post = (path: string, form: Record<string, string> = {}) =>
    rt.app.request(path, { method: 'POST', headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { cookie, get, post };
}

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

  it('refuses a member and a forged cookie', async () => {
    await consoleSignIn('owner@console-a.test');
    const member = await consoleSignIn('rep@console-a.test');
    const res = await member.get('/console/members');
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('for workspace admins');
    expect(html).not.toContain('owner@console-a.test');
    const forged = await rt.app.request('/console', { headers: { cookie: 'lumina_console=forged' } });
    expect(forged.status).toBe(302);
  });

  it('refuses a cross-site form post', async () => {
    const admin = await consoleSignIn('owner@console-csrf.test');
    const res = await rt.app.request('/console/invites', {
      method: 'POST',
      headers: { cookie: admin.cookie, origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=mallory%40evil.test&role=admin',
    });
    expect(res.status).toBe(403);
    expect(await (await admin.get('/console/members')).text()).not.toContain('mallory@evil.test');
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

    const members = await (await admin.get('/console/members')).text();
    expect(members).toContain('rep@console-b.test');
    expect(members).not.toContain('owner@console-other.test');

    const boxes = await (await admin.get('/console/mailboxes')).text();
    expect(boxes).toContain('owner@console-b.test');
    expect(boxes).toContain('09:00–17:00 Europe/Paris');
    expect(boxes).toContain('0 / 120');
    expect(boxes).not.toContain('hidden-box');

    const supp = await (await admin.get('/console/suppressions')).text();
    expect(supp).toContain('gone@client.test');
    expect(supp).toContain('unsubscribed');
    expect(supp).not.toContain('hidden-supp');

    const camps = await (await admin.get('/console/campaigns')).text();
    expect(camps).toContain('Spring outreach');
    expect(camps).not.toContain('Hidden campaign');
  });

  it('changes a role from the members page and records it in the audit log', async () => {
    const admin = await consoleSignIn('owner@console-c.test');
    const rep = await signIn(rt.app, 'rep@console-c.test');
    const changed = await admin.post(`/console/members/${rep.user.id}/role`, { role: 'viewer' });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/console/members');
    const audit = await (await admin.get('/console/audit')).text();
    expect(audit).toContain('member.role_changed');
    expect(audit).toContain('rep@console-c.test');

    const self = await signIn(rt.app, 'owner@console-c.test');
    const refused = await admin.post(`/console/members/${self.user.id}/role`, { role: 'member' });
    expect(refused.headers.get('location')).toMatch(/^\/console\/members\?error=/);
    const page = await (await admin.get(refused.headers.get('location')!)).text();
    expect(page).toContain('at least one admin');
    const crafted = await (await admin.get('/console/members?error=Your%20account%20is%20locked%3A%20call%20%2B1-555-0100')).text();
    expect(crafted).not.toContain('account is locked');
  });

  it('draws queue health as a server-rendered SVG chart', async () => {
    const admin = await consoleSignIn('owner@console-d.test');
    await rt.deps.queue.enqueue('console-chart', 'noop', {}, { delayMs: 60_000 });
    await rt.deps.queue.enqueue('console-chart', 'noop', {}, { delayMs: 60_000 });
    const html = await (await admin.get('/console/queues')).text();
    expect(html).toContain('<svg');
    expect(html).toMatch(/<rect[^>]*data-series="delayed" data-value="2"/);
    expect(html).toContain('console-chart');
    expect(html).not.toContain('<script');
  });
});
