import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { templateSchema } from '../../../../shared/contracts/templates';
import { addLeadsResponse, campaignListResponse, campaignSchema, campaignStatsSchema, leadListResponse } from '../../../../shared/contracts/campaigns';
import { suppressions } from '../../../../db/schema';

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
let rival: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@campaign-co.test', 'Ana');
  rival = await signIn(rt.app, 'rex@rival-camp.test', 'Rex');
});
afterAll(() => rt?.close());

const expectError = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe(code);
};

const twoSteps = [
  { position: 2, delayDays: 3, subject: '', bodyHtml: '<p>Following up</p>' },
  { position: 1, subject: 'Hello {{firstName|there}}', bodyHtml: '<p>First</p>' },
];

async function newCampaign(who = ana, json: object = { name: 'Q3 outreach', steps: twoSteps }) {
  const res = await who.call('/api/campaigns', { method: 'POST', json });
  expect(res.status).toBe(201);
  return campaignSchema.parse(await res.json());
}

async function newProspect(email: string, who = ana) {
  return prospectSchema.parse(await (await who.call('/api/prospects', { method: 'POST', json: { email } })).json());
}

describe('campaigns CRUD', () => {
  it('creates with ordered steps, reads, lists, updates and deletes', async () => {
    const c = await newCampaign();
    expect(c.status).toBe('draft');
    expect(c.steps.map((s) => [s.position, s.subject, s.delayDays])).toEqual([
      [0, 'Hello {{firstName|there}}', 0],
      [1, '', 3],
    ]);
    const got = campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}`)).json());
    expect(got).toEqual(c);

    const tpl = templateSchema.parse(await (await ana.call('/api/templates', { method: 'POST', json: { name: 'T', subject: 'From template', bodyHtml: 'Body' } })).json());
    const patched = campaignSchema.parse(
      await (await ana.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { name: 'Renamed', steps: [{ templateId: tpl.id }] } })).json(),
    );
    expect(patched.name).toBe('Renamed');
    expect(patched.steps).toHaveLength(1);
    expect(patched.steps[0]).toMatchObject({ templateId: tpl.id, position: 0 });

    const list = campaignListResponse.parse(await (await ana.call('/api/campaigns?status=draft')).json());
    expect(list.data.map((x) => x.id)).toContain(c.id);
    expect((await ana.call(`/api/campaigns/${c.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await ana.call(`/api/campaigns/${c.id}`), 404, 'NOT_FOUND');
  });

  it('validates the campaign and its steps', async () => {
    const bad = [
      {},
      { name: '' },
      { name: 'x', steps: [{ subject: 'no body' }] },
      { name: 'x', steps: [{ subject: '', bodyHtml: 'first step without subject' }] },
      { name: 'x', steps: [{ position: 1, subject: 'a', bodyHtml: 'b' }, { position: 1, subject: 'c', bodyHtml: 'd' }] },
      { name: 'x', steps: [{ subject: 'a', bodyHtml: 'b', delayDays: -1 }] },
      { name: 'x', workspaceId: rival.workspace.id },
    ];
    for (const json of bad) await expectError(await ana.call('/api/campaigns', { method: 'POST', json }), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/campaigns/nope'), 400, 'VALIDATION_ERROR');
  });

  it("keeps campaigns, templates and mailboxes of another workspace out of reach", async () => {
    const c = await newCampaign();
    for (const [path, method] of [[`/api/campaigns/${c.id}`, 'GET'], [`/api/campaigns/${c.id}`, 'DELETE'], [`/api/campaigns/${c.id}/launch`, 'POST'], [`/api/campaigns/${c.id}/stats`, 'GET'], [`/api/campaigns/${c.id}/leads`, 'GET']] as const) {
      await expectError(await rival.call(path, { method }), 404, 'NOT_FOUND');
    }
    const theirTemplate = templateSchema.parse(await (await rival.call('/api/templates', { method: 'POST', json: { name: 'R', subject: 's', bodyHtml: 'b' } })).json());
    await expectError(await ana.call('/api/campaigns', { method: 'POST', json: { name: 'x', steps: [{ templateId: theirTemplate.id }] } }), 404, 'NOT_FOUND');
    const list = campaignListResponse.parse(await (await rival.call('/api/campaigns')).json());
    expect(list.data.some((x) => x.id === c.id)).toBe(false);
  });
});

describe('campaign lifecycle', () => {
  it('launches, pauses and resumes, refusing the wrong transitions', async () => {
    const empty = await newCampaign(ana, { name: 'Empty' });
    await expectError(await ana.call(`/api/campaigns/${empty.id}/launch`, { method: 'POST' }), 422, 'UNPROCESSABLE');

    const c = await newCampaign();
    await expectError(await ana.call(`/api/campaigns/${c.id}/pause`, { method: 'POST' }), 409, 'CONFLICT');
    const launched = campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' })).json());
    expect(launched.status).toBe('active');
    await expectError(await ana.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' }), 409, 'CONFLICT');
    await expectError(await ana.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { steps: twoSteps } }), 409, 'CONFLICT');
    expect(campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/pause`, { method: 'POST' })).json()).status).toBe('paused');
    await expectError(await ana.call(`/api/campaigns/${c.id}/pause`, { method: 'POST' }), 409, 'CONFLICT');
    expect(campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/resume`, { method: 'POST' })).json()).status).toBe('active');
  });
});

describe('campaign leads', () => {
  it('adds each prospect once, skips suppressed ones and ignores foreign ids', async () => {
    const c = await newCampaign();
    const [p1, p2, p3] = await Promise.all(['l1@lead.test', 'l2@lead.test', 'l3@lead.test'].map((e) => newProspect(e)));
    await rt.deps.db.insert(suppressions).values({ workspaceId: ana.workspace.id, email: 'l3@lead.test', reason: 'unsubscribe' });
    const foreign = await newProspect('theirs@lead.test', rival);

    const first = addLeadsResponse.parse(
      await (await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [p1!.id, p2!.id, p3!.id, foreign.id, p1!.id] } })).json(),
    );
    expect(first).toEqual({ added: 2, duplicates: [], suppressed: [{ prospectId: p3!.id, email: 'l3@lead.test' }], notFound: [foreign.id] });
    const again = addLeadsResponse.parse(await (await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [p1!.id] } })).json());
    expect(again).toEqual({ added: 0, duplicates: [p1!.id], suppressed: [], notFound: [] });

    const leads = leadListResponse.parse(await (await ana.call(`/api/campaigns/${c.id}/leads`)).json());
    expect(leads.data.map((l) => [l.email, l.status, l.nextDueAt])).toEqual([
      ['l1@lead.test', 'pending', null],
      ['l2@lead.test', 'pending', null],
    ]);
    // Launch makes the waiting leads due.
    await ana.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
    const live = leadListResponse.parse(await (await ana.call(`/api/campaigns/${c.id}/leads?status=active`)).json());
    expect(live.data).toHaveLength(2);
    expect(live.data.every((l) => l.nextDueAt !== null)).toBe(true);

    await expectError(await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [] } }), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: ['x'] } }), 400, 'VALIDATION_ERROR');
  });

  it('answers empty stats for a fresh campaign', async () => {
    const c = await newCampaign();
    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json());
    expect(stats.leads.total).toBe(0);
    expect(stats.emails).toEqual({ queued: 0, sent: 0, failed: 0 });
    expect(stats.rates).toEqual({ open: 0, reply: 0 });
  });
});
