import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../harness';
import { campaignLeads, emails, mailboxes, memberships, prospects, templates } from '../../../db/schema';
import { giveMailbox } from '../test-mailbox';

/**
 * Tenancy and roles, generated from the route table: every mounted /api route and console
 * page × {signed out, another workspace's admin, another workspace's member, a viewer, a
 * member on what another member owns}, with the status each must get. A 2xx that returns
 * what it must not (workspace A's ids or names) fails, and afterwards A is as it was.
 */
let rt: TestRuntime;
type Who = Awaited<ReturnType<typeof signIn>>;
let ada: Who, mo: Who, max: Who, vic: Who, bea: Who, ben: Who;
const A: Record<string, string> = {};
const SECRET = 'Mo-secret-7f3a';

beforeAll(async () => {
  rt = await createTestRuntime();
  ada = await signIn(rt.app, 'ada@mx-a.test', 'Ada');
  await ada.call('/api/admin/invites', { method: 'POST', json: { email: 'vic@mx-a.test', role: 'viewer' } });
  mo = await signIn(rt.app, 'mo@mx-a.test', 'Mo');
  max = await signIn(rt.app, 'max@mx-a.test', 'Max');
  vic = await signIn(rt.app, 'vic@mx-a.test', 'Vic');
  bea = await signIn(rt.app, 'bea@mx-b.test', 'Bea');
  ben = await signIn(rt.app, 'ben@mx-b.test', 'Ben');
  expect(vic.workspace.role).toBe('viewer');
  const box = await giveMailbox(rt, mo, 'mo@mx-a.test');
  await giveMailbox(rt, ada, 'ada@mx-a.test');
  const json = async (res: Response) => (await res.json()) as { id: string };
  A.mailbox = box.id;
  A.template = (await json(await mo.call('/api/templates', { method: 'POST', json: { name: `${SECRET} template`, subject: 'S', bodyHtml: '<p>x</p>' } }))).id;
  A.prospect = (await json(await mo.call('/api/prospects', { method: 'POST', json: { email: 'lead@mx-client.test', firstName: SECRET } }))).id;
  A.campaign = (await json(await mo.call('/api/campaigns', { method: 'POST', json: { name: `${SECRET} campaign`, steps: [{ subject: 'Hi', bodyHtml: '<p>x</p>' }] } }))).id;
  await mo.call(`/api/campaigns/${A.campaign}/leads`, { method: 'POST', json: { prospectIds: [A.prospect] } });
  A.lead = (await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, A.campaign)))[0]!.id;
  A.email = (await json(await mo.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': 'matrix-0001' }, json: { to: 'lead@mx-client.test', subject: SECRET, bodyHtml: '<p>x</p>', scheduledAt: new Date(Date.now() + 864e5).toISOString() } }))).id;
  A.draft = crypto.randomUUID();
  await mo.call(`/api/drafts/${A.draft}`, { method: 'PUT', json: { version: 1, to: [], subject: SECRET, bodyHtml: '<p>x</p>' } });
  A.suppression = (await json(await ada.call('/api/suppressions', { method: 'POST', json: { email: 'gone@mx-client.test' } }))).id;
  A.webhook = (await json(await ada.call('/api/webhooks', { method: 'POST', json: { url: 'https://hooks.mx-a.test/x', events: ['email.sent'] } }))).id;
  A.invite = (await json(await ada.call('/api/admin/invites', { method: 'POST', json: { email: 'later@mx-a.test', role: 'member' } }))).id;
  A.user = mo.user.id;
  for (const [k, v] of Object.entries(A)) expect(v, k).toBeTruthy();
});
afterAll(() => rt?.close());

