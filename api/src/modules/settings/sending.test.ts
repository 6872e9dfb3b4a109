import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { consoleClient } from '../../../test/console-client';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { auditEvents, emails } from '../../../../db/schema';
import { errorEnvelopeSchema, paginationSchema } from '../../../../shared/errors';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { sandboxMessageSchema } from '../../../../shared/contracts/sandbox';
import { sendingSettingsSchema } from '../../../../shared/contracts/settings';
import { registerSendWorker } from '../emails/send.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { advanceDueLeads } from '../campaigns/sequence.worker';

/** CAN-SPAM basics: campaign mail carries the workspace's postal address and an unsubscribe line. */
let emu: GmailEmulator;
let rt: TestRuntime;
let boss: Awaited<ReturnType<typeof signIn>>;
const ADDRESS = 'Acme Widgets Ltd\n12 Harbour Road\nBristol BS1 4XY, United Kingdom';

beforeAll(async () => {
  emu = await startGmailEmulator();
  // The production default: no server-wide address, so each workspace must set its own.
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url, POSTAL_ADDRESS: '' } });
  registerSendWorker(rt.deps, fastSend);
  boss = await signIn(rt.app, 'boss@footer-co.test', 'Boss');
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
  await emu?.close();
});

const errorOf = async (res: Response) => errorEnvelopeSchema.parse(await res.json()).error;

async function draftCampaign(name: string, to: string) {
  const campaign = campaignSchema.parse(await (await boss.call('/api/campaigns', { method: 'POST', json: { name, steps: [{ subject: `${name} hello`, bodyHtml: '<p>Hi there, <a href="https://acme.test/offer">see the offer</a>.</p>' }] } })).json());
  const prospect = prospectSchema.parse(await (await boss.call('/api/prospects', { method: 'POST', json: { email: to, firstName: 'Pat' } })).json());
  await boss.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [prospect.id] } });
  return campaign;
}

async function sentTo(address: string) {
  await until(async () => {
    const open = await rt.deps.db.select({ id: emails.id }).from(emails).where(and(eq(emails.workspaceId, boss.workspace.id), inArray(emails.status, ['PENDING_SEND', 'SENDING'])));
    return open.length === 0;
  });
  const list = paginationSchema(sandboxMessageSchema).parse(await (await boss.call('/api/sandbox/messages?limit=100')).json());
  const raw = list.data.find((m) => m.to.includes(address))?.raw;
  expect(raw, `a message to ${address}`).toBeTruthy();
  return { raw: raw!, parsed: await PostalMime.parse(raw!) };
}

