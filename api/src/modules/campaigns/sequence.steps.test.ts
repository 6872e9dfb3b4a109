import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, rowCounts, signIn, type TestRuntime } from '../../../test/harness';
import { campaignLeads as campaignLeadsTable, emailEvents, emails, mailboxes } from '../../../../db/schema';
import { campaignSchema, campaignStatsSchema, leadDetailSchema, leadListResponse, leadSchema, type Campaign } from '../../../../shared/contracts/campaigns';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { advanceDueLeads } from './sequence.worker';

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@steps-co.test', 'Ana');
  await rt.deps.db.insert(mailboxes).values({ workspaceId: ana.workspace.id, userId: ana.user.id, provider: 'sandbox', email: 'ana@steps-co.test' });
});
afterAll(() => rt?.close());

async function launched(name: string, steps: unknown[], addresses: string[]) {
  const res = await ana.call('/api/campaigns', { method: 'POST', json: { name, steps } });
  expect(res.status).toBe(201);
  const campaign = campaignSchema.parse(await res.json());
  const ids = [];
  for (const email of addresses) ids.push(prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email, firstName: email.split('@')[0] } })).json()).id);
  await ana.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: ids } });
  expect((await ana.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' })).status).toBe(200);
  return campaign;
}

const leadsOf = async (campaignId: string) =>
  Object.fromEntries(leadListResponse.parse(await (await ana.call(`/api/campaigns/${campaignId}/leads?limit=100`)).json()).data.map((l) => [l.email.split('@')[0]!, l]));
const emailsOf = (leadId: string) => rt.deps.db.select().from(emails).where(eq(emails.campaignLeadId, leadId)).orderBy(emails.createdAt);
/** What the send worker would do: every queued email of the campaign goes out. */
const deliver = (campaignId: string, at: Date) => rt.deps.db.update(emails).set({ status: 'SENT', sentAt: at, threadId: 'thread-' + campaignId }).where(and(eq(emails.campaignId, campaignId), eq(emails.status, 'PENDING_SEND')));
const event = (emailId: string, type: 'open' | 'click', machine: boolean) =>
  rt.deps.db.insert(emailEvents).values({ workspaceId: ana.workspace.id, emailId, type, machine, dedupeKey: `${type}-${machine}-${emailId}-${Math.random()}` });

describe('steps: delays in four units, conditions on human events, threads', () => {
  it('runs a 5-step sequence with every condition, skipping (with the reason) what does not hold', async () => {
    const c = await launched(
      'Five steps',
      [
        { subject: 'Hello {{firstName|there}}', bodyHtml: '<p>1</p>', condition: 'always' },
        { delay: 30, delayUnit: 'minutes', condition: 'opened', bodyHtml: '<p>2</p>' },
        { delay: 2, delayUnit: 'hours', condition: 'not_opened', bodyHtml: '<p>3</p>' },
        { delay: 1, delayUnit: 'business_days', condition: 'clicked', bodyHtml: '<p>4</p>' },
        { delay: 1, delayUnit: 'days', condition: 'not_clicked', sameThread: false, subject: 'A fresh start', bodyHtml: '<p>5</p>' },
      ],
      ['reader@steps.test', 'scanned@steps.test'],
    );
    expect(c.steps.map((s) => [s.delay, s.delayUnit, s.condition])).toEqual([
      [0, 'days', 'always'], [30, 'minutes', 'opened'], [2, 'hours', 'not_opened'], [1, 'business_days', 'clicked'], [1, 'days', 'not_clicked'],
    ]);
    const t0 = new Date(Date.now() + 1000);
    await advanceDueLeads(rt.deps, {}, t0);
    await deliver(c.id, t0);
    let leads = await leadsOf(c.id);
    expect(leads.reader!.nextDueAt).toBe(new Date(t0.getTime() + 30 * MIN).toISOString());
    // A person opened reader's email; only a scanner fetched scanned's (and clicked a link in it).
    await event((await emailsOf(leads.reader!.id))[0]!.id, 'open', false);
    await event((await emailsOf(leads.scanned!.id))[0]!.id, 'open', true);
    await event((await emailsOf(leads.scanned!.id))[0]!.id, 'click', true);

    const t1 = new Date(t0.getTime() + 30 * MIN + 1000);
    const o1 = await advanceDueLeads(rt.deps, {}, t1);
    expect(o1.get(leads.reader!.id)).toBe('sent');
    expect(o1.get(leads.scanned!.id)).toBe('skipped');
    await deliver(c.id, t1);
    leads = await leadsOf(c.id);
    expect(leads.scanned).toMatchObject({ status: 'active', currentStep: 2, nextDueAt: new Date(t1.getTime() + 2 * HOUR).toISOString() });
    expect(leads.scanned!.reason).toMatch(/Step 2 skipped: condition "opened" is false/);

    const t2 = new Date(t1.getTime() + 2 * HOUR + 1000);
    const o2 = await advanceDueLeads(rt.deps, {}, t2);
    expect(o2.get(leads.reader!.id)).toBe('skipped'); // not_opened, but they opened
    expect(o2.get(leads.scanned!.id)).toBe('sent'); // a scanner's open is not an open
    await deliver(c.id, t2);

    const o3 = await advanceDueLeads(rt.deps, {}, new Date(t2.getTime() + 4 * DAY));
    expect(o3.get(leads.reader!.id)).toBe('skipped'); // no human click
    expect(o3.get(leads.scanned!.id)).toBe('skipped'); // the scanner's click does not count

    const o4 = await advanceDueLeads(rt.deps, {}, new Date(t2.getTime() + 6 * DAY));
    expect(o4.get(leads.reader!.id)).toBe('completed');
    expect(o4.get(leads.scanned!.id)).toBe('completed');
    const readerMail = await emailsOf(leads.reader!.id);
    expect(readerMail.map((e) => e.subject)).toEqual(['Hello reader', 'Re: Hello reader', 'A fresh start']);
    expect(readerMail[1]).toMatchObject({ inReplyTo: readerMail[0]!.messageId, threadId: readerMail[0]!.threadId });
    // The last step asked for a new thread: no In-Reply-To, no thread.
    expect(readerMail[2]).toMatchObject({ inReplyTo: null, threadId: null });

    const detail = leadDetailSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/leads/${leads.scanned!.id}`)).json());
    expect(detail.history.map((h) => [h.position, h.outcome])).toEqual([[0, 'sent'], [1, 'skipped'], [2, 'sent'], [3, 'skipped'], [4, 'sent']]);
    expect(detail.history[3]!.reason).toMatch(/condition "clicked" is false/);

    // Nobody has anything left: the campaign completed itself.
    expect(campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}`)).json()).status).toBe('completed');
    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json());
    expect(stats.steps.map((s) => [s.sent, s.skipped])).toEqual([[2, 0], [1, 1], [1, 1], [0, 2], [0, 0]]);
    expect(stats.leads).toMatchObject({ completed: 2, total: 2 });
  });

  it('counts business days on the mailbox’s sending days, skipping holidays', async () => {
    const res = await ana.call('/api/campaigns', {
      method: 'POST',
      json: { name: 'Holidays', holidays: ['2031-01-06'], steps: [{ subject: 'Hi', bodyHtml: '<p>1</p>' }, { delay: 2, delayUnit: 'business_days', bodyHtml: '<p>2</p>' }] },
    });
    const c = campaignSchema.parse(await res.json());
    expect(c.settings.holidays).toEqual(['2031-01-06']);
    const p = prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'hol@steps.test' } })).json());
    await ana.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [p.id] } });
    await ana.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
    // Friday 3 Jan 2031, 10:00 UTC: Monday the 6th is a holiday → Tuesday, Wednesday.
    const friday = new Date('2031-01-03T10:00:00Z');
    await advanceDueLeads(rt.deps, {}, friday);
    expect((await leadsOf(c.id)).hol!.nextDueAt).toBe('2031-01-08T10:00:00.000Z');
  });
});

