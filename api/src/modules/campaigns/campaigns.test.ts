import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { templateSchema } from '../../../../shared/contracts/templates';
import { eq } from 'drizzle-orm';
import { addLeadsResponse, campaignListResponse, campaignSchema, campaignStatsSchema, leadListResponse, leadSchema } from '../../../../shared/contracts/campaigns';
import { campaignLeads, mailboxes, memberships, suppressions } from '../../../../db/schema';
import { advanceDueLeads } from './sequence.worker';
import { resumePausedLead } from '../replies/effects';

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
    // A running campaign's steps can be edited: the edit versions them (sequence.steps.test.ts).
    expect((await ana.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { steps: twoSteps } })).status).toBe(200);
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

describe('one lead’s sequence: pause and resume from a thread', () => {
  const DAY = 86_400_000;
  let pia: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    pia = await signIn(rt.app, 'pia@lead-pause.test', 'Pia');
    // The scheduler sends through the owner's mailbox: the sandbox one.
    await rt.deps.db.insert(mailboxes).values({ workspaceId: pia.workspace.id, userId: pia.user.id, provider: 'sandbox', email: 'pia@lead-pause.test' });
  });

  /** A campaign of Pia's (first step at once, the follow-up 3 days later) with one lead per address. */
  async function campaignWithLeads(launch: boolean, ...addresses: string[]) {
    const c = await newCampaign(pia, { name: `Per lead ${crypto.randomUUID()}`, steps: twoSteps });
    const ps = await Promise.all(addresses.map((a) => newProspect(a, pia)));
    await pia.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: ps.map((p) => p.id) } });
    if (launch) await pia.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
    const leads = leadListResponse.parse(await (await pia.call(`/api/campaigns/${c.id}/leads`)).json()).data;
    return { c, lead: (email: string) => leads.find((l) => l.email === email)! };
  }
  const act = (c: { id: string }, leadId: string, verb: 'pause' | 'resume', who = pia) => who.call(`/api/campaigns/${c.id}/leads/${leadId}/${verb}`, { method: 'POST' });
  const leadAfter = async (res: Response) => {
    expect(res.status).toBe(200);
    return leadSchema.parse(await res.json());
  };

  it('pauses one lead while the campaign and its other leads go on; the paused lead gets no step until resumed', async () => {
    const { c, lead } = await campaignWithLeads(true, 'ada@paused.test', 'bob@running.test');
    const ada = lead('ada@paused.test');
    const bob = lead('bob@running.test');
    expect((await leadAfter(await act(c, ada.id, 'pause'))).status).toBe('paused');
    expect(campaignSchema.parse(await (await pia.call(`/api/campaigns/${c.id}`)).json()).status).toBe('active');

    const soon = new Date(Date.now() + 1000);
    let outcomes = await advanceDueLeads(rt.deps, {}, soon);
    expect(outcomes.get(bob.id)).toBe('sent');
    expect(outcomes.has(ada.id)).toBe(false);
    outcomes = await advanceDueLeads(rt.deps, {}, new Date(soon.getTime() + 10 * DAY));
    expect(outcomes.has(ada.id)).toBe(false);

    // Its first step came due during the pause: resumed, it is due now, not at launch time.
    const before = Date.now();
    const resumed = await leadAfter(await act(c, ada.id, 'resume'));
    expect(resumed).toMatchObject({ status: 'active', currentStep: 0 });
    expect(Date.parse(resumed.nextDueAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(resumed.nextDueAt!)).toBeLessThanOrEqual(Date.now());
    expect((await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000))).get(ada.id)).toBe('sent');
  });

  it('keeps a schedule that is still ahead when the lead is resumed', async () => {
    const { c, lead } = await campaignWithLeads(true, 'cleo@ahead.test');
    const cleo = lead('cleo@ahead.test');
    expect((await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000))).get(cleo.id)).toBe('sent');
    const [row] = await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, cleo.id));
    expect(row!.nextDueAt!.getTime()).toBeGreaterThan(Date.now() + 2 * DAY);

    await leadAfter(await act(c, cleo.id, 'pause'));
    const resumed = await leadAfter(await act(c, cleo.id, 'resume'));
    expect(resumed).toMatchObject({ status: 'active', currentStep: 1, nextDueAt: row!.nextDueAt!.toISOString() });
  });

  it('keeps a lead paused before launch out of the launch, and gives it the first step’s delay from its resume', async () => {
    const { c, lead } = await campaignWithLeads(false, 'dan@early.test');
    const dan = lead('dan@early.test');
    expect((await leadAfter(await act(c, dan.id, 'pause'))).status).toBe('paused');
    // Resumed in a draft campaign it waits for the launch again.
    expect(await leadAfter(await act(c, dan.id, 'resume'))).toMatchObject({ status: 'pending', nextDueAt: null });
    await leadAfter(await act(c, dan.id, 'pause'));
    await pia.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
    expect(leadListResponse.parse(await (await pia.call(`/api/campaigns/${c.id}/leads`)).json()).data[0]).toMatchObject({ status: 'paused', nextDueAt: null });
    const resumed = await leadAfter(await act(c, dan.id, 'resume'));
    expect(resumed.status).toBe('active');
    expect(Math.abs(Date.parse(resumed.nextDueAt!) - Date.now())).toBeLessThan(5_000);
  });

  it('takes a manual pause over an out-of-office one, so the auto-resume cannot wake the lead', async () => {
    const { c, lead } = await campaignWithLeads(true, 'eve@ooo.test');
    const eve = lead('eve@ooo.test');
    // Eve's out-of-office said she is back about now: the resume job is on its way.
    const back = new Date(Date.now() - 60_000);
    await rt.deps.db.update(campaignLeads).set({ status: 'paused', pausedUntil: back, nextDueAt: back }).where(eq(campaignLeads.id, eve.id));
    expect((await leadAfter(await act(c, eve.id, 'pause'))).status).toBe('paused');
    await resumePausedLead(rt.deps, eve.id);
    const [row] = await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, eve.id));
    expect(row).toMatchObject({ status: 'paused', pausedUntil: null });
    expect((await advanceDueLeads(rt.deps, {}, new Date(Date.now() + DAY))).has(eve.id)).toBe(false);
  });

  it('answers an idempotent repeat as is, refuses a finished lead, and keeps leads to their campaign, workspace and role', async () => {
    const { c, lead } = await campaignWithLeads(true, 'fay@done.test', 'gus@twice.test');
    const fay = lead('fay@done.test');
    const gus = lead('gus@twice.test');
    expect((await leadAfter(await act(c, gus.id, 'resume'))).status).toBe('active');
    await leadAfter(await act(c, gus.id, 'pause'));
    expect((await leadAfter(await act(c, gus.id, 'pause'))).status).toBe('paused');

    await rt.deps.db.update(campaignLeads).set({ status: 'replied', nextDueAt: null }).where(eq(campaignLeads.id, fay.id));
    await expectError(await act(c, fay.id, 'pause'), 409, 'CONFLICT');
    await expectError(await act(c, fay.id, 'resume'), 409, 'CONFLICT');

    await expectError(await pia.call(`/api/campaigns/${c.id}/leads/not-a-uuid/pause`, { method: 'POST' }), 400, 'VALIDATION_ERROR');
    await expectError(await act(c, crypto.randomUUID(), 'pause'), 404, 'NOT_FOUND');
    const other = await newCampaign(pia);
    await expectError(await act(other, gus.id, 'resume'), 404, 'NOT_FOUND');
    await expectError(await act(c, gus.id, 'resume', rival), 404, 'NOT_FOUND');

    const viewer = await signIn(rt.app, 'vera@lead-pause.test', 'Vera');
    expect(viewer.workspace.id).toBe(pia.workspace.id);
    await rt.deps.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, viewer.user.id));
    await expectError(await act(c, gus.id, 'resume', viewer), 403, 'FORBIDDEN');
    expect(leadListResponse.parse(await (await viewer.call(`/api/campaigns/${c.id}/leads?prospectId=${gus.prospectId}`)).json()).data).toEqual([
      expect.objectContaining({ id: gus.id, status: 'paused' }),
    ]);
  });
});