const RESOURCE: Array<[RegExp, string]> = [
  [/^\/api\/templates\//, 'template'], [/^\/api\/campaigns\//, 'campaign'], [/^\/api\/prospects\//, 'prospect'], [/^\/api\/emails\//, 'email'],
  [/^\/api\/drafts\//, 'draft'], [/^\/api\/suppressions\//, 'suppression'], [/^\/api\/webhooks\//, 'webhook'], [/^\/api\/admin\/invites\//, 'invite'],
  [/^\/api\/mailboxes\//, 'mailbox'], [/^\/api\/admin\/members\//, 'user'],
];
const BODIES: Record<string, unknown> = {
  'PATCH /api/templates/:id': { name: 'pwned' }, 'POST /api/templates/:id/render': {}, 'PATCH /api/campaigns/:id': { name: 'pwned' },
  'POST /api/campaigns/:id/leads': { prospectIds: [] }, 'PATCH /api/prospects/:id': { firstName: 'pwned' }, 'PUT /api/drafts/:id': { version: 99, to: [], subject: 'pwned', bodyHtml: '<p>x</p>' },
  'PATCH /api/webhooks/:id': { active: false }, 'PATCH /api/mailboxes/:id': { dailyCap: 1 }, 'PATCH /api/admin/members/:userId': { role: 'admin' },
};
/** Member-only writes that touch what a member owns: another member gets 403 (or 404/409 for private drafts). */
const OWNED_WRITE = /^\/api\/(templates|campaigns|emails|drafts)\/:id|^\/api\/prospects\/:id$/;
const ADMIN_ONLY = /^\/api\/(admin|webhooks)\b|^\/api\/mailboxes\/:id$|^\/api\/suppressions\/:id$|^\/api\/replies\/settings$/;
// Sign-in doors and the public capabilities answer without a session by design.
const SKIP = /^\/api\/auth\/(sandbox-login|google|logout|password\/)|^\/api\/sandbox\/|^\/api\/capabilities$/;

function routes() {
  const seen = new Set<string>();
  return rt.app.routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (r.method === 'ALL' || r.path.includes('*') || seen.has(key)) return false;
    seen.add(key);
    return r.path.startsWith('/api/') && !SKIP.test(r.path);
  });
}

function fill(path: string) {
  const kind = RESOURCE.find(([re]) => re.test(path))?.[1];
  return path.replace(/:leadId/, A.lead!).replace(/:userId/, A.user!).replace(/:id/, kind ? A[kind]! : crypto.randomUUID());
}

async function hit(who: Who | null, method: string, path: string) {
  const init: RequestInit & { json?: unknown } = { method, headers: { 'idempotency-key': `mx-${crypto.randomUUID()}` } };
  if (method !== 'GET') init.json = BODIES[`${method} ${path}`] ?? {};
  const url = fill(path);
  if (!who) return rt.app.request(url, { method });
  return who.call(url, init);
}

const leaksA = (text: string) => [SECRET, ...Object.values(A).filter((v) => v !== A.user)].some((s) => text.includes(s));

describe('tenancy and roles matrix (from the route table)', () => {
  it('signed out: 401 everywhere under /api', async () => {
    for (const r of routes()) expect((await hit(null, r.method, r.path)).status, `${r.method} ${r.path}`).toBe(401);
  });

  it("another workspace's admin and member: never a 2xx on A's rows, and no list or export shows A", async () => {
    let cells = 0;
    for (const who of [bea, ben]) {
      for (const r of routes()) {
        const res = await hit(who, r.method, r.path);
        const text = await res.text();
        const cell = `${who === bea ? "admin B" : "member B"} ${r.method} ${r.path} → ${res.status} ${text.slice(0, 160)}`;
        expect(res.status, cell).toBeLessThan(500);
        // Draft ids are the client's: the same id in B is B's own draft, never A's.
        if (r.path === '/api/drafts/:id') expect(text.includes(SECRET), cell).toBe(false);
        else if (r.path.includes(':')) expect([400, 403, 404, 409, 422], cell).toContain(res.status);
        else if (res.status < 300) expect(leaksA(text), cell).toBe(false);
        cells++;
      }
    }
    expect(cells).toBeGreaterThan(80);
  });

  it('a viewer: every write 403', async () => {
    for (const r of routes().filter((x) => x.method !== 'GET')) {
      const res = await hit(vic, r.method, r.path);
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it("a member on another member's things: 403 (404/409 for private drafts); admin-only routes 403; shared prospects editable", async () => {
    for (const r of routes().filter((x) => x.method !== 'GET')) {
      const key = `${r.method} ${r.path}`;
      if (key === 'PATCH /api/prospects/:id') {
        expect((await hit(max, r.method, r.path)).status, key).toBe(200);
        continue;
      }
      if (key === 'POST /api/templates/:id/render') continue; // reading, not changing
      // A member's own copy, or their own favourite mark, of a shared template: their row, not a change to it.
      if (/^(POST \/api\/templates\/:id\/copy|(PUT|DELETE) \/api\/templates\/:id\/favourite)$/.test(key)) {
        expect([200, 201, 204], key).toContain((await hit(max, r.method, r.path)).status);
        continue;
      }
      const expected = ADMIN_ONLY.test(r.path) ? [403] : OWNED_WRITE.test(r.path) ? [403, 404, 409] : undefined;
      if (!expected) continue;
      const res = await hit(max, r.method, r.path);
      expect(expected, `${key} → ${res.status} ${(await res.text()).slice(0, 160)}`).toContain(res.status);
    }
  });

  it('console pages: signed out → sign-in; member and viewer → their pages, 403 on admin pages; another admin sees none of A', async () => {
    const pages = rt.app.routes.filter((r) => r.method === 'GET' && r.path.startsWith('/console') && !/login|google|password|\*/.test(r.path)).map((r) => r.path.replace(/\/$/, '') || '/console');
    const cookie = async (who: Who) => {
      const res = await rt.app.request('/console/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://lumina.test' }, body: `token=${who.token}` });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    const as = { max: await cookie(max), vic: await cookie(vic), bea: await cookie(bea) };
    // Members and viewers work in the console (their prospects, templates, suppressions…); steering the workspace is for admins.
    const ADMIN_PAGES = /^\/console\/(mailboxes|audit|members|invites|queues)(\/|$)/;
    const withIds = (p: string) => p.replace(/:[A-Za-z]+/g, (name) => (name === ':id' || name === ':prospectId' ? A.prospect! : A.template!));
    for (const p of [...new Set(pages)]) {
      const url = withIds(p);
      expect((await rt.app.request(url)).status, p).toBe(302);
      for (const c of [as.max, as.vic]) {
        const status = (await rt.app.request(url, { headers: { cookie: c } })).status;
        if (ADMIN_PAGES.test(p)) expect(status, p).toBe(403);
        else expect(status, p).toBeLessThan(500);
      }
      const other = await rt.app.request(url, { headers: { cookie: as.bea } });
      expect(other.status, p).toBeLessThan(500);
      // A page may echo the id the caller typed into its URL (a confirmation's form action); nothing else of A may show.
      const shown = (await other.text()).replaceAll(url, '');
      expect(leaksA(shown), p).toBe(false);
    }
  });

  it('and afterwards workspace A is as it was', async () => {
    const db = rt.deps.db;
    expect((await db.select().from(templates).where(eq(templates.id, A.template!)))[0]!.name).toBe(`${SECRET} template`);
    expect((await db.select().from(emails).where(eq(emails.id, A.email!)))[0]!.status).toBe('PENDING_SEND');
    expect(await db.select().from(prospects).where(eq(prospects.id, A.prospect!))).toHaveLength(1);
    const moDrafts = (await (await mo.call('/api/drafts')).json()) as { data: Array<{ id: string; subject: string }> };
    expect(moDrafts.data.find((d) => d.id === A.draft)?.subject).toBe(SECRET);
    expect((await db.select().from(mailboxes).where(eq(mailboxes.id, A.mailbox!)))[0]).toMatchObject({ status: 'active', dailyCap: 200 });
    expect((await db.select().from(memberships).where(and(eq(memberships.workspaceId, ada.workspace.id), eq(memberships.userId, mo.user.id))))[0]!.role).toBe('member');
    expect((await (await mo.call(`/api/campaigns/${A.campaign}`)).json()) as { status: string; name: string }).toMatchObject({ status: 'draft', name: `${SECRET} campaign` });
  });
});
