import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { startDnsServer } from '../../../test/dns-server';
import { deliverabilityResponse, type DeliverabilityResponse } from '../../../../shared/contracts/deliverability';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { mailboxSchema } from '../../../../shared/contracts/mailboxes';
import { and, desc, eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema';
import { consoleClient } from '../../../test/console-client';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let rt: TestRuntime;
let admin: Awaited<ReturnType<typeof signIn>>;
const boxes: Record<string, string> = {};

beforeAll(async () => {
  dns = await startDnsServer({
    // A domain set up well.
    'good.test': { TXT: [['v=spf1 include:_spf.google.com ~all'], ['google-site-verification=x']], MX: [{ exchange: 'aspmx.l.google.com', priority: 1 }] },
    'google._domainkey.good.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqh', 'kiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA']] },
    '_dmarc.good.test': { TXT: [['v=DMARC1; p=quarantine; rua=mailto:d@good.test']] },
    // Nothing at all.
    'bare.test': { A: ['192.0.2.10'] },
    // Broken records: two SPF, a revoked key at the admin's selector, a DMARC without a policy.
    'broken.test': { TXT: [['v=spf1 include:_spf.google.com -all'], ['v=spf1 mx -all']] },
    's1._domainkey.broken.test': { TXT: [['v=DKIM1; p=']] },
    '_dmarc.broken.test': { TXT: [['v=DMARC1; rua=mailto:x@broken.test']] },
    'nullmx.test': { MX: [{ exchange: '', priority: 0 }] },
    // A good key only at the admin's own selector.
    'mail2._domainkey.bare.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhBARE']] },
  }, new Set(['_dmarc.flaky.test']));
  rt = await createTestRuntime({ env: { DNS_SERVERS: dns.server } });
  admin = await signIn(rt.app, 'boss@dns-checks.test', 'Boss');
  for (const d of ['good.test', 'bare.test', 'broken.test', 'flaky.test', 'gmail.com']) boxes[d] = (await giveMailbox(rt, admin, `rep@${d}`, { provider: 'gmail' })).id;
});
afterAll(async () => {
  await rt?.close();
  dns?.close();
});

const check = async (domain: string, query = ''): Promise<DeliverabilityResponse> => {
  const res = await admin.call(`/api/mailboxes/${boxes[domain]}/deliverability${query}`);
  expect(res.status).toBe(200);
  return deliverabilityResponse.parse(await res.json());
};
const byName = (r: DeliverabilityResponse) => Object.fromEntries(r.checks.map((c) => [c.check, c]));

describe('GET /api/mailboxes/:id/deliverability', () => {
  it('passes a domain with SPF, Google DKIM and DMARC, and a recipient domain with MX', async () => {
    const r = await check('good.test', '?recipient=ann@good.test');
    expect(r.ok).toBe(true);
    const c = byName(r);
    expect(c.spf).toMatchObject({ status: 'pass', record: 'v=spf1 include:_spf.google.com ~all' });
    expect(c.dkim).toMatchObject({ status: 'pass', name: 'google._domainkey.good.test' });
    expect(c.dkim!.record).toContain('kiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'); // a key split over strings is joined
    expect(c.dmarc).toMatchObject({ status: 'pass', message: 'DMARC found (policy quarantine).' });
    expect(c.mx).toMatchObject({ status: 'pass', record: '1 aspmx.l.google.com' });
  });

  it('says in plain words what is missing', async () => {
    const r = await check('bare.test', '?recipient=bare.test');
    expect(r.ok).toBe(false);
    const c = byName(r);
    expect(c.spf!.message).toMatch(/^SPF missing/);
    expect(c.dkim!.message).toMatch(/^DKIM missing: no key at selector "google"/);
    expect(c.dmarc!.message).toMatch(/^DMARC missing: Gmail and Yahoo reject bulk mail without it/);
    expect(c.mx).toMatchObject({ status: 'warn', record: 'A 192.0.2.10' });
  });

  it('names broken records, checks the selector the admin gives, and a null MX', async () => {
    const r = await check('broken.test', '?selector=s1&recipient=x@nullmx.test');
    const c = byName(r);
    expect(c.spf).toMatchObject({ status: 'fail', message: expect.stringMatching(/more than one SPF record/) });
    expect(c.dkim).toMatchObject({ status: 'fail', name: 's1._domainkey.broken.test', message: expect.stringMatching(/revoked/) });
    expect(c.dmarc).toMatchObject({ status: 'fail', message: expect.stringMatching(/no valid policy/) });
    expect(c.mx).toMatchObject({ status: 'fail', message: expect.stringMatching(/accepts no mail/) });
    const none = byName(await check('good.test', '?recipient=nowhere.test'));
    expect(none.mx).toMatchObject({ status: 'fail', message: 'nowhere.test has no MX record and no address: mail to it cannot be delivered.' });
  });

  it('tells a failed lookup from a missing record, and refuses bad input with 400 and another workspace with 404', async () => {
    const c = byName(await check('flaky.test'));
    expect(c.dmarc).toMatchObject({ status: 'unknown', message: expect.stringMatching(/^Could not look up _dmarc\.flaky\.test/) });
    const bad = await admin.call(`/api/mailboxes/${boxes['good.test']}/deliverability?selector=a%20b`);
    expect(bad.status).toBe(400);
    const rival = await signIn(rt.app, 'rex@other-dns.test', 'Rex');
    const theirs = await rival.call(`/api/mailboxes/${boxes['good.test']}/deliverability`);
    expect(errorEnvelopeSchema.parse(await theirs.json()).error.code).toBe('NOT_FOUND');
  });

  it('shows the checks in words on the console, from the mailbox page', async () => {
    const login = await rt.app.request('/console/login', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: new URLSearchParams({ email: 'boss@dns-checks.test' }).toString(),
    });
    const cookie = login.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
    const settings = await (await rt.app.request(`/console/mailboxes/${boxes['bare.test']}`, { headers: { cookie } })).text();
    expect(settings).toContain(`href="/console/mailboxes/${boxes['bare.test']}/dns"`);
    const page = await rt.app.request(`/console/mailboxes/${boxes['bare.test']}/dns?selector=s1&recipient=`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('DMARC missing: Gmail and Yahoo reject bulk mail without it');
    expect(html).toContain('no key at selector &quot;google&quot; or &quot;s1&quot;');
    expect(html).toContain('Some receivers will reject or bin this mail');
  });

  it('says what is true of a personal Gmail address instead of asking for records on Google\'s domain', async () => {
    const asked = dns.asked.length;
    const r = await check('gmail.com');
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => [c.check, c.status])).toEqual([['spf', 'pass'], ['dkim', 'pass'], ['dmarc', 'pass']]);
    expect(byName(r).dkim!.message).toBe("DKIM signed by Google: gmail.com is Google's domain, not yours to set up.");
    expect(r.note).toMatch(/^rep@gmail\.com is a personal Gmail address: .*about 500 messages a day/);
    expect(dns.asked.slice(asked)).toEqual([]);
  });
});

