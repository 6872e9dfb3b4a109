import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { startDnsServer } from '../../../test/dns-server';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { importJobSchema, importAcceptedSchema, importResultSchema, prospectListResponse, prospectSchema } from '../../../../shared/contracts/prospects';
import { resolverFor } from '../../lib/dns';
import { eq } from 'drizzle-orm';
import { emails, prospects } from '../../../../db/schema';
import { startGmailEmulator } from '../../../emulator/server';
import { fastSend, until } from '../../../test/send-kit';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { registerSendWorker } from '../emails/send.worker';
import { advanceDueLeads } from '../campaigns/sequence.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { RecipientChecker, isDisposableDomain, isRoleAddress } from './recipients';
import { consoleClient } from '../../../test/console-client';

/**
 * Recipient checks on import and add, against a real DNS server on a local UDP port:
 * a domain that takes no mail is refused by row, role and throwaway addresses are imported
 * with a flag, and each domain is asked once however many rows name it.
 */
let dns: Awaited<ReturnType<typeof startDnsServer>>;
let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  dns = await startDnsServer(
    {
      'client.test': { MX: [{ exchange: 'mx1.client.test', priority: 10 }] },
      'other-client.test': { MX: [{ exchange: 'mx.other-client.test', priority: 5 }] },
      'a-only.test': { A: ['192.0.2.25'] }, // no MX: the A record receives mail (RFC 5321 §5.1)
      'nullmx.test': { MX: [{ exchange: '', priority: 0 }] }, // RFC 7505: takes no mail
      'mailinator.com': { MX: [{ exchange: 'mail.mailinator.com', priority: 1 }] }, // resolves, but throwaway
    },
    new Set(['flaky.test']),
    new Set(['silent.test']),
  );
  rt = await createTestRuntime({ env: { DNS_SERVERS: dns.server, RECIPIENT_DNS_CHECK: 'true' } });
  ana = await signIn(rt.app, 'ana@recipients-co.test', 'Ana');
});
afterAll(async () => {
  await rt?.close();
  dns?.close();
});

const upload = (body: string) => ana.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
const lookup = async (email: string) => (await (await ana.call(`/api/prospects/lookup?email=${encodeURIComponent(email)}`)).json()) as { prospect: unknown };
const mxQuestions = (domain: string) => dns.asked.filter((q) => q === `${domain} MX`).length;

describe('recipient checks on CSV import', () => {
  it('refuses rows whose domain takes no mail, by row number, and imports and flags the rest', async () => {
    const res = await upload(
      [
        'email,first_name',
        'pat@client.test,Pat', // row 2: fine
        'info@client.test,Info', // row 3: role address
        'lee@nowhere.test,Lee', // row 4: NXDOMAIN
        'kim@nullmx.test,Kim', // row 5: null MX
        'max@a-only.test,Max', // row 6: A fallback
        'tom@mailinator.com,Tom', // row 7: disposable
        'sales+eu@mailinator.com,Sales', // row 8: role and disposable
        'ivy@flaky.test,Ivy', // row 9: SERVFAIL, cannot tell
      ].join('\n'),
    );
    expect(res.status).toBe(200);
    const r = importResultSchema.parse(await res.json());
    expect(r.imported).toBe(6);
    expect(r.errors).toEqual([
      { row: 4, message: 'nowhere.test has no MX record and no address; not imported' },
      { row: 5, message: 'nullmx.test says it accepts no mail (null MX); not imported' },
    ]);
    expect(r.flagged!.map((f) => [f.row, f.flags])).toEqual([
      [3, ['role']],
      [7, ['disposable']],
      [8, ['disposable', 'role']],
      [9, ['unverified']],
    ]);
    expect(r.flagged![0]!.message).toBe('info@ is a role address (a team inbox, not a person)');
    expect(r.flagged![1]!.message).toBe('mailinator.com is a throwaway (disposable) mail domain');
    expect(r.flagged![3]!.message).toContain('could not check flaky.test in DNS');
    expect((await lookup('lee@nowhere.test')).prospect).toBeNull();
    expect((await lookup('kim@nullmx.test')).prospect).toBeNull();
    expect((await lookup('max@a-only.test')).prospect).toMatchObject({ email: 'max@a-only.test' });
    expect((await lookup('tom@mailinator.com')).prospect).toMatchObject({ email: 'tom@mailinator.com' });
  });

  it('asks DNS once per domain however many rows name it, and not again while cached', async () => {
    const before = mxQuestions('other-client.test');
    const rows = Array.from({ length: 400 }, (_, i) => `p${i}@other-client.test,P${i}`);
    const first = importResultSchema.parse(await (await upload(['email,first_name', ...rows].join('\n'))).json());
    expect(first.imported).toBe(400);
    expect(mxQuestions('other-client.test') - before).toBe(1);
    const again = importResultSchema.parse(await (await upload(['email,first_name', ...rows].join('\n'))).json());
    expect(again.updated).toBe(400);
    expect(mxQuestions('other-client.test') - before).toBe(1); // the cache answered
  });

  it('reports the refused and flagged rows of a large import (a job) in its errors CSV', async () => {
    const rows = Array.from({ length: 5100 }, (_, i) => (i === 10 ? 'gone@nowhere.test,Gone' : i === 20 ? 'support@client.test,Support' : `big${i}@client.test,B${i}`));
    const res = await upload(['email,first_name', ...rows].join('\n'));
    expect(res.status).toBe(202);
    const { statusUrl, jobId } = importAcceptedSchema.parse(await res.json());
    let job = importJobSchema.parse(await (await ana.call(statusUrl)).json());
    for (let tries = 0; job.status === 'running' && tries < 400; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      job = importJobSchema.parse(await (await ana.call(statusUrl)).json());
    }
    expect(job).toMatchObject({ status: 'done', imported: 5099, errorCount: 1 });
    expect(job.errors).toEqual([{ row: 12, message: 'nowhere.test has no MX record and no address; not imported' }]);
    const csv = await (await ana.call(`/api/prospects/import/${jobId}/errors.csv`)).text();
    expect(csv).toContain('22,flagged,"support@client.test: support@ is a role address (a team inbox, not a person); imported"');
  });
});