describe('bad input: 400 with the path, nothing written', () => {
  it('refuses an unknown condition, weights not summing to 100, a delay out of range, too many steps', async () => {
    const before = await rowCounts(rt.deps.db);
    const cases: Array<[unknown, string]> = [
      [[{ subject: 'x', bodyHtml: 'y', condition: 'sometimes' }], 'steps.0.condition'],
      [[{ subject: 'x', bodyHtml: 'y', delay: 400, delayUnit: 'days' }], 'steps.0.delay'],
      [[{ subject: 'x', bodyHtml: 'y', delay: 2, delayUnit: 'fortnights' }], 'steps.0.delayUnit'],
      [[{ subject: 'x', bodyHtml: 'y', variants: [{ subject: 'a', bodyHtml: 'a', weight: 50 }, { subject: 'b', bodyHtml: 'b', weight: 40 }] }], 'steps.0.variants'],
      [[{ subject: 'x', bodyHtml: 'y', variants: [{ subject: 'a', bodyHtml: 'a', weight: 100 }] }], 'steps.0.variants'],
      [Array.from({ length: 21 }, () => ({ subject: 'x', bodyHtml: 'y' })), 'steps'],
    ];
    for (const [steps, path] of cases) {
      const res = await ana.call('/api/campaigns', { method: 'POST', json: { name: 'Bad', steps } });
      expect(res.status, JSON.stringify(steps).slice(0, 80)).toBe(400);
      const body = errorEnvelopeSchema.parse(await res.json());
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect((body.error.details as Array<{ path: string }>).map((d) => d.path)).toContain(path);
    }
    const badHoliday = await ana.call('/api/campaigns', { method: 'POST', json: { name: 'Bad', holidays: ['next tuesday'], steps: [] } });
    expect(badHoliday.status).toBe(400);
    expect(await rowCounts(rt.deps.db)).toEqual(before);
  });
});

