import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { emailEvents, emails, mailboxes, prospects } from '../../../../db/schema';
import { campaignSchema, campaignStatsSchema } from '../../../../shared/contracts/campaigns';
import { advanceDueLeads } from './sequence.worker';
import { abVerdict, pickVariant, twoProportionP } from './variants';

describe('A/B arithmetic', () => {
  it('picks the same variant for the same lead and step, in proportion to the weights', () => {
    const variants = [{ id: 'A', weight: 70 }, { id: 'B', weight: 30 }];
    expect(pickVariant('lead-1', 'step-1', variants)).toBe(pickVariant('lead-1', 'step-1', variants));
    const picks = Array.from({ length: 2000 }, (_, i) => pickVariant(`lead-${i}`, 'step-1', variants)!.id);
    const share = picks.filter((id) => id === 'A').length / picks.length;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.75);
  });

  it('computes the two-proportion p-value and names a winner only when significant with 30 sends each', () => {
    // 30/100 vs 10/100: z ≈ 3.54, two-sided p ≈ 0.0004.
    expect(twoProportionP(30, 100, 10, 100)).toBeCloseTo(0.000407, 4);
    expect(twoProportionP(5, 50, 4, 50)).toBeGreaterThan(0.5);
    expect(abVerdict([{ id: 'A', sent: 29, opened: 20, replied: 15 }, { id: 'B', sent: 40, opened: 1, replied: 0 }])).toMatchObject({ winner: null, reason: expect.stringMatching(/A has 29/) });
    expect(abVerdict([{ id: 'A', sent: 100, opened: 40, replied: 30 }, { id: 'B', sent: 100, opened: 40, replied: 10 }])).toMatchObject({ winner: 'A', metric: 'reply', pValue: 0.0004 });
    // Replies tie; human opens decide.
    expect(abVerdict([{ id: 'A', sent: 100, opened: 20, replied: 2 }, { id: 'B', sent: 100, opened: 45, replied: 2 }])).toMatchObject({ winner: 'B', metric: 'open' });
  });
});

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@ab-co.test', 'Ana');
  await rt.deps.db.insert(mailboxes).values({ workspaceId: ana.workspace.id, userId: ana.user.id, provider: 'sandbox', email: 'ana@ab-co.test' });
});
afterAll(() => rt?.close());

/** A launched one-step A/B campaign, sent to `n` leads; returns its emails after the send. */
async function abCampaign(name: string, n: number, winnerAfter?: number) {
  const res = await ana.call('/api/campaigns', {
    method: 'POST',
    json: { name, steps: [{ bodyHtml: '<p>Base</p>', variants: [{ subject: 'Short', weight: 50 }, { subject: 'A longer subject', bodyHtml: '<p>Other</p>', weight: 50 }], ...(winnerAfter ? { winnerAfter } : {}) }] },
  });
  expect(res.status).toBe(201);
  const c = campaignSchema.parse(await res.json());
  const rows = await rt.deps.db.insert(prospects).values(Array.from({ length: n }, (_, i) => ({ workspaceId: ana.workspace.id, email: `${name.toLowerCase()}-${i}@ab.test` }))).returning({ id: prospects.id });
  await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: rows.map((r) => r.id) } });
  await ana.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
  await advanceDueLeads(rt.deps, { batch: 500 }, new Date(Date.now() + 1000));
  await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: new Date() }).where(eq(emails.campaignId, c.id));
  return { c, sent: await rt.deps.db.select().from(emails).where(eq(emails.campaignId, c.id)) };
}

const replies = (list: Array<{ id: string }>, k: number) =>
  rt.deps.db.insert(emailEvents).values(list.slice(0, k).map((e) => ({ workspaceId: ana.workspace.id, emailId: e.id, type: 'reply' as const, dedupeKey: `r-${e.id}` })));

