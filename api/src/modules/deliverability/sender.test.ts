import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { startDnsServer } from '../../../test/dns-server';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { consoleClient } from '../../../test/console-client';

/** The sender check at launch and resume, against a real DNS server: warnings in words, never a refusal, never a hang. */
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let rt: TestRuntime;

beforeAll(async () => {
  dns = await startDnsServer({
    'good.test': { TXT: [['v=spf1 include:_spf.google.com ~all']] },
    'google._domainkey.good.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqh']] },
    '_dmarc.good.test': { TXT: [['v=DMARC1; p=reject']] },
    'bare.test': { A: ['192.0.2.10'] },
    'broken.test': { TXT: [['v=spf1 -all'], ['v=spf1 mx -all']] },
    '_dmarc.broken.test': { TXT: [['v=DMARC1; rua=mailto:x@broken.test']] },
    // Signs with its own selector only, as a domain on another mail service does.
    'own.test': { TXT: [['v=spf1 include:_spf.google.com -all']] },
    's1._domainkey.own.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhOWN']] },
    '_dmarc.own.test': { TXT: [['v=DMARC1; p=quarantine']] },
  }, new Set(), new Set(['silent.test', '_dmarc.silent.test', 'google._domainkey.silent.test']));
  rt = await createTestRuntime({ env: { DNS_SERVERS: dns.server } });
});
afterAll(async () => {
  await rt?.close();
  dns?.close();
});

async function launchFrom(domain: string, provider: 'gmail' | 'sandbox' = 'gmail', local = 'rep') {
  const rep = await signIn(rt.app, `${local}@${domain}`, 'Rep');
  await giveMailbox(rt, rep, `${local}@${domain}`, { provider });
  const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Go', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
  const started = Date.now();
  const res = await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
  return { rep, campaign, res, ms: Date.now() - started, body: (await res.json()) as { status: string; warnings: Array<{ check: string; mailbox: string; message: string }> } };
}

describe('sender check at launch', () => {
  it('has no warning for a domain set up well', async () => {
    const { res, body } = await launchFrom('good.test');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'active', warnings: [] });
  });

  it('launches with the missing records named in plain words', async () => {
    const { res, body } = await launchFrom('bare.test');
    expect(res.status).toBe(200); // a warning, not a refusal
    expect(body.status).toBe('active');
    const byCheck = Object.fromEntries(body.warnings.map((w) => [w.check, w]));
    expect(byCheck.dmarc).toMatchObject({ mailbox: 'rep@bare.test', message: expect.stringMatching(/^DMARC missing: Gmail and Yahoo reject bulk mail without it/) });
    expect(byCheck.spf!.message).toMatch(/^SPF missing/);
    expect(byCheck.dkim!.message).toMatch(/^DKIM missing/);
  });

  it('names broken records, and warns again on resume (from the cache)', async () => {
    const { rep, campaign, body } = await launchFrom('broken.test');
    expect(body.warnings.map((w) => w.message)).toEqual(expect.arrayContaining([expect.stringMatching(/more than one SPF record/), expect.stringMatching(/DMARC broken: the record has no valid policy/)]));
    expect((await rep.call(`/api/campaigns/${campaign.id}/pause`, { method: 'POST' })).status).toBe(200);
    const asked = dns.asked.length;
    const resumed = await rep.call(`/api/campaigns/${campaign.id}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as typeof body).warnings).toEqual(body.warnings);
    expect(dns.asked.length).toBe(asked);
  });

  it('does not wait on a DNS server that never answers, and skips sandbox mailboxes', async () => {
    const silent = await launchFrom('silent.test');
    expect(silent.res.status).toBe(200);
    expect(silent.ms).toBeLessThan(6000);
    // The resolver's own timeout or the check's limit, whichever comes first: "could not", never "missing".
    expect(silent.body.warnings.length).toBeGreaterThan(0);
    for (const w of silent.body.warnings) expect(w.message).toMatch(/^Could not (look up|check) .*silent\.test/);
    const sandbox = await launchFrom('sandbox-only.test', 'sandbox');
    expect(sandbox.body.warnings).toEqual([]);
  });

  it("checks the DKIM selectors the admin saved on the mailbox, at launch and at resume", async () => {
    const first = await launchFrom('own.test');
    expect(first.body.warnings).toEqual([expect.objectContaining({ check: 'dkim', message: expect.stringMatching(/^DKIM missing: no key at selector "google"/) })]);
    // The admin names the selector the domain signs with; the next launch and resume find the key.
    const [box] = ((await (await first.rep.call('/api/mailboxes')).json()) as { data: Array<{ id: string }> }).data;
    const saved = await first.rep.call(`/api/mailboxes/${box!.id}`, { method: 'PATCH', json: { dkimSelectors: ['S1'] } });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ dkimSelectors: ['s1'] });
    expect((await first.rep.call(`/api/campaigns/${first.campaign.id}/pause`, { method: 'POST' })).status).toBe(200);
    const resumed = await first.rep.call(`/api/campaigns/${first.campaign.id}/resume`, { method: 'POST' });
    expect(((await resumed.json()) as typeof first.body).warnings).toEqual([]);
    expect(dns.asked).toContain('s1._domainkey.own.test TXT');
    const second = campaignSchema.parse(await (await first.rep.call('/api/campaigns', { method: 'POST', json: { name: 'Again', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
    const launched = await first.rep.call(`/api/campaigns/${second.id}/launch`, { method: 'POST' });
    expect(await launched.json()).toMatchObject({ status: 'active', warnings: [] });
  });

  it('does not hold a personal Gmail address to records on a domain the rep does not own, and says what is true instead', async () => {
    for (const domain of ['gmail.com', 'googlemail.com']) {
      const asked = dns.asked.length;
      const { res, body } = await launchFrom(domain, 'gmail', `lumina.rep.${domain.length}`);
      expect(res.status).toBe(200);
      expect(body.status).toBe('active');
      expect(body.warnings).toEqual([
        { check: 'sender', mailbox: `lumina.rep.${domain.length}@${domain}`, message: expect.stringMatching(/personal Gmail address: Google signs its mail itself.*about 500 messages a day.*not meant for bulk mail/) },
      ]);
      expect(body.warnings.map((w) => w.message).join(' ')).not.toMatch(/SPF missing|DKIM missing|DMARC missing/);
      expect(dns.asked.slice(asked).filter((q) => q.includes(domain))).toEqual([]); // nothing looked up on Google's domain
    }
  });

  it('is shown in the console: after launch and on the campaign page', async () => {
    const rep = await signIn(rt.app, 'ana@bare.test', 'Ana');
    await giveMailbox(rt, rep, 'ana@bare.test', { provider: 'gmail' });
    const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Console go', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
    const admin = await consoleClient(rt, 'ana@bare.test');
    await admin.get(`/console/campaigns/${campaign.id}`);
    const page = await admin.submit(`/console/campaigns/${campaign.id}/launch`);
    expect(page).toContain('Check the sender: 3 problems with its domain’s DNS, listed below.');
    const panel = /data-sender-check[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(panel).toContain('Mail from <strong>ana@bare.test</strong> may be rejected or land in spam until bare.test’s DNS records are fixed. The campaign still sends meanwhile.');
    expect(panel).toContain('<strong>DMARC missing</strong>: Gmail and Yahoo reject bulk mail without it');
    // Where to fix it: the mailbox's DNS checks page.
    expect(panel).toMatch(/href="\/console\/mailboxes\/[0-9a-f-]{36}\/dns">See the DNS checks and what to add</);
  });
});