describe('recipient checks on add', () => {
  it('refuses an address whose domain takes no mail (422) and flags a role address', async () => {
    const refused = await ana.call('/api/prospects', { method: 'POST', json: { email: 'someone@nowhere.test' } });
    expect(refused.status).toBe(422);
    const error = errorEnvelopeSchema.parse(await refused.json()).error;
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toBe('someone@nowhere.test cannot receive mail: nowhere.test has no MX record and no address');
    expect((await lookup('someone@nowhere.test')).prospect).toBeNull();

    const role = await ana.call('/api/prospects', { method: 'POST', json: { email: 'hello@client.test' } });
    expect(role.status).toBe(201);
    const body = (await role.clone().json()) as { recipientCheck?: { flags: string[] } };
    expect(prospectSchema.parse(await role.json()).email).toBe('hello@client.test');
    expect(body.recipientCheck?.flags).toEqual(['role']);

    const plain = await ana.call('/api/prospects', { method: 'POST', json: { email: 'jo@client.test' } });
    expect(plain.status).toBe(201);
    expect(await plain.json()).not.toHaveProperty('recipientCheck');
  });
});

describe('recipient checks on edit', () => {
  const create = async (email: string) => prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email } })).json());

  it('checks a changed address as on add: 422 and nothing written for a domain that takes no mail, flags beside the saved prospect', async () => {
    const p = await create('kim@client.test');
    const refused = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'kim@nowhere.test', firstName: 'Kim' } });
    expect(refused.status).toBe(422);
    const error = errorEnvelopeSchema.parse(await refused.json()).error;
    expect(error).toMatchObject({ code: 'UNPROCESSABLE', message: 'kim@nowhere.test cannot receive mail: nowhere.test has no MX record and no address' });
    const [row] = await rt.deps.db.select().from(prospects).where(eq(prospects.id, p.id));
    expect(row).toMatchObject({ email: 'kim@client.test', firstName: null }); // nothing half-written

    const nullMx = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'kim@nullmx.test' } });
    expect(nullMx.status).toBe(422);
    expect(errorEnvelopeSchema.parse(await nullMx.json()).error.message).toMatch(/^kim@nullmx\.test cannot receive mail: nullmx\.test says it accepts no mail/);

    const role = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'Sales@Other-Client.test' } });
    expect(role.status).toBe(200);
    const body = (await role.clone().json()) as { recipientCheck?: { flags: string[]; message: string } };
    expect(prospectSchema.parse(await role.json()).email).toBe('sales@other-client.test');
    expect(body.recipientCheck).toEqual({ flags: ['role'], message: 'sales@ is a role address (a team inbox, not a person)' });

    const aOnly = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'kim@a-only.test' } });
    expect(aOnly.status).toBe(200); // an A record takes mail when there is no MX, as on add
    expect(await aOnly.json()).not.toHaveProperty('recipientCheck');
  });

  it('does not look the address up again when it is unchanged or not given', async () => {
    const p = await create('lou@other-client.test');
    const before = mxQuestions('other-client.test') + mxQuestions('client.test');
    const rt2 = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { firstName: 'Lou' } });
    expect(rt2.status).toBe(200);
    const same = await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'LOU@other-client.test', company: 'Other' } });
    expect(same.status).toBe(200);
    expect(prospectSchema.parse(await same.json())).toMatchObject({ email: 'lou@other-client.test', firstName: 'Lou', company: 'Other' });
    expect(mxQuestions('other-client.test') + mxQuestions('client.test')).toBe(before);
  });

  it('runs in the console edit form: the refusal shows on the email field, a flag in the saved message', async () => {
    const p = await create('max@client.test');
    const admin = await consoleClient(rt, 'ana@recipients-co.test');
    await admin.get(`/console/prospects/${p.id}`);
    const refused = await admin.post(`/console/prospects/${p.id}`, { email: 'max@nowhere.test', firstName: 'Max' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('Nothing was saved');
    expect(html).toContain('max@nowhere.test cannot receive mail: nowhere.test has no MX record and no address');
    expect((await rt.deps.db.select().from(prospects).where(eq(prospects.id, p.id)))[0]!.email).toBe('max@client.test');

    const page = await admin.submit(`/console/prospects/${p.id}`, { email: 'press@client.test', firstName: 'Max' });
    expect(page).toContain('Saved press@client.test. Note: press@ is a role address (a team inbox, not a person).');
  });
});

