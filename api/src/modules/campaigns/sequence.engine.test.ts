import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { emails, mailboxes } from '../../../../db/schema';
import { campaignSchema, campaignStatsSchema, leadListResponse, type Campaign, type Lead } from '../../../../shared/contracts/campaigns';
import { emailSchema } from '../../../../shared/contracts/emails';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { paginationSchema } from '../../../../shared/errors';
import { sandboxMessageSchema } from '../../../../shared/contracts/sandbox';
import { registerSendWorker } from '../emails/send.worker';
import { syncMailbox } from '../replies/inbox-sync.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { advanceDueLeads } from './sequence.worker';

/**
 * The engine end to end, as a rep would meet it: the real scheduler on a driven clock, the
 * real send worker into the Gmail emulator, inbound mail injected through the sandbox API and
 * read back by the real inbox sync, and every effect checked through the public API.
 */
let emu: GmailEmulator;
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let box: typeof mailboxes.$inferSelect;
const DAY = 86_400_000;
const MAILBOX = 'rep@engine-co.test';

beforeAll(async () => {
  emu = await startGmailEmulator();
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url } });
  registerSendWorker(rt.deps, fastSend);
  rep = await signIn(rt.app, MAILBOX, 'Rep');
  [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, rep.workspace.id));
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
  await emu?.close();
});

async function json<T>(res: Response, schema: { parse(v: unknown): T }, status = 200): Promise<T> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  return schema.parse(body);
}

const prospectIds = new Map<string, string>();
async function campaignWith(name: string, steps: unknown[], addresses: string[]): Promise<Campaign> {
  const campaign = await json(await rep.call('/api/campaigns', { method: 'POST', json: { name, steps } }), campaignSchema, 201);
  const ids: string[] = [];
  for (const email of addresses) {
    if (!prospectIds.has(email)) {
      prospectIds.set(email, prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email, firstName: email.split('@')[0] } })).json()).id);
    }
    ids.push(prospectIds.get(email)!);
  }
  await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: ids } });
  await json(await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' }), campaignSchema);
  return campaign;
}

/** One scheduler tick at `at`, then the send worker delivers everything it queued. */
async function tick(at: Date) {
  const outcomes = await advanceDueLeads(rt.deps, {}, at);
  await until(async () => {
    const open = await rt.deps.db.select({ id: emails.id }).from(emails).where(and(eq(emails.workspaceId, rep.workspace.id), inArray(emails.status, ['PENDING_SEND', 'SENDING'])));
    return open.length === 0;
  });
  return outcomes;
}

async function leadsOf(campaignId: string): Promise<Record<string, Lead>> {
  const list = await json(await rep.call(`/api/campaigns/${campaignId}/leads?limit=100`), leadListResponse);
  return Object.fromEntries(list.data.map((l) => [l.email.split('@')[0], l]));
}

const emailList = paginationSchema(emailSchema);
/** Our emails to an address, oldest first, through the public API. */
async function emailsTo(address: string) {
  return (await json(await rep.call(`/api/emails?to=${encodeURIComponent(address)}&limit=100`), emailList)).data.reverse();
}
const lastTo = async (address: string) => (await emailsTo(address)).at(-1)!;
/** What the emulator delivered to an address: the count that proves exactly-once. */
const deliveredTo = (address: string) => emu.control.sent().filter((m) => m.to.includes(address));

async function inject(kind: 'reply' | 'auto-reply' | 'bounce', address: string, body: object, campaignId?: string) {
  const email = campaignId ? (await emailsTo(address)).filter((e) => e.campaignId === campaignId).at(-1)! : await lastTo(address);
  const res = await rep.call(`/api/sandbox/messages/${email.providerMessageId}/${kind}`, { method: 'POST', json: body });
  expect(res.status).toBe(201);
}

const sync = () => syncMailbox(rt.deps, box.id);

/** The first Friday at least 10 days from now (UTC): its return date resumes on the Monday. */
const friday = DateTime.utc().plus({ days: 10 }).startOf('day').set({ weekday: 5 }).plus({ weeks: DateTime.utc().plus({ days: 10 }).weekday > 5 ? 1 : 0 });

