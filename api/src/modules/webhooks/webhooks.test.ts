import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { webhookDeliveries } from '../../../../db/schema';
import { seedSentEmail, until } from '../../../test/tracking-fixtures';
import { closeEventRecorder, recorderFor } from '../tracking/recorder';
import { clickUrl, openPixelUrl, unsubscribeUrl } from '../tracking/tokens';
import { createdWebhookSchema } from '../../../../shared/contracts/webhooks';
import { registerWebhookWorker, signDelivery } from './deliver';
import { haveService } from '../../../test/services';

/** A real HTTP receiver: answers each request with the next status of its script (then 200). */
interface Receiver {
  url: string;
  received: Array<{ headers: IncomingHttpHeaders; body: string; at: number }>;
  script: number[];
  server: Server;
}
async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], script: [], server: undefined as unknown as Server };
  r.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      r.received.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(r.script.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hooks`;
  return r;
}

let rt: TestRuntime;
let admin: Awaited<ReturnType<typeof signIn>>;
let member: Awaited<ReturnType<typeof signIn>>;
let receiver: Receiver;
beforeAll(async () => {
  rt = await createTestRuntime();
  registerWebhookWorker(rt.deps);
  admin = await signIn(rt.app, 'owner@hooks-co.test');
  member = await signIn(rt.app, 'rep@hooks-co.test');
  receiver = await startReceiver();
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
  receiver?.server.close();
});

const create = (who: typeof admin, json: unknown) => who.call('/api/webhooks', { method: 'POST', json });

describe('webhook CRUD', () => {
  it('is for admins: members get 403, bad input 400, other workspaces 404', async () => {
    expect(member.workspace.id).toBe(admin.workspace.id);
    expect((await create(member, { url: receiver.url, events: ['email.opened'] })).status).toBe(403);
    expect((await member.call('/api/webhooks')).status).toBe(403);
    expect((await create(admin, { url: 'ftp://x.test/', events: ['email.opened'] })).status).toBe(400);
    expect((await create(admin, { url: receiver.url, events: ['email.exploded'] })).status).toBe(400);

    const res = await create(admin, { url: receiver.url, events: ['email.clicked'] });
    expect(res.status).toBe(201);
    const hook = createdWebhookSchema.parse(await res.json());
    expect(hook.secret).toMatch(/^whsec_/);
    const listed = (await (await admin.call('/api/webhooks')).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data.find((h) => h.id === hook.id)).not.toHaveProperty('secret');

    const patched = await admin.call(`/api/webhooks/${hook.id}`, { method: 'PATCH', json: { active: false } });
    expect(await patched.json()).toMatchObject({ active: false });
    const stranger = await signIn(rt.app, 'boss@elsewhere-co.test');
    expect((await stranger.call(`/api/webhooks/${hook.id}`)).status).toBe(404);
    expect((await admin.call(`/api/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin.call(`/api/webhooks/${hook.id}`)).status).toBe(404);
  });
});

describe('webhook delivery', () => {
  it('signs each delivery and retries with backoff until the receiver accepts it; machine opens are not sent', async () => {
    const hook = createdWebhookSchema.parse(await (await create(admin, { url: receiver.url, events: ['email.opened', 'email.unsubscribed'] })).json());
    receiver.received.length = 0;
    receiver.script = [503, 500];

    const email = await seedSentEmail(rt.deps.db, admin.workspace.id, { sentAt: new Date() });
    const pixel = new URL(openPixelUrl('http://x', rt.config.trackingSecret, email.id)).pathname;
    await rt.app.request(pixel, { headers: { 'user-agent': 'Mozilla/5.0' } }); // Apple MPP: machine, not announced
    await recorderFor(rt.deps).flush(true);
    await rt.app.request(new URL(unsubscribeUrl('http://x', rt.config.trackingSecret, email.id)).pathname, { method: 'POST', body: 'List-Unsubscribe=One-Click' });

    await until(() => receiver.received.length >= 3, 20_000);
    const [first, second, third] = receiver.received;
    for (const r of [first!, second!, third!]) {
      expect(r.headers['x-lumina-event']).toBe('email.unsubscribed');
      expect(r.headers['x-lumina-signature']).toBe(signDelivery(hook.secret, String(r.headers['x-lumina-timestamp']), r.body));
    }
    expect(JSON.parse(third!.body)).toMatchObject({ event: 'email.unsubscribed', emailId: email.id });
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900); // 1 s backoff
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(1800); // then 2 s

    const deliveryId = String(third!.headers['x-lumina-delivery']);
    await until(async () => !!(await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)))[0]?.deliveredAt);
    const [row] = await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(row).toMatchObject({ attempts: 3, status: 200, error: null });
    const log = (await (await admin.call(`/api/webhooks/${hook.id}/deliveries`)).json()) as { data: unknown[] };
    expect(log.data).toHaveLength(1); // the machine open was never queued
  });

  it('gives up at once on a 4xx the receiver means (410 Gone)', async () => {
    const hook = createdWebhookSchema.parse(await (await create(admin, { url: receiver.url, events: ['email.clicked'] })).json());
    receiver.received.length = 0;
    receiver.script = [410];
    const email = await seedSentEmail(rt.deps.db, admin.workspace.id);
    await rt.app.request(new URL(clickUrl('http://x', rt.config.trackingSecret, email.id, 0, 'https://acme.test/')).pathname, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36' } });
    await recorderFor(rt.deps).flush(true);
    await until(async () => {
      const [d] = await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
      return d?.status === 410;
    });
    await new Promise((r) => setTimeout(r, 1500)); // a retry would have come by now
    expect(receiver.received.filter((r) => r.headers['x-lumina-event'] === 'email.clicked')).toHaveLength(1);
    const [d] = await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    expect(d).toMatchObject({ attempts: 1, status: 410, error: 'HTTP 410', deliveredAt: null });
  });
});

describe.runIf(haveService('redis', 'webhook retries on BullMQ'))('webhook delivery on the BullMQ driver', () => {
  it('retries through BullMQ with the same backoff and logs each attempt', async () => {
    const brt = await createTestRuntime({ queue: 'bullmq' });
    const hooks = await startReceiver();
    try {
      registerWebhookWorker(brt.deps);
      const owner = await signIn(brt.app, 'owner@bull-hooks.test');
      createdWebhookSchema.parse(await (await owner.call('/api/webhooks', { method: 'POST', json: { url: hooks.url, events: ['email.unsubscribed'] } })).json());
      hooks.script = [502];
      const email = await seedSentEmail(brt.deps.db, owner.workspace.id);
      await brt.app.request(new URL(unsubscribeUrl('http://x', brt.config.trackingSecret, email.id)).pathname, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
      await until(() => hooks.received.length >= 2, 20_000);
      expect(hooks.received[1]!.at - hooks.received[0]!.at).toBeGreaterThanOrEqual(900);
      const id = String(hooks.received[1]!.headers['x-lumina-delivery']);
      await until(async () => (await brt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]?.status === 200);
      expect((await brt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]).toMatchObject({ attempts: 2, error: null });
    } finally {
      await closeEventRecorder(brt.deps);
      await brt.close();
      hooks.server.close();
    }
  });
});