describe('postal address and unsubscribe footer', () => {
  it('refuses to launch a campaign until the workspace has a postal address (400 naming the setting)', async () => {
    expect(sendingSettingsSchema.parse(await (await boss.call('/api/settings/sending')).json())).toEqual({ postalAddress: null, postalAddressSource: null });
    const campaign = await draftCampaign('No address yet', 'pat@no-address.test');
    const refused = await boss.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
    expect(refused.status).toBe(400);
    const error = await errorOf(refused);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toContain('postal address');
    expect(error.details).toEqual([{ path: 'postalAddress', message: 'required before a campaign can launch' }]);
    expect(campaignSchema.parse(await (await boss.call(`/api/campaigns/${campaign.id}`)).json()).status).toBe('draft');
  });

  it('validates the address, lets only admins set it, and audits the change', async () => {
    const short = await boss.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: 'Bristol' } });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).code).toBe('VALIDATION_ERROR');
    expect((await boss.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj' } })).status).toBe(400);
    expect((await boss.call('/api/settings/sending', { method: 'PATCH', json: { address: ADDRESS } })).status).toBe(400);

    const member = await signIn(rt.app, 'rep@footer-co.test', 'Rep'); // joins by domain as a member (harness default)
    expect(member.workspace.id).toBe(boss.workspace.id);
    expect((await member.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: ADDRESS } })).status).toBe(403);

    const set = await boss.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: `  ${ADDRESS.replace(/\n/g, '  \n  ')}  ` } });
    expect(set.status).toBe(200);
    expect(sendingSettingsSchema.parse(await set.json())).toEqual({ postalAddress: ADDRESS, postalAddressSource: 'workspace' });
    expect(sendingSettingsSchema.parse(await (await member.call('/api/settings/sending')).json()).postalAddress).toBe(ADDRESS); // a rep sees it
    const [row] = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, boss.workspace.id), eq(auditEvents.target, 'postalAddress')));
    expect(row).toMatchObject({ action: 'settings.changed', actorId: boss.user.id, data: { before: null, after: ADDRESS } });
  });

  it('puts the address and an unsubscribe link in both parts of campaign mail, and not in one-off mail', async () => {
    const campaign = await draftCampaign('Spring', 'pat@footer-client.test');
    expect((await boss.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' })).status).toBe(200);
    await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 60_000));
    const { raw, parsed } = await sentTo('pat@footer-client.test');

    const listUnsubscribe = parsed.headers.find((h) => h.key === 'list-unsubscribe')!.value.replace(/^<|>$/g, '');
    expect(listUnsubscribe).toMatch(/^http:\/\/lumina\.test\/u\//);
    // HTML part: the address line by line, and the plain (never click-tracked) unsubscribe link.
    expect(parsed.html).toContain('Acme Widgets Ltd<br>12 Harbour Road<br>Bristol BS1 4XY, United Kingdom');
    expect(parsed.html).toContain(`<a href="${listUnsubscribe}"`);
    expect(parsed.html).toContain('Unsubscribe</a>');
    // Text part: the same.
    expect(parsed.text).toContain(ADDRESS);
    expect(parsed.text).toContain(`Unsubscribe: ${listUnsubscribe}`);
    // Both parts are there, as a mail reader gets them.
    expect(raw).toMatch(/multipart\/alternative/i);

    // The unsubscribe link works: one-click POST as RFC 8058, then the address is suppressed.
    const unsub = await rt.app.request(new URL(listUnsubscribe).pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(unsub.status).toBeLessThan(300);

    const oneOff = await boss.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, json: { to: 'lee@one-off.test', subject: 'Quick note', bodyHtml: '<p>Just you and me.</p>' } });
    expect(oneOff.status).toBe(202);
    const single = await sentTo('lee@one-off.test');
    expect(single.parsed.text).not.toContain('Harbour Road');
    expect(single.parsed.html).not.toContain('Harbour Road');
  });

  it('will not clear the address while a campaign runs', async () => {
    const summer = await draftCampaign('Summer', 'pat@summer-client.test');
    expect(campaignSchema.parse(await (await boss.call(`/api/campaigns/${summer.id}/launch`, { method: 'POST' })).json()).status).toBe('active');
    const cleared = await boss.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: null } });
    expect(cleared.status).toBe(409);
    expect((await errorOf(cleared)).message).toContain('"Summer"');
    expect(sendingSettingsSchema.parse(await (await boss.call('/api/settings/sending')).json()).postalAddress).toBe(ADDRESS);
  });

  it('falls back on the server’s POSTAL_ADDRESS for a workspace without its own', async () => {
    const withDefault = await createTestRuntime({ env: { POSTAL_ADDRESS: 'Operator Inc., 5 Main St, Springfield 12345' } });
    try {
      const admin = await signIn(withDefault.app, 'admin@server-default.test', 'Admin');
      expect(sendingSettingsSchema.parse(await (await admin.call('/api/settings/sending')).json())).toEqual({ postalAddress: 'Operator Inc., 5 Main St, Springfield 12345', postalAddressSource: 'server' });
    } finally {
      await withDefault.close();
    }
  });

  it('is set on the console’s Settings page', async () => {
    const other = await createTestRuntime({ env: { POSTAL_ADDRESS: '' } });
    try {
      const admin = await consoleClient(other, 'admin@console-postal.test');
      const empty = await (await admin.get('/console/settings')).text();
      expect(empty).toContain('No postal address yet: campaigns cannot be launched.');
      const bad = await admin.post('/console/settings/postal-address', { postalAddress: 'Paris' });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('The postal address needs a full postal address');
      const saved = await admin.submit('/console/settings/postal-address', { postalAddress: '1 Rue de la Paix\r\n75002 Paris, France' });
      expect(saved).toContain('Saved. Campaign emails now end with this address and an unsubscribe link.');
      expect(saved).toContain('1 Rue de la Paix\n75002 Paris, France</textarea>');
    } finally {
      await other.close();
    }
  });
});