describe('the sequence engine over simulated days (scheduler + send worker + Gmail emulator + inbox sync)', () => {
  const at = (days: number) => new Date(t0.getTime() + days * DAY + 60_000);
  let t0: Date;
  let a: Campaign;
  let b: Campaign;

  it('sends step 1 to every lead, each email linked to its campaign, lead and step', async () => {
    a = await campaignWith(
      'Engine A',
      [
        { subject: 'Quick idea for {{firstName|you}}', bodyHtml: '<p>One</p>' },
        { delay: 1, delayUnit: 'days', bodyHtml: '<p>Two</p>' },
        { delay: 2, delayUnit: 'business_days', bodyHtml: '<p>Three</p>' },
      ],
      ['reply@eng.test', 'away@eng.test', 'hard@eng.test', 'soft@eng.test', 'unsub@eng.test', 'quiet@eng.test', 'both@eng.test'],
    );
    b = await campaignWith('Engine B', [{ subject: 'Another thing', bodyHtml: '<p>B1</p>' }, { delay: 1, bodyHtml: '<p>B2</p>' }], ['both@eng.test']);
    t0 = new Date(Date.now() + 1000);
    const outcomes = await tick(t0);
    expect([...outcomes.values()].filter((o) => o === 'sent')).toHaveLength(8);
    expect(emu.control.sent()).toHaveLength(8);
    const rows = await rt.deps.db.select().from(emails).where(eq(emails.campaignId, a.id));
    const leads = await leadsOf(a.id);
    for (const row of rows) {
      expect(row.status).toBe('SENT');
      expect(row.stepId).toBe(a.steps[0]!.id);
      expect(row.campaignLeadId).toBe(leads[row.to.split('@')[0]!]!.id);
    }
    expect(leads.quiet).toMatchObject({ status: 'active', currentStep: 1, reason: 'Step 1 sent' });
  });

  it('applies every inbound effect to the right leads, in every campaign, and ignores the rep’s own message', async () => {
    await inject('reply', 'reply@eng.test', { text: 'Sounds good, call me.' });
    await inject('auto-reply', 'away@eng.test', { returnDate: friday.toISODate() });
    await inject('bounce', 'hard@eng.test', { hard: true });
    await inject('bounce', 'soft@eng.test', { hard: false });
    await inject('reply', 'both@eng.test', { text: 'Interested.' }, b.id); // answers campaign B's email
    // One-click unsubscribe (RFC 8058) from the List-Unsubscribe header of what was delivered.
    const delivered = paginationSchema(sandboxMessageSchema).parse(await (await rep.call('/api/sandbox/messages?limit=100')).json());
    const raw = delivered.data.find((m) => m.to.includes('unsub@eng.test'))!.raw;
    const url = /List-Unsubscribe:\s*<([^>]+)>/.exec(raw)![1]!;
    const unsub = await rt.app.request(new URL(url).pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(unsub.status).toBeLessThan(300);
    // The rep writes in quiet's thread from Gmail: their own message is never a reply.
    const first = await lastTo('quiet@eng.test');
    const own = await new MailComposer({ from: MAILBOX, to: 'quiet@eng.test', subject: 'Re: Quick idea for quiet', text: 'Adding a note', inReplyTo: first.messageId, references: first.messageId }).compile().build();
    emu.control.injectRaw(MAILBOX, own, { threadId: first.threadId!, labelIds: ['INBOX'] });
    await sync();

    const leads = await leadsOf(a.id);
    expect(leads.reply).toMatchObject({ status: 'replied', nextDueAt: null, reason: 'Replied' });
    expect(leads.away).toMatchObject({ status: 'paused', currentStep: 1 });
    // The business day after a Friday return date is the Monday (no zone known: UTC).
    expect(leads.away!.pausedUntil).toBe(friday.plus({ days: 3 }).toJSDate().toISOString());
    expect(leads.hard).toMatchObject({ status: 'bounced', nextDueAt: null });
    expect(leads.soft).toMatchObject({ status: 'active', currentStep: 0 });
    expect(leads.soft!.reason).toMatch(/Soft bounce.*retry 1 of 3/);
    expect(leads.unsub).toMatchObject({ status: 'unsubscribed', nextDueAt: null });
    expect(leads.quiet).toMatchObject({ status: 'active', currentStep: 1 });
    // One reply, in campaign B, stops the person in both campaigns.
    expect(leads.both).toMatchObject({ status: 'replied' });
    expect((await leadsOf(b.id)).both).toMatchObject({ status: 'replied' });

    const suppressed = (await (await rep.call('/api/suppressions?limit=100')).json()) as { data: Array<{ email: string }> };
    expect(suppressed.data.map((s) => s.email).sort()).toEqual(['hard@eng.test', 'unsub@eng.test']);
  });

  it('sends the follow-up in the same thread, retries the soft bounce, and sends nothing to the stopped', async () => {
    await tick(at(1));
    const [q1, q2] = await emailsTo('quiet@eng.test');
    expect(q2).toMatchObject({ subject: 'Re: Quick idea for quiet', threadId: q1!.threadId, status: 'SENT' });
    const row = (await rt.deps.db.select().from(emails).where(eq(emails.id, q2!.id)))[0]!;
    expect(row).toMatchObject({ inReplyTo: q1!.messageId, stepId: a.steps[1]!.id });
    expect(row.references).toContain(q1!.messageId);
    expect(deliveredTo('quiet@eng.test')).toHaveLength(2);
    expect(deliveredTo('soft@eng.test')).toHaveLength(2); // the step-1 retry
    expect((await emailsTo('soft@eng.test')).map((e) => e.subject)).toEqual(['Quick idea for soft', 'Quick idea for soft']);
    for (const stopped of ['reply', 'hard', 'unsub', 'away']) expect(deliveredTo(`${stopped}@eng.test`)).toHaveLength(1);
    expect(deliveredTo('both@eng.test')).toHaveLength(2); // one per campaign, no follow-up in either
  });

  it('fails a lead after the third retry soft-bounces too, with the reason', async () => {
    for (let round = 2; round <= 4; round++) {
      await inject('bounce', 'soft@eng.test', { hard: false });
      await sync();
      await tick(at(round));
    }
    const soft = (await leadsOf(a.id)).soft!;
    expect(soft).toMatchObject({ status: 'failed', nextDueAt: null });
    expect(soft.reason).toMatch(/Soft bounce 4 times/);
    expect(deliveredTo('soft@eng.test')).toHaveLength(4);
  });

  it('resumes the out-of-office lead at its step on the Monday, and counts everything from the links', async () => {
    const monday = friday.plus({ days: 3 }).toJSDate();
    await tick(new Date(monday.getTime() - 60_000));
    expect(deliveredTo('away@eng.test')).toHaveLength(1);
    await tick(new Date(monday.getTime() + 60_000));
    const away = await emailsTo('away@eng.test');
    expect(away.map((e) => e.subject)).toEqual(['Quick idea for away', 'Re: Quick idea for away']);
    expect((await leadsOf(a.id)).away).toMatchObject({ status: 'active', currentStep: 2 });

    const stats = await json(await rep.call(`/api/campaigns/${a.id}/stats`), campaignStatsSchema);
    expect(stats.stepCount).toBe(3);
    expect(stats.leads).toMatchObject({ total: 7, replied: 2, bounced: 1, unsubscribed: 1, failed: 1 });
    expect(stats.events.replied).toBe(1); // both@ answered campaign B's email
    expect(stats.events.bounced).toBe(5); // one hard, four soft
    const sentToA = (await rt.deps.db.select().from(emails).where(and(eq(emails.campaignId, a.id), eq(emails.status, 'SENT')))).length;
    expect(stats.emails.sent).toBe(sentToA);
    expect(stats.steps[0]).toMatchObject({ stepId: a.steps[0]!.id, sent: 10, replied: 1, bounced: 5 });
    expect(stats.steps.reduce((n, s) => n + s.sent, 0)).toBe(sentToA);
  });
});

describe('two schedulers ticking at once', () => {
  it('send each step exactly once (counted in the emulator)', async () => {
    const addresses = Array.from({ length: 20 }, (_, i) => `twice${i}@eng.test`);
    await campaignWith('Twice', [{ subject: 'Once only', bodyHtml: '<p>1</p>' }, { delay: 1, bodyHtml: '<p>2</p>' }], addresses);
    const start = new Date(Date.now() + 1000);
    for (const at of [start, new Date(start.getTime() + DAY + 60_000)]) {
      await Promise.all([advanceDueLeads(rt.deps, { batch: 7 }, at), advanceDueLeads(rt.deps, { batch: 7 }, at)]);
      await until(async () => (await rt.deps.db.select({ id: emails.id }).from(emails).where(inArray(emails.status, ['PENDING_SEND', 'SENDING']))).length === 0);
    }
    for (const address of addresses) expect(deliveredTo(address).map((m) => m.subject)).toEqual(['Once only', 'Re: Once only']);
  });
});