describe('A/B variants through the scheduler', () => {
  it('sends each lead its variant (stored on the email) and names a significant winner with the counts and p-value', async () => {
    const { c, sent } = await abCampaign('Sig', 100);
    const [A, B] = c.steps[0]!.variants;
    expect(c.steps[0]!.variants.map((v) => [v.id, v.weight])).toEqual([['A', 50], ['B', 50]]);
    for (const e of sent) {
      expect(e.variantId).toBe(pickVariant(e.campaignLeadId!, e.stepId!, c.steps[0]!.variants)!.id);
      expect(e.subject).toBe(e.variantId === 'A' ? A!.subject : B!.subject);
      expect(e.bodyHtml).toContain(e.variantId === 'A' ? 'Base' : 'Other');
    }
    const ofA = sent.filter((e) => e.variantId === 'A');
    const ofB = sent.filter((e) => e.variantId === 'B');
    await replies(ofA, 15);
    await replies(ofB, 1);
    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json());
    const step = stats.steps[0]!;
    expect(step.variants.map((v) => [v.id, v.sent, v.replied])).toEqual([['A', ofA.length, 15], ['B', ofB.length, 1]]);
    expect(step.variants[0]!.rates.reply).toBeCloseTo(15 / ofA.length, 3);
    expect(step.abTest).toMatchObject({ winner: 'A', metric: 'reply', compared: [{ id: 'A', sent: ofA.length, hits: 15 }, { id: 'B', sent: ofB.length, hits: 1 }] });
    expect(step.abTest!.pValue).toBeLessThan(0.05);
    // No "winner to the rest" on this step: a named winner changes nothing for later leads.
    expect(step).toMatchObject({ winnerAfter: null, winnerToRest: null });
  });

  it('names no winner when the difference is not significant, and says so with the p-value', async () => {
    const { c, sent } = await abCampaign('Flat', 100);
    await replies(sent.filter((e) => e.variantId === 'A'), 5);
    await replies(sent.filter((e) => e.variantId === 'B'), 4);
    const step = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json()).steps[0]!;
    expect(step.abTest).toMatchObject({ winner: null, reason: expect.stringMatching(/no significant difference/) });
    expect(step.abTest!.pValue).toBeGreaterThan(0.05);
  });

  /** More leads for a running campaign, sent at once; returns the variants they got. */
  async function wave(campaignId: string, prefix: string, n: number) {
    const rows = await rt.deps.db.insert(prospects).values(Array.from({ length: n }, (_, i) => ({ workspaceId: ana.workspace.id, email: `${prefix}-${i}@ab.test` }))).returning({ id: prospects.id });
    expect((await ana.call(`/api/campaigns/${campaignId}/leads`, { method: 'POST', json: { prospectIds: rows.map((r) => r.id) } })).status).toBeLessThan(300);
    await advanceDueLeads(rt.deps, { batch: 500 }, new Date(Date.now() + 1000));
    const got = await rt.deps.db.select({ variantId: emails.variantId, to: emails.to }).from(emails).where(eq(emails.campaignId, campaignId));
    return got.filter((e) => e.to.startsWith(`${prefix}-`)).map((e) => e.variantId);
  }

  it('sends the winner to the rest once every variant has N sends and the winner is significant, and not before', async () => {
    const { c, sent } = await abCampaign('Win', 100, 30);
    expect(c.steps[0]!.winnerAfter).toBe(30);
    const ofA = sent.filter((e) => e.variantId === 'A');
    const ofB = sent.filter((e) => e.variantId === 'B');
    expect(ofA.length).toBeGreaterThanOrEqual(30);
    expect(ofB.length).toBeGreaterThanOrEqual(30);
    // No significant difference yet: the next leads still get the weighted split.
    await replies(ofA, 2);
    await replies(ofB, 1);
    const early = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json()).steps[0]!;
    expect(early).toMatchObject({ winnerAfter: 30, winnerToRest: null, winnerTest: { winner: null } });
    const split = await wave(c.id, 'win-early', 40);
    expect(new Set(split)).toEqual(new Set(['A', 'B']));
    await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: new Date() }).where(eq(emails.campaignId, c.id));
    // 12 of B's first 30 sends (its test cohort) get a reply, against at most 2 of A's: B wins on replies.
    const firstB = [...ofB].sort((x, y) => x.sentAt!.getTime() - y.sentAt!.getTime() || (x.id < y.id ? -1 : 1));
    await rt.deps.db.insert(emailEvents).values(firstB.slice(1, 13).map((e) => ({ workspaceId: ana.workspace.id, emailId: e.id, type: 'reply' as const, dedupeKey: `w-${e.id}` })));
    // The stats answer says the rule kicked in, and for which variant, before the next leads go.
    const decided = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json()).steps[0]!;
    expect(decided).toMatchObject({ winnerAfter: 30, winnerToRest: 'B' });
    // …with the counts it rests on: the first 30 sends of each version only, not everything sent since.
    // (B's one earlier reply may fall in its cohort too: 12 or 13.)
    expect(decided.winnerTest).toMatchObject({ winner: 'B', metric: 'reply', compared: [{ id: 'B', sent: 30 }, { id: 'A', sent: 30 }] });
    expect(decided.winnerTest!.compared[0]!.hits).toBeGreaterThanOrEqual(12);
    expect(decided.winnerTest!.pValue).toBeLessThan(0.05);
    const rest = await wave(c.id, 'win-late', 40);
    expect(rest).toHaveLength(40);
    expect(new Set(rest)).toEqual(new Set(['B']));
  });

  it('waits for N sends of every variant before naming a winner for the rest', async () => {
    const { c, sent } = await abCampaign('Wait', 100, 80);
    await replies(sent.filter((e) => e.variantId === 'A'), 25);
    const split = await wave(c.id, 'wait-next', 40);
    expect(new Set(split)).toEqual(new Set(['A', 'B']));
    expect(campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json()).steps[0]).toMatchObject({ winnerAfter: 80, winnerToRest: null });
  });

  it('refuses winnerAfter on a step without variants, or under 30', async () => {
    for (const step of [{ subject: 'x', bodyHtml: '<p>x</p>', winnerAfter: 30 }, { bodyHtml: '<p>x</p>', variants: [{ subject: 'a', weight: 50 }, { subject: 'b', weight: 50 }], winnerAfter: 10 }]) {
      const res = await ana.call('/api/campaigns', { method: 'POST', json: { name: 'Bad', steps: [step] } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: unknown } };
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(body.error.details)).toContain('winnerAfter');
    }
  });
});
