import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { errorEnvelopeSchema } from '../../shared/errors';

/**
 * Cross-cutting checks over every mounted route: bad input gets the error envelope and
 * never a 500, the API needs a session, and one workspace never sees another's rows.
 */
let rt: TestRuntime;
let alice: Awaited<ReturnType<typeof signIn>>;
let mallory: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  rt = await createTestRuntime();
  alice = await signIn(rt.app, 'alice@acme-contract.test', 'Alice');
  mallory = await signIn(rt.app, 'mallory@evil-contract.test', 'Mallory');
});
afterAll(() => rt?.close());

const PUBLIC = [/^\/api\/auth\/(sandbox-login|google\/(start|callback)|password\/(sign-in|sign-up|reset-request|reset))$/, /^\/api\/capabilities$/];
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function apiRoutes() {
  const seen = new Set<string>();
  return rt.app.routes
    .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !r.path.includes('*'))
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

const fill = (path: string, value: string) => path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, value);

async function expectClientError(res: Response, context: string) {
  // 503 is allowed only for the documented "AI not configured" answer.
  const text = await res.text();
  if (res.status === 503) {
    expect(JSON.parse(text).error.code, context).toBe('AI_NOT_CONFIGURED');
    return;
  }
  expect(res.status, `${context} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) expect(errorEnvelopeSchema.safeParse(JSON.parse(text)).success, `${context} envelope`).toBe(true);
}

describe('every /api route', () => {
  it('has been mounted (sanity: the walk below covers the real app)', () => {
    expect(apiRoutes().length).toBeGreaterThan(20);
  });

  it('answers 401 without a session (except sign-in)', async () => {
    for (const r of apiRoutes()) {
      const path = fill(r.path, crypto.randomUUID());
      if (PUBLIC.some((re) => re.test(path))) continue;
      const res = await rt.app.request(path, { method: r.method });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('never answers 500 to malformed, mistyped, empty or unknown-field bodies', async () => {
    const bodies = ['{"broken": ', '[]', '"a string"', '{}', JSON.stringify({ unexpected: true, to: 5, email: 7, version: 'x', subject: null, name: ['x'] })];
    // Signing out is the one write that would end the walk early; app.test.ts covers it.
    for (const r of apiRoutes().filter((x) => WRITE.has(x.method) && x.path !== '/api/auth/logout')) {
      for (const id of [crypto.randomUUID(), 'not-an-id']) {
        for (const body of bodies) {
          const res = await alice.call(fill(r.path, id), { method: r.method, body, headers: { 'content-type': 'application/json', 'idempotency-key': `k-${Math.random()}` } });
          await expectClientError(res, `${r.method} ${r.path} ${body}`);
        }
      }
    }
  });

  it('never answers 500 to unknown or malformed ids and odd query strings', async () => {
    for (const r of apiRoutes().filter((x) => x.method === 'GET')) {
      for (const id of [crypto.randomUUID(), 'not-an-id', '%00', '9'.repeat(40)]) {
        const res = await alice.call(`${fill(r.path, id)}?page=-1&limit=abc&days=x&updatedSince=yesterday&email=nope`);
        await expectClientError(res, `GET ${r.path} id=${id}`);
      }
    }
  });
});

describe('tenancy', () => {
  it("answers 404 for another workspace's prospect, template, draft and campaign", async () => {
    const prospect = await alice.call('/api/prospects', { method: 'POST', json: { email: 'lead@client.test', firstName: 'Lee' } });
    expect(prospect.status).toBe(201);
    const template = await alice.call('/api/templates', { method: 'POST', json: { name: 'Intro', subject: 'Hi {{firstName}}', bodyHtml: '<p>Hello</p>' } });
    expect(template.status).toBe(201);
    const draftId = crypto.randomUUID();
    const draft = await alice.call(`/api/drafts/${draftId}`, { method: 'PUT', json: { version: 1, to: ['lead@client.test'], subject: 'Hi', bodyHtml: '<p>x</p>' } });
    expect(draft.status).toBeLessThan(300);
    const campaign = await alice.call('/api/campaigns', { method: 'POST', json: { name: 'Q4', steps: [{ position: 1, delayDays: 0, subject: 'Hi', bodyHtml: '<p>x</p>' }] } });
    expect(campaign.status).toBe(201);
    const ids = {
      prospects: ((await prospect.json()) as { id: string }).id,
      templates: ((await template.json()) as { id: string }).id,
      campaigns: ((await campaign.json()) as { id: string }).id,
    };
    for (const [resource, id] of Object.entries(ids)) {
      expect((await mallory.call(`/api/${resource}/${id}`)).status, `GET ${resource}`).toBe(404);
      expect((await mallory.call(`/api/${resource}/${id}`, { method: 'DELETE' })).status, `DELETE ${resource}`).toBe(404);
      expect((await alice.call(`/api/${resource}/${id}`)).status, `owner GET ${resource}`).toBe(200);
    }
    const mine = (await (await mallory.call('/api/drafts')).json()) as { data: Array<{ id: string }> };
    expect(mine.data.map((d) => d.id)).not.toContain(draftId);
    const list = (await (await mallory.call('/api/prospects')).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    const lookup = await mallory.call('/api/prospects/lookup?email=lead@client.test');
    expect(lookup.status).toBe(200);
    expect(((await lookup.json()) as { prospect: unknown }).prospect).toBeNull();
    const own = (await (await alice.call('/api/prospects/lookup?email=lead@client.test')).json()) as { prospect: { id: string } | null };
    expect(own.prospect?.id).toBe(ids.prospects);
  });

  it('a body naming another workspace changes nothing there', async () => {
    const res = await mallory.call('/api/prospects', { method: 'POST', json: { email: 'spy@client.test', workspaceId: alice.workspace.id } });
    expect([201, 400]).toContain(res.status);
    const alices = (await (await alice.call('/api/prospects')).json()) as { data: Array<{ email: string }> };
    expect(alices.data.map((p) => p.email)).not.toContain('spy@client.test');
  });
});
