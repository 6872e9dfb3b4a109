import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { startDnsServer } from '../../../test/dns-server';
import { auditEvents, prospects } from '../../../../db/schema';
import { campaignSchema, launchCheckResponse } from '../../../../shared/contracts/campaigns';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { consoleClient } from '../../../test/console-client';

/** GET /api/campaigns/:id/launch-check: what launch would say, read before launching, on a real DNS server. */
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let rt: TestRuntime;

beforeAll(async () => {
  dns = await startDnsServer({
    // The sender's domain has SPF and Google's DKIM key, but no DMARC.
    'half.test': { TXT: [['v=spf1 include:_spf.google.com ~all']], MX: [{ exchange: 'mx.half.test', priority: 10 }] },
    'google._domainkey.half.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhHALF']] },
    'client.test': { MX: [{ exchange: 'mx.client.test', priority: 10 }] },
  });
  // No postal address: the check must name it as what stops the launch.
  rt = await createTestRuntime({ env: { DNS_SERVERS: dns.server, RECIPIENT_DNS_CHECK: 'true', POSTAL_ADDRESS: '' } });
});
afterAll(async () => {
  await rt?.close();
  dns?.close();
});

describe('GET /api/campaigns/:id/launch-check', () => {
  it('answers the launch refusals, the sender warnings and the leads that would be skipped, without launching', async () => {
    const rep = await signIn(rt.app, 'rep@half.test', 'Rep');
    await giveMailbox(rt, rep, 'rep@half.test', { provider: 'gmail' });
    const ids: string[] = [];
    for (const email of ['ann@client.test', 'info@client.test', 'sam@client.test']) {
      const res = await rep.call('/api/prospects', { method: 'POST', json: { email } });
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Imported while its domain still took mail; the domain has gone since.
    const [gone] = await rt.deps.db.insert(prospects).values({ workspaceId: rep.workspace.id, email: 'old@nowhere.test', ownerId: rep.user.id }).returning();
    ids.push(gone!.id);
    const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Spring', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
    expect((await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: ids } })).status).toBe(200);
    expect((await rep.call('/api/suppressions', { method: 'POST', json: { email: 'sam@client.test' } })).status).toBe(201);

    const res = await rep.call(`/api/campaigns/${campaign.id}/launch-check`);
    expect(res.status).toBe(200);
    const check = launchCheckResponse.parse(await res.json());
    expect(check).toMatchObject({ campaignId: campaign.id, status: 'draft', ready: false, blockers: [{ code: 'postal_address', message: expect.stringMatching(/postal address/) }] });
    expect(check.warnings).toEqual([{ check: 'dmarc', mailbox: 'rep@half.test', message: expect.stringMatching(/^DMARC missing/) }]);
    expect(check.recipients).toMatchObject({ checked: 4, unsendable: 2 });
    expect(check.recipients.problems.map((p) => [p.email, p.sendable, p.flags])).toEqual([
      ['old@nowhere.test', false, ['undeliverable']],
      ['sam@client.test', false, ['suppressed']],
      ['info@client.test', true, ['role']],
    ]);
    expect(check.recipients.problems[0]!.message).toBe('nowhere.test has no MX record and no address; it will be skipped.');

    // The console's campaign page shows the same check.
    const page = await (await (await consoleClient(rt, 'rep@half.test')).get(`/console/campaigns/${campaign.id}`)).text();
    expect(page).toContain('data-blocker="postal_address"');
    expect(page).toMatch(/data-recipient-check[^>]*>.*2 of 4 leads still to be mailed will be skipped/s);
    expect(page).toContain('<li data-recipient="old@nowhere.test" data-sendable="false"><strong>old@nowhere.test</strong> — nowhere.test has no MX record and no address; it will be skipped.</li>');
    expect(page).toMatch(/data-sender-check.*Mail from <strong>rep@half\.test<\/strong>.*<strong>DMARC missing<\/strong>/s);

    // It changed nothing: still a draft, no launch in the audit log; and launch agrees with it.
    expect(campaignSchema.parse(await (await rep.call(`/api/campaigns/${campaign.id}`)).json()).status).toBe('draft');
    const refused = await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
    expect(errorEnvelopeSchema.parse(await refused.json()).error.details).toEqual([{ path: 'postalAddress', message: 'required before a campaign can launch' }]);
    expect(await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, rep.workspace.id), eq(auditEvents.action, 'campaign.launched')))).toEqual([]);

    expect((await rep.call('/api/settings/sending', { method: 'PATCH', json: { postalAddress: 'Half Ltd, 2 Main Street, Bristol BS1 1AA' } })).status).toBe(200);
    const now = launchCheckResponse.parse(await (await rep.call(`/api/campaigns/${campaign.id}/launch-check`)).json());
    expect(now).toMatchObject({ ready: true, blockers: [] });
    const launched = await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
    expect(launched.status).toBe(200);
    expect(((await launched.json()) as { warnings: unknown }).warnings).toEqual(now.warnings);
    const after = launchCheckResponse.parse(await (await rep.call(`/api/campaigns/${campaign.id}/launch-check`)).json());
    expect(after).toMatchObject({ status: 'active', ready: false, blockers: [{ code: 'status', message: 'An active campaign cannot be launched or resumed.' }] });
    // A running campaign's page keeps the sender check but does not list its recipients on every view.
    const running = await (await (await consoleClient(rt, 'rep@half.test')).get(`/console/campaigns/${campaign.id}`)).text();
    expect(running).toContain('data-sender-check');
    expect(running).not.toContain('data-recipient-check');
  });

  it('is scoped to the workspace and validates the id', async () => {
    const rep = await signIn(rt.app, 'owner@half.test', 'Owner');
    const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Mine', steps: [] } })).json());
    const mine = launchCheckResponse.parse(await (await rep.call(`/api/campaigns/${campaign.id}/launch-check`)).json());
    expect(mine.blockers.map((b) => b.code)).toContain('no_steps');
    const rival = await signIn(rt.app, 'rex@rival-launch.test', 'Rex');
    const theirs = await rival.call(`/api/campaigns/${campaign.id}/launch-check`);
    expect(theirs.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await theirs.json()).error.code).toBe('NOT_FOUND');
    const bad = await rep.call('/api/campaigns/not-a-uuid/launch-check');
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await bad.json()).error.code).toBe('VALIDATION_ERROR');
    expect((await rt.app.request(`/api/campaigns/${campaign.id}/launch-check`)).status).toBe(401);
  });
});