const latestAudit = async (action: string) =>
  (await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.action, action))).orderBy(desc(auditEvents.createdAt)))[0];

describe('DKIM selectors saved on a mailbox', () => {
  it('are saved through the API, validated as DNS labels, audited as a settings change and used by the check', async () => {
    const id = boxes['bare.test']!;
    expect(byName(await check('bare.test')).dkim!.status).toBe('fail');
    const saved = await admin.call(`/api/mailboxes/${id}`, { method: 'PATCH', json: { dkimSelectors: ['mail2', ' Selector1 ', 'mail2', 'google'] } });
    expect(saved.status).toBe(200);
    expect(mailboxSchema.parse(await saved.json()).dkimSelectors).toEqual(['mail2', 'selector1']); // trimmed, lower-cased, once each; google is always checked
    const row = await latestAudit('settings.changed');
    expect(row).toMatchObject({ actorId: admin.user.id, target: 'dkimSelectors', data: { mailbox: 'rep@bare.test', before: [], after: ['mail2', 'selector1'] } });
    expect(await latestAudit('mailbox.updated')).toBeUndefined(); // only the setting changed, not the sending limits
    // The mailbox page's check now finds the key at the saved selector without being told.
    expect(byName(await check('bare.test')).dkim).toMatchObject({ status: 'pass', name: 'mail2._domainkey.bare.test' });

    for (const bad of [['bad_selector'], ['-s1'], ['a'.repeat(64)], ['s 1'], [''], Array.from({ length: 11 }, (_, i) => `s${i}`), 's1']) {
      const res = await admin.call(`/api/mailboxes/${id}`, { method: 'PATCH', json: { dkimSelectors: bad } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('VALIDATION_ERROR');
    }
    const named = await admin.call(`/api/mailboxes/${id}`, { method: 'PATCH', json: { dkimSelectors: ['s1', 'bad_selector'] } });
    expect(errorEnvelopeSchema.parse(await named.json()).error.details).toEqual([
      expect.objectContaining({ path: 'dkimSelectors.1', message: '"bad_selector" is not a DKIM selector: use letters, digits and hyphens, e.g. s1 or selector1' }),
    ]);
    const rival = await signIn(rt.app, 'rex@other-dkim.test', 'Rex'); // another workspace's admin
    const notTheirs = await rival.call(`/api/mailboxes/${id}`, { method: 'PATCH', json: { dkimSelectors: ['x1'] } });
    expect(errorEnvelopeSchema.parse(await notTheirs.json()).error.code).toBe('NOT_FOUND');
    expect(byName(await check('bare.test')).dkim!.name).toBe('mail2._domainkey.bare.test');

    // Clearing them is a change too.
    expect((await admin.call(`/api/mailboxes/${id}`, { method: 'PATCH', json: { dkimSelectors: [] } })).status).toBe(200);
    expect((await latestAudit('settings.changed'))!.data).toMatchObject({ before: ['mail2', 'selector1'], after: [] });
  });

  it('are edited on the console mailbox page, with a bad selector shown on its field', async () => {
    const id = boxes['broken.test']!;
    const con = await consoleClient(rt, 'boss@dns-checks.test');
    const form = await (await con.get(`/console/mailboxes/${id}`)).text();
    expect(form).toContain('name="dkimSelectors"');
    const fields = { dailyCap: '200', 'rampUp.startCap': '20', 'rampUp.increment': '10', 'rampUp.everyDays': '2', 'sendWindow.tz': 'UTC', 'sendWindow.start': '09:00', 'sendWindow.end': '17:00' };
    const refused = await con.post(`/console/mailboxes/${id}`, { ...fields, dkimSelectors: 's1, bad selector!' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/id="f-dkimSelectors-err"[^>]*>&quot;selector!&quot; is not a DKIM selector/);
    const list = await con.submit(`/console/mailboxes/${id}`, { ...fields, dkimSelectors: 's1, mail' });
    expect(list).toContain('DKIM selectors checked: <strong data-dkim-selectors="google,s1,mail">google, s1, mail</strong>');
    expect(await latestAudit('settings.changed')).toMatchObject({ target: 'dkimSelectors', data: { mailbox: 'rep@broken.test', after: ['s1', 'mail'] } });
    const dnsPage = await (await con.get(`/console/mailboxes/${id}/dns`)).text();
    expect(dnsPage).toContain('DKIM key revoked: the record at selector &quot;s1&quot;');
  });
});
