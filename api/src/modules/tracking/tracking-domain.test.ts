import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { startDnsServer } from '../../../test/dns-server';
import { connectMailbox, openSendRuntime, settle, type SendRuntime } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { auditEvents } from '../../../../db/schema';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { trackingDomainResponse } from '../../../../shared/contracts/tracking-domain';
import { resolverFor } from '../../lib/dns';
import { clickUrl, unsubscribeUrl, verifyToken } from './tokens';
import { setTrackingDomain } from './domain';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
beforeAll(async () => {
  dns = await startDnsServer({
    'track.acme.test': { CNAME: 'lumina.test' },
    'wrong.acme.test': { CNAME: 'elsewhere.test' },
    'proxied.acme.test': { A: ['192.0.2.7'] },
  });
});
afterAll(() => dns?.close());

describe('setting a tracking domain', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { DNS_SERVERS: dns.server } });
  });
  afterAll(() => rt?.close());

  it('checks the CNAME (or a TXT proof) through the resolver and says what it found', async () => {
    const admin = await signIn(rt.app, 'boss@acme-track.test', 'Boss');
    const put = (domain: string) => admin.call('/api/tracking-domain', { method: 'PUT', json: { domain } });
    const info = trackingDomainResponse.parse(await (await admin.call('/api/tracking-domain')).json());
    expect(info).toMatchObject({ domain: null, cnameTarget: 'lumina.test' });

    const wrong = await put('wrong.acme.test');
    expect(wrong.status).toBe(422);
    expect(errorEnvelopeSchema.parse(await wrong.json()).error.message).toContain('its CNAME points to elsewhere.test');
    const none = errorEnvelopeSchema.parse(await (await put('nothing.acme.test')).json()).error;
    expect(none).toMatchObject({ code: 'UNPROCESSABLE', message: expect.stringContaining('has no CNAME record') });
    expect((await put('not a domain')).status).toBe(400);

    // Behind a proxy: the TXT proof the API hands out.
    dns.zone['_lumina.proxied.acme.test'] = { TXT: [[info.txt.value]] };
    expect(trackingDomainResponse.parse(await (await put('proxied.acme.test')).json()).domain).toBe('proxied.acme.test');
    expect(trackingDomainResponse.parse(await (await put('Track.Acme.test')).json()).domain).toBe('track.acme.test');
    const [row] = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.target, 'trackingDomain'))).orderBy(auditEvents.createdAt).limit(1);
    expect(row).toMatchObject({ action: 'settings.changed', data: { before: null, after: 'proxied.acme.test' } });

    // One domain, one workspace; members may not change it.
    const other = await signIn(rt.app, 'boss@other-track.test', 'Other');
    const taken = await other.call('/api/tracking-domain', { method: 'PUT', json: { domain: 'track.acme.test' } });
    expect(errorEnvelopeSchema.parse(await taken.json()).error.code).toBe('CONFLICT');
    await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'rep@acme-track.test' } });
    const rep = await signIn(rt.app, 'rep@acme-track.test', 'Rep');
    expect((await rep.call('/api/tracking-domain', { method: 'DELETE' })).status).toBe(403);
    expect(trackingDomainResponse.parse(await (await admin.call('/api/tracking-domain', { method: 'DELETE' })).json()).domain).toBeNull();
  });
});

describe('mail of a workspace with its own tracking domain', () => {
  let emu: GmailEmulator;
  let rt: SendRuntime;
  beforeAll(async () => {
    emu = await startGmailEmulator();
    rt = await openSendRuntime('inline', emu);
  });
  afterAll(async () => {
    await rt?.close();
    await emu?.close();
  });

  it('carries pixel, click and unsubscribe links on that domain, and the domain refuses another workspace’s tokens', async () => {
    const rep = await signIn(rt.app, 'rita@own-domain.test', 'Rita');
    await setTrackingDomain(rt.deps, { ...rep, sessionId: '', userId: rep.user.id, workspaceId: rep.workspace.id, role: 'admin', email: 'rita@own-domain.test' }, 'track.acme.test', resolverFor([dns.server]));
    const box = await connectMailbox(rt, emu, rep, 'box@own-domain.test');
    const res = await rep.call('/api/emails/send', {
      method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() },
      json: { to: 'bob@prospect.test', subject: 'Hi', bodyHtml: '<p>Hi <a href="https://acme.test/pricing">pricing</a></p>', mailboxId: box.id },
    });
    const { id } = (await res.json()) as { id: string };
    const [row] = await settle(rt, [id]);
    expect(row!.status).toBe('SENT');
    const mail = await PostalMime.parse(emu.control.sent(box.email)[0]!.raw);
    const secret = rt.config.trackingSecret;
    const pixel = /<img src="http:\/\/track\.acme\.test\/t\/o\/([^"]+)"/.exec(mail.html ?? '');
    expect(verifyToken(secret, pixel![1]!)).toEqual({ kind: 'o', emailId: id });
    const link = /href="(http:\/\/track\.acme\.test\/t\/c\/[^"]+)"/.exec(mail.html ?? '')![1]!;
    expect(mail.headers.find((h) => h.key === 'list-unsubscribe')?.value).toMatch(/^<http:\/\/track\.acme\.test\/u\//);

    // The signed link verifies on the workspace's domain and still on PUBLIC_URL.
    const hit = await rt.app.request(link);
    expect(hit.status).toBe(302);
    expect(hit.headers.get('location')).toBe('https://acme.test/pricing');
    expect((await rt.app.request(link.replace('track.acme.test', 'lumina.test'))).status).toBe(302);

    // Another workspace's token on this workspace's domain is refused; on PUBLIC_URL it works.
    const rival = await signIn(rt.app, 'rex@rival-domain.test', 'Rex');
    const theirs = await seedSentEmail(rt.deps.db, rival.workspace.id);
    const foreign = clickUrl('http://track.acme.test', secret, theirs.id, 0, 'https://rival.test/');
    expect((await rt.app.request(foreign)).status).toBe(404);
    expect((await rt.app.request(foreign.replace('track.acme.test', 'lumina.test'))).status).toBe(302);
    const foreignUnsub = unsubscribeUrl('http://track.acme.test', secret, theirs.id);
    expect((await rt.app.request(foreignUnsub)).status).toBe(404);
    expect((await rt.app.request(foreignUnsub.replace('track.acme.test', 'lumina.test'))).status).toBe(200);
  });
});
