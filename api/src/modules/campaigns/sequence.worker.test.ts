import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { haveService } from '../../../test/services';
import { campaignLeads, emailEvents, emails, mailboxes, suppressions } from '../../../../db/schema';
import { campaignSchema, campaignStatsSchema } from '../../../../shared/contracts/campaigns';
import { prospectSchema, type Prospect } from '../../../../shared/contracts/prospects';
import { advanceDueLeads, registerSequenceWorker } from './sequence.worker';

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
const DAY = 86_400_000;

beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@sequence-co.test', 'Ana');
  await rt.deps.db.insert(mailboxes).values({ workspaceId: ana.workspace.id, userId: ana.user.id, provider: 'sandbox', email: 'ana@sequence-co.test' });
});
afterAll(() => rt?.close());

/** A launched two-step campaign (follow-up 2 days later) with one lead per address. */
async function runningCampaign(...addresses: string[]) {
  const campaign = campaignSchema.parse(
    await (
      await ana.call('/api/campaigns', {
        method: 'POST',
        json: { name: `Seq ${crypto.randomUUID()}`, steps: [{ subject: 'Hi {{firstName|there}}', bodyHtml: '<p>One</p>' }, { delayDays: 2, bodyHtml: '<p>Two</p>' }] },
      })
    ).json(),
  );
  const prospects: Prospect[] = [];
  for (const email of addresses) {
    prospects.push(prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email, firstName: email.split('@')[0] } })).json()));
  }
  await ana.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: prospects.map((p) => p.id) } });
  await ana.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
  const leads = await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, campaign.id));
  const leadOf = (email: string) => leads.find((l) => l.prospectId === prospects.find((p) => p.email === email)!.id)!;
  return { campaign, leadOf };
}

/** The lead's emails, through the link the accept path writes. */
const emailsOfLead = (leadId: string) =>
  rt.deps.db.select().from(emails).where(and(eq(emails.workspaceId, ana.workspace.id), eq(emails.campaignLeadId, leadId))).orderBy(emails.createdAt);
const leadRow = async (id: string) => (await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, id)))[0]!;
const campaignEmails = (campaignId: string) => rt.deps.db.select().from(emails).where(eq(emails.campaignId, campaignId)).orderBy(emails.createdAt);