describe('the checker', () => {
  it('gives up on a domain whose DNS does not answer in time, and imports it unverified', async () => {
    const checker = new RecipientChecker(resolverFor([dns.server]), { dns: true, timeoutMs: 300 });
    const started = Date.now();
    const verdicts = await checker.check(['ann@silent.test', 'bob@silent.test', 'cy@client.test']);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(verdicts.get('ann@silent.test')).toMatchObject({ deliverable: true, flags: ['unverified'] });
    expect(verdicts.get('cy@client.test')).toEqual({ deliverable: true, flags: [], message: null });
    expect(checker.lookups).toBe(2); // silent.test once for its two addresses
  });

  it('flags role and disposable addresses without DNS when lookups are off', async () => {
    const checker = new RecipientChecker(resolverFor([dns.server]), { dns: false });
    const before = dns.asked.length;
    const v = await checker.check(['admin@anything.test', 'x@sub.0x01.gq', 'ok@nowhere.test']);
    expect(v.get('admin@anything.test')!.flags).toEqual(['role']);
    expect(v.get('x@sub.0x01.gq')!.flags).toEqual(['disposable']); // a wildcard entry covers subdomains
    expect(v.get('ok@nowhere.test')).toEqual({ deliverable: true, flags: [], message: null });
    expect(dns.asked.length).toBe(before);
    expect(isRoleAddress('Sales+Q3@acme.test')).toBe(true);
    expect(isRoleAddress('sally@acme.test')).toBe(false);
    expect(isDisposableDomain('acme.test')).toBe(false);
  });
});

describe('recipient check before a campaign sends', () => {
  it('skips, with the reason, a lead whose domain takes no mail (imported before the check, or since lost its MX)', async () => {
    const emu = await startGmailEmulator();
    const sendRt = await createTestRuntime({ env: { DNS_SERVERS: dns.server, RECIPIENT_DNS_CHECK: 'true', GOOGLE_API_ROOT: emu.url } });
    try {
      registerSendWorker(sendRt.deps, fastSend);
      const rep = await signIn(sendRt.app, 'rep@client.test', 'Rep');
      const good = prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email: 'pat@client.test' } })).json());
      // Written straight to the table, as an import made before recipient checks existed would have.
      const [dead] = await sendRt.deps.db.insert(prospects).values({ workspaceId: rep.workspace.id, ownerId: rep.user.id, email: 'old@nowhere.test' }).returning();
      const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Check first', steps: [{ subject: 'Hello', bodyHtml: '<p>Hi</p>' }] } })).json());
      await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [good.id, dead!.id] } });
      expect((await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' })).status).toBe(200);
      await advanceDueLeads(sendRt.deps, {}, new Date(Date.now() + 60_000));
      const settled = await until(async () => {
        const rows = await sendRt.deps.db.select().from(emails).where(eq(emails.campaignId, campaign.id));
        return rows.length === 2 && rows.every((r) => ['SENT', 'FAILED'].includes(r.status)) ? rows : undefined;
      });
      const byTo = Object.fromEntries(settled.map((r) => [r.to, r]));
      expect(byTo['pat@client.test']!.status).toBe('SENT');
      expect(byTo['old@nowhere.test']).toMatchObject({ status: 'FAILED', failureReason: 'RECIPIENT_UNDELIVERABLE: nowhere.test has no MX record and no address; not sent' });
      expect(byTo['old@nowhere.test']!.providerMessageId ?? null).toBeNull();
      // The prospect now carries the finding: the list badges it and its flag filter finds it.
      const flagged = prospectSchema.parse(await (await rep.call(`/api/prospects/${dead!.id}`)).json());
      expect(flagged.recipientFlags).toEqual(['no_mail']);
      expect(prospectSchema.parse(await (await rep.call(`/api/prospects/${good.id}`)).json()).recipientFlags).toEqual([]);
      const noMail = prospectListResponse.parse(await (await rep.call('/api/prospects?flag=no_mail')).json());
      expect(noMail.data.map((p) => p.email)).toEqual(['old@nowhere.test']);
    } finally {
      await closeEventRecorder(sendRt.deps);
      await sendRt.close();
      await emu.close();
    }
  });
});