describe('lifecycle and leads', () => {
  it('pauses, resumes and removes one lead; archives the campaign read-only', async () => {
    const c: Campaign = await launched('Life', [{ subject: 'Hi', bodyHtml: '<p>1</p>' }, { delay: 1, bodyHtml: '<p>2</p>' }], ['p1@life.test', 'p2@life.test']);
    let leads = await leadsOf(c.id);
    const paused = leadSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/leads/${leads.p1!.id}/pause`, { method: 'POST' })).json());
    expect(paused).toMatchObject({ status: 'paused', reason: 'Paused by the rep' });
    const out = await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000));
    expect(out.has(leads.p1!.id)).toBe(false);
    expect(out.get(leads.p2!.id)).toBe('sent');
    expect(leadSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/leads/${leads.p1!.id}/resume`, { method: 'POST' })).json())).toMatchObject({ status: 'active', reason: 'Resumed by the rep' });
    const removed = leadSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/leads/${leads.p2!.id}`, { method: 'DELETE' })).json());
    expect(removed).toMatchObject({ status: 'stopped', nextDueAt: null, reason: 'Removed from the campaign by the rep' });
    expect((await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 3 * DAY))).has(leads.p2!.id)).toBe(false);

    const archived = campaignSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/archive`, { method: 'POST' })).json());
    expect(archived.status).toBe('archived');
    leads = await leadsOf(c.id);
    expect(leads.p1).toMatchObject({ status: 'stopped', reason: 'The campaign was archived' });
    for (const [path, init] of [
      [`/api/campaigns/${c.id}`, { method: 'PATCH', json: { name: 'Renamed' } }],
      [`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [leads.p1!.prospectId] } }],
      [`/api/campaigns/${c.id}/resume`, { method: 'POST' }],
      [`/api/campaigns/${c.id}/leads/${leads.p1!.id}/resume`, { method: 'POST' }],
    ] as const) {
      const res = await ana.call(path, init);
      expect(res.status, path).toBe(409);
    }
    // Still there for its figures.
    expect((await ana.call(`/api/campaigns/${c.id}/stats`)).status).toBe(200);
  });
});

describe('editing a running campaign versions its steps', () => {
  it('keeps what leads got, changes only unsent steps, and moves a lead past a removed step', async () => {
    const c = await launched(
      'Edited',
      [{ subject: 'Hi', bodyHtml: '<p>A</p>' }, { delay: 1, bodyHtml: '<p>B</p>' }, { delay: 1, bodyHtml: '<p>C</p>' }],
      ['early@edit.test', 'late@edit.test'],
    );
    const [A, B, C] = c.steps;
    const t0 = new Date(Date.now() + 1000);
    await advanceDueLeads(rt.deps, {}, t0);
    await deliver(c.id, t0);
    let leads = await leadsOf(c.id);
    // late@ is one step further: it got A and B.
    await advanceDueLeads(rt.deps, {}, new Date(t0.getTime() + DAY + 1000)); // both get B…
    await deliver(c.id, t0);
    // …then put early@ back as if it had only got A (its B never went: cancel it).
    const earlyB = (await emailsOf(leads.early!.id))[1]!;
    await rt.deps.db.delete(emails).where(eq(emails.id, earlyB.id));
    await rt.deps.db.update(campaignLeadsTable).set({ currentStep: 1 }).where(eq(campaignLeadsTable.id, leads.early!.id));

    const res = await ana.call(`/api/campaigns/${c.id}`, {
      method: 'PATCH',
      json: { steps: [{ id: A!.id, subject: 'Hi', bodyHtml: '<p>A</p>' }, { id: B!.id, delay: 1, bodyHtml: '<p>B, better</p>' }, { delay: 1, bodyHtml: '<p>D</p>' }] },
    });
    expect(res.status).toBe(200);
    const edited = campaignSchema.parse(await res.json());
    expect(edited.steps[0]!.id).toBe(A!.id); // unchanged: the same step
    expect(edited.steps[1]!.id).not.toBe(B!.id); // changed: a new version
    expect(edited.steps.map((s) => s.bodyHtml)).toEqual(['<p>A</p>', '<p>B, better</p>', '<p>D</p>']);
    expect(edited.steps.map((s) => s.id)).not.toContain(C!.id);
    leads = await leadsOf(c.id);
    expect(leads.early!.currentStep).toBe(1); // waits on B's new version
    expect(leads.late!.currentStep).toBe(2); // was waiting on C (removed): moves on to D

    await advanceDueLeads(rt.deps, {}, new Date(t0.getTime() + 3 * DAY));
    expect((await emailsOf(leads.early!.id)).map((e) => e.bodyHtml.includes('better'))).toEqual([false, true]);
    const late = await emailsOf(leads.late!.id);
    expect(late.map((e) => /<p>(.)/.exec(e.bodyHtml)?.[1])).toEqual(['A', 'B', 'D']);

    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${c.id}/stats`)).json());
    const oldB = stats.steps.find((s) => s.stepId === B!.id)!;
    expect(oldB).toMatchObject({ retired: true, sent: 1 });
    expect(stats.stepCount).toBe(3);
  });

  it('refuses a step id that is not a live step of the campaign, writing nothing', async () => {
    const c = await launched('Edit bad', [{ subject: 'Hi', bodyHtml: '<p>A</p>' }], ['x@editbad.test']);
    const before = await rowCounts(rt.deps.db);
    const res = await ana.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { steps: [{ id: crypto.randomUUID(), subject: 'Hi', bodyHtml: '<p>A</p>' }] } });
    expect(res.status).toBe(400);
    expect(await rowCounts(rt.deps.db)).toEqual(before);
  });
});