describe('sequence scheduler', () => {
  it('sends each step when due, once, then completes the lead', async () => {
    const { campaign, leadOf } = await runningCampaign('amy@seq.test');
    const lead = leadOf('amy@seq.test');
    const now = new Date(Date.now() + 1000);

    expect((await advanceDueLeads(rt.deps, {}, now)).get(lead.id)).toBe('sent');
    const [first] = await emailsOfLead(lead.id);
    expect(first).toMatchObject({ to: 'amy@seq.test', subject: 'Hi amy', campaignId: campaign.id, campaignLeadId: lead.id, stepId: campaign.steps[0]!.id, status: 'PENDING_SEND' });
    const after = await leadRow(lead.id);
    expect(after).toMatchObject({ status: 'active', currentStep: 1 });
    expect(after.nextDueAt!.getTime()).toBe(now.getTime() + 2 * DAY);

    // Nothing is due in between.
    expect((await advanceDueLeads(rt.deps, {}, new Date(now.getTime() + DAY))).has(lead.id)).toBe(false);

    // A crash after the send but before the lead moved on: the re-run replays the key, no second email.
    await rt.deps.db.update(campaignLeads).set({ currentStep: 0, nextDueAt: now }).where(eq(campaignLeads.id, lead.id));
    expect((await advanceDueLeads(rt.deps, {}, now)).get(lead.id)).toBe('sent');
    // (the first email is still queued: the follow-up waits for it to go out, then answers it)
    await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: now }).where(eq(emails.campaignId, campaign.id));
    expect(await campaignEmails(campaign.id)).toHaveLength(1);

    const later = new Date(now.getTime() + 2 * DAY + 1000);
    expect((await advanceDueLeads(rt.deps, {}, later)).get(lead.id)).toBe('completed');
    const sent = await campaignEmails(campaign.id);
    expect(sent.map((e) => e.subject)).toEqual(['Hi amy', 'Re: Hi amy']);
    expect(sent.map((e) => e.idempotencyKey)).toEqual(campaign.steps.map((st) => `campaign:${lead.id}:step:${st.id}`));
    expect(sent.map((e) => [e.campaignLeadId, e.stepId])).toEqual(campaign.steps.map((st) => [lead.id, st.id]));
    // The follow-up answers the first email: In-Reply-To its Message-ID.
    expect(sent[1]!.inReplyTo).toBe(sent[0]!.messageId);
    expect(await leadRow(lead.id)).toMatchObject({ status: 'completed', currentStep: 2, nextDueAt: null });

    // Stats are derived from the emails and their events, step by step.
    await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: new Date() }).where(eq(emails.campaignId, campaign.id));
    expect(await leadRow(lead.id)).toMatchObject({ reason: 'Step 2 sent' });
    await rt.deps.db.insert(emailEvents).values([
      { workspaceId: ana.workspace.id, emailId: sent[0]!.id, type: 'open', dedupeKey: `o1-${sent[0]!.id}` },
      { workspaceId: ana.workspace.id, emailId: sent[0]!.id, type: 'open', dedupeKey: `o2-${sent[0]!.id}` },
      { workspaceId: ana.workspace.id, emailId: sent[1]!.id, type: 'open', machine: true, dedupeKey: `o3-${sent[1]!.id}` },
    ]);
    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${campaign.id}/stats`)).json());
    expect(stats.emails).toEqual({ queued: 0, sent: 2, failed: 0 });
    expect(stats.events.opened).toBe(1);
    expect(stats.rates).toEqual({ open: 0.5, reply: 0 });
    expect(stats.leads).toMatchObject({ total: 1, completed: 1 });
    expect(stats.stepCount).toBe(2);
    expect(stats.steps.map(({ stepId, position, sent, opened, replied, skipped }) => ({ stepId, position, sent, opened, replied, skipped }))).toEqual([
      { stepId: campaign.steps[0]!.id, position: 0, sent: 1, opened: 1, replied: 0, skipped: 0 },
      { stepId: campaign.steps[1]!.id, position: 1, sent: 1, opened: 0, replied: 0, skipped: 0 },
    ]);
  });

  it('stops a lead that replied', async () => {
    const { campaign, leadOf } = await runningCampaign('bob@seq.test');
    const lead = leadOf('bob@seq.test');
    const now = new Date(Date.now() + 1000);
    await advanceDueLeads(rt.deps, {}, now);
    const [first] = await emailsOfLead(lead.id);
    await rt.deps.db.insert(emailEvents).values({ workspaceId: ana.workspace.id, emailId: first!.id, type: 'reply', dedupeKey: `test-reply-${first!.id}` });

    // The next tick marks the lead at once, well before its follow-up is due…
    await advanceDueLeads(rt.deps, {}, now);
    expect(await leadRow(lead.id)).toMatchObject({ status: 'replied', nextDueAt: null });
    // …and the follow-up never goes.
    expect((await advanceDueLeads(rt.deps, {}, new Date(now.getTime() + 3 * DAY))).has(lead.id)).toBe(false);
    expect(await campaignEmails(campaign.id)).toHaveLength(1);

    const stats = campaignStatsSchema.parse(await (await ana.call(`/api/campaigns/${campaign.id}/stats`)).json());
    expect(stats.leads).toMatchObject({ total: 1, replied: 1 });
    expect(stats.events.replied).toBe(1);
    expect(stats.emails.queued).toBe(1);
  });

  it('stops at send time on a reply the tick has not marked yet', async () => {
    const { campaign, leadOf } = await runningCampaign('old@seq.test');
    const lead = leadOf('old@seq.test');
    const now = new Date(Date.now() + 1000);
    await advanceDueLeads(rt.deps, {}, now);
    const [first] = await emailsOfLead(lead.id);
    // A reply older than the tick's look-back window.
    await rt.deps.db.insert(emailEvents).values({ workspaceId: ana.workspace.id, emailId: first!.id, type: 'reply', dedupeKey: `old-reply-${first!.id}`, occurredAt: new Date(now.getTime() - 10 * DAY) });
    expect((await advanceDueLeads(rt.deps, {}, new Date(now.getTime() + 3 * DAY))).get(lead.id)).toBe('replied');
    expect(await campaignEmails(campaign.id)).toHaveLength(1);
  });

  it('leaves paused campaigns, paused leads and replied leads alone, and skips suppressed addresses', async () => {
    const { campaign, leadOf } = await runningCampaign('cy@seq.test', 'dee@seq.test', 'eve@seq.test', 'fay@seq.test');
    const now = new Date(Date.now() + 1000);
    await rt.deps.db.update(campaignLeads).set({ status: 'paused', pausedUntil: new Date(now.getTime() + DAY) }).where(eq(campaignLeads.id, leadOf('dee@seq.test').id));
    await rt.deps.db.update(campaignLeads).set({ status: 'replied' }).where(eq(campaignLeads.id, leadOf('eve@seq.test').id));
    await rt.deps.db.insert(suppressions).values({ workspaceId: ana.workspace.id, email: 'fay@seq.test', reason: 'unsubscribe' });

    await ana.call(`/api/campaigns/${campaign.id}/pause`, { method: 'POST' });
    const whilePaused = await advanceDueLeads(rt.deps, {}, now);
    expect(whilePaused.has(leadOf('cy@seq.test').id)).toBe(false);
    expect(await campaignEmails(campaign.id)).toHaveLength(0);

    await ana.call(`/api/campaigns/${campaign.id}/resume`, { method: 'POST' });
    const resumed = await advanceDueLeads(rt.deps, {}, now);
    expect(resumed.get(leadOf('cy@seq.test').id)).toBe('sent');
    expect(resumed.get(leadOf('fay@seq.test').id)).toBe('unsubscribed');
    expect(resumed.has(leadOf('dee@seq.test').id)).toBe(false);
    expect(resumed.has(leadOf('eve@seq.test').id)).toBe(false);
    expect((await campaignEmails(campaign.id)).map((e) => e.to)).toEqual(['cy@seq.test']);
  });

  it('stops a lead on the record when its step has nothing to send', async () => {
    const tpl = (await (await ana.call('/api/templates', { method: 'POST', json: { name: 'Gone soon', subject: 'From a template', bodyHtml: '<p>T</p>' } })).json()) as { id: string };
    const campaign = campaignSchema.parse(await (await ana.call('/api/campaigns', { method: 'POST', json: { name: 'Empty step', steps: [{ templateId: tpl.id }] } })).json());
    const p = prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'hal@seq.test' } })).json());
    await ana.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [p.id] } });
    await ana.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
    await ana.call(`/api/templates/${tpl.id}`, { method: 'DELETE' });
    const [lead] = await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, campaign.id));

    expect((await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000))).get(lead!.id)).toBe('stopped');
    expect(await campaignEmails(campaign.id)).toHaveLength(0);
    const audit = (await (await ana.call('/api/admin/audit?action=campaign.lead_stopped')).json()) as { data: Array<{ target: string; data: { reason: string } }> };
    expect(audit.data.find((e) => e.target === lead!.id)?.data.reason).toMatch(/Step 0 cannot be sent/);
  });

  it('runs from the queue on its own tick', async () => {
    const { leadOf } = await runningCampaign('gus@seq.test');
    const lead = leadOf('gus@seq.test');
    const stop = registerSequenceWorker(rt.deps, { tickMs: 100 });
    try {
      const deadline = Date.now() + 20_000;
      while ((await leadRow(lead.id)).currentStep === 0) {
        if (Date.now() > deadline) throw new Error('the scheduler never sent the first step');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await stop();
    }
    expect(await emailsOfLead(lead.id)).toHaveLength(1);
  });
});

describe.runIf(haveService('redis', 'sequence scheduler on BullMQ'))('sequence scheduler on BullMQ', () => {
  it('ticks through Redis and sends the first step once', async () => {
    const bull = await createTestRuntime({ queue: 'bullmq' });
    try {
      const boss = await signIn(bull.app, 'boss@bull-seq.test');
      await bull.deps.db.insert(mailboxes).values({ workspaceId: boss.workspace.id, userId: boss.user.id, provider: 'sandbox', email: 'boss@bull-seq.test' });
      const prospect = prospectSchema.parse(await (await boss.call('/api/prospects', { method: 'POST', json: { email: 'lead@bull-seq.test' } })).json());
      const campaign = campaignSchema.parse(
        await (await boss.call('/api/campaigns', { method: 'POST', json: { name: 'Bull', steps: [{ subject: 'Hello', bodyHtml: '<p>Hi</p>' }] } })).json(),
      );
      await boss.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [prospect.id] } });
      await boss.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
      const stop = registerSequenceWorker(bull.deps, { tickMs: 100 });
      try {
        const deadline = Date.now() + 20_000;
        const [lead] = await bull.deps.db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, campaign.id));
        while ((await bull.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, lead!.id)))[0]!.status !== 'completed') {
          if (Date.now() > deadline) throw new Error('the BullMQ tick never advanced the lead');
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await stop();
      }
      const sent = await bull.deps.db.select().from(emails).where(eq(emails.campaignId, campaign.id));
      expect(sent.map((e) => e.to)).toEqual(['lead@bull-seq.test']);
    } finally {
      await bull.close();
    }
  });
});
