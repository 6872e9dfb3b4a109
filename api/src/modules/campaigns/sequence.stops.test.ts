import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { emails, mailboxes } from '../../../../db/schema';
import { campaignSchema, leadListResponse, type Campaign, type Lead } from '../../../../shared/contracts/campaigns';
import { emailSchema } from '../../../../shared/contracts/emails';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { paginationSchema } from '../../../../shared/errors';
import { registerSendWorker } from '../emails/send.worker';
import { syncMailbox } from '../replies/inbox-sync.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { advanceDueLeads } from './sequence.worker';
import { companyDomainOf } from './company-domain';

/**
 * Stops beyond the person who answered: a referral ends the lead as `referred` and makes the
 * person named a prospect; a campaign with `stopCompanyDomain` stops the colleagues of whoever
 * replies (same company domain, never a free-mail one). Real scheduler, send worker, Gmail
 * emulator and inbox sync; every effect read back through the public API.
 */
let emu: GmailEmulator;
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let box: typeof mailboxes.$inferSelect;
const DAY = 86_400_000;

beforeAll(async () => {
  emu = await startGmailEmulator();
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url } });
  registerSendWorker(rt.deps, fastSend);
  rep = await signIn(rt.app, 'rep@stops-co.test', 'Rep');
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

async function campaignWith(name: string, extra: Record<string, unknown>, addresses: string[]): Promise<Campaign> {
  const steps = [{ subject: 'Hello {{firstName|there}}', bodyHtml: '<p>One</p>' }, { delay: 1, delayUnit: 'days', bodyHtml: '<p>Two</p>' }];
  const campaign = await json(await rep.call('/api/campaigns', { method: 'POST', json: { name, steps, ...extra } }), campaignSchema, 201);
  const ids: string[] = [];
  for (const email of addresses) {
    const res = await rep.call(`/api/prospects/lookup?email=${encodeURIComponent(email)}`);
    const found = res.status === 200 ? ((await res.json()) as { prospect?: { id: string } | null }).prospect : null;
    ids.push(found?.id ?? prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email } })).json()).id);
  }
  await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: ids } });
  await json(await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' }), campaignSchema);
  return campaign;
}

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
  return Object.fromEntries(list.data.map((l) => [l.email, l]));
}

const emailList = paginationSchema(emailSchema);
async function replyAs(address: string, text: string) {
  const [email] = (await json(await rep.call(`/api/emails?to=${encodeURIComponent(address)}&limit=1`), emailList)).data;
  const res = await rep.call(`/api/sandbox/messages/${email!.providerMessageId}/reply`, { method: 'POST', json: { text } });
  expect(res.status).toBe(201);
  await syncMailbox(rt.deps, box.id);
}
const deliveredTo = (address: string) => emu.control.sent().filter((m) => m.to.includes(address));

describe('stops beyond the person who replied', () => {
  it('stops a referral as referred, names the referred person, makes them a prospect, and sends no next step', async () => {
    const c = await campaignWith('Referral', {}, ['max@umbrella-ref.test', 'liz@umbrella-ref.test']);
    const t0 = new Date(Date.now() + 1000);
    await tick(t0);
    expect(deliveredTo('max@umbrella-ref.test')).toHaveLength(1);

    await replyAs('max@umbrella-ref.test', "Thanks, but I'm not the right person. Please talk to Dana Smith, dana@umbrella-ref.test, she runs sales ops.");
    const leads = await leadsOf(c.id);
    expect(leads['max@umbrella-ref.test']!.status).toBe('referred');
    expect(leads['max@umbrella-ref.test']!.reason).toContain('dana@umbrella-ref.test');
    expect(leads['max@umbrella-ref.test']!.reason).toContain('Dana Smith');
    expect(leads['max@umbrella-ref.test']!.nextDueAt).toBeNull();

    // The person named is a prospect of the workspace, linked to who referred them, and not enrolled.
    const lookup = await rep.call('/api/prospects/lookup?email=dana@umbrella-ref.test');
    expect(lookup.status).toBe(200);
    const dana = ((await lookup.json()) as { prospect: { firstName: string | null; lastName: string | null; customFields: Record<string, string> } }).prospect;
    expect(dana).toMatchObject({ firstName: 'Dana', lastName: 'Smith', customFields: { referred_by: 'max@umbrella-ref.test' } });
    expect(Object.keys(leads)).not.toContain('dana@umbrella-ref.test');

    // Step 2 goes to the colleague who did not answer, never to the referrer.
    await tick(new Date(t0.getTime() + 2 * DAY));
    expect(deliveredTo('max@umbrella-ref.test')).toHaveLength(1);
    expect(deliveredTo('liz@umbrella-ref.test')).toHaveLength(2);
  });

  it('with stopCompanyDomain, a reply stops the colleagues at that company in that campaign, not free-mail namesakes nor other campaigns', async () => {
    const on = await campaignWith('Company stop on', { stopCompanyDomain: true }, ['ana@globex-co.test', 'bob@globex-co.test', 'eve@initech-co.test', 'cat@gmail.com', 'dan@gmail.com']);
    expect(on.settings.stopCompanyDomain).toBe(true);
    const off = await campaignWith('Company stop off', {}, ['fay@globex-co.test']);
    const t0 = new Date(Date.now() + 1000);
    await tick(t0);

    await replyAs('ana@globex-co.test', 'Sounds interesting, tell me more.');
    let a = await leadsOf(on.id);
    expect(a['ana@globex-co.test']!.status).toBe('replied');
    expect(a['bob@globex-co.test']!.status).toBe('stopped');
    expect(a['bob@globex-co.test']!.reason).toBe('Stopped: a colleague at globex-co.test replied (ana@globex-co.test)');
    expect(a['eve@initech-co.test']!.status).toBe('active');
    expect((await leadsOf(off.id))['fay@globex-co.test']!.status).toBe('active');

    // gmail.com is a provider, not a company: Cat's reply stops Cat alone.
    await replyAs('cat@gmail.com', 'Not interested, thanks.');
    a = await leadsOf(on.id);
    expect(a['cat@gmail.com']!.status).toBe('replied');
    expect(a['dan@gmail.com']!.status).toBe('active');

    await tick(new Date(t0.getTime() + 2 * DAY));
    expect(deliveredTo('bob@globex-co.test')).toHaveLength(1);
    expect(deliveredTo('dan@gmail.com')).toHaveLength(2);
    expect(deliveredTo('fay@globex-co.test')).toHaveLength(2);
  });

  it('is off unless asked, can be turned on by an edit, and refuses a non-boolean', async () => {
    const c = await json(await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Toggle', steps: [{ subject: 'Hi', bodyHtml: '<p>x</p>' }] } }), campaignSchema, 201);
    expect(c.settings.stopCompanyDomain).toBeUndefined();
    const edited = await json(await rep.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { stopCompanyDomain: true } }), campaignSchema);
    expect(edited.settings.stopCompanyDomain).toBe(true);
    const bad = await rep.call(`/api/campaigns/${c.id}`, { method: 'PATCH', json: { stopCompanyDomain: 'yes' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
  });

  it('reads a company from the domain, and none from free-mail or disposable domains', () => {
    expect(companyDomainOf('Ana@Globex.com')).toBe('globex.com');
    for (const free of ['x@gmail.com', 'x@yahoo.co.uk', 'x@hotmail.fr', 'x@outlook.de', 'x@icloud.com', 'x@mailinator.com']) expect(companyDomainOf(free), free).toBeNull();
  });
});
