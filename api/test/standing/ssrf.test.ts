import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../harness';
import { webhookDeliveries, webhooks } from '../../../db/schema';
import { deliverWebhook } from '../../src/modules/webhooks/deliver';
import { BlockedAddressError, isBlockedAddress, postOutbound, publicOnlyLookup } from '../../src/lib/ssrf';

/** Defect 7: outside embedded mode a webhook never reaches private, loopback or link-local targets. */
let rt: TestRuntime;
let receiver: Server;
let hits = 0;
let port = 0;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
  receiver = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver?.close();
  await rt?.close();
});

describe('webhook targets', () => {
  it('refuse private, loopback, link-local and oddly spelt loopback URLs at creation', async () => {
    const admin = await signIn(rt.app, 'admin@ssrf.test');
    for (const host of ['127.0.0.1', 'localhost', 'localhost.', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]', '[::1]', '169.254.169.254', '10.1.2.3', '192.168.0.1', '[fe80::1]', '0.0.0.0', '100.64.0.1']) {
      const res = await admin.call('/api/webhooks', { method: 'POST', json: { url: `http://${host}:${port}/hook`, events: ['email.sent'] } });
      expect(res.status, host).toBe(400);
    }
    const ok = await admin.call('/api/webhooks', { method: 'POST', json: { url: 'https://203.0.114.9/hook', events: ['email.sent'] } });
    expect(ok.status).toBe(201);
  });

  it('refuse at delivery too (a row written before the rule, or a name resolving to loopback), without contacting it', async () => {
    const admin = await signIn(rt.app, 'admin2@ssrf2.test');
    const [hook] = await rt.deps.db.insert(webhooks).values({ workspaceId: admin.workspace.id, url: `http://127.0.0.1:${port}/hook`, events: ['email.sent'], secret: 'whsec_x', active: true }).returning();
    const [delivery] = await rt.deps.db.insert(webhookDeliveries).values({ webhookId: hook!.id, event: 'email.sent', payload: {} }).returning();
    await expect(deliverWebhook(rt.deps, { data: { deliveryId: delivery!.id }, attempt: 1 } as never)).rejects.toThrow(/private/);
    const [row] = await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
    expect(row!.error).toMatch(/Refused/);
    await expect(postOutbound(`http://localhost.:${port}/`, { headers: {}, body: '{}', timeoutMs: 2000, allowPrivate: false })).rejects.toBeInstanceOf(BlockedAddressError);
    const resolved = await new Promise<unknown>((resolve) => publicOnlyLookup('localhost', {}, (err) => resolve(err)));
    expect(resolved).toBeInstanceOf(BlockedAddressError);
    expect(hits).toBe(0);
    // The same receiver is reachable when private targets are allowed (embedded mode's default).
    expect((await postOutbound(`http://127.0.0.1:${port}/`, { headers: {}, body: '{}', timeoutMs: 2000, allowPrivate: true })).status).toBe(200);
    expect(hits).toBe(1);
  });

  it('classify addresses, IPv4-mapped IPv6 included', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:7f00:1', '::ffff:10.0.0.1', '169.254.169.254', 'fd00::1', '172.16.5.4']) expect(isBlockedAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '2606:4700::1111', '203.0.114.9']) expect(isBlockedAddress(ip), ip).toBe(false);
  });
});
