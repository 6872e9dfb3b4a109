import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { and, count, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { campaignLeads, emailEvents, mailboxes, suppressions } from '../../../../db/schema';
import { firstStepOf } from '../../../test/sequence-kit';
import { clickUrl, openPixelUrl, signToken, unsubscribeUrl } from './tokens';
import { closeEventRecorder, createEventRecorder, EVENTS_QUEUE, recorderFor, registerEventWriter } from './recorder';
import { haveService } from '../../../test/services';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { serveOnFreePort } from '../../../test/serve';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';

let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'rep@tracking.test');
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

const path = (url: string) => new URL(url).pathname;
const secret = () => rt.config.trackingSecret;
const flush = () => recorderFor(rt.deps).flush(true);
const eventsOf = (emailId: string) => rt.deps.db.select().from(emailEvents).where(eq(emailEvents.emailId, emailId)).orderBy(emailEvents.id);
const pixel = (emailId: string, ua = CHROME) => rt.app.request(path(openPixelUrl('http://x', secret(), emailId)), { headers: { 'user-agent': ua } });

describe('open pixel', () => {
  it('answers the same 43-byte transparent GIF, uncacheable, for good, forged and garbage tokens', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const forged = signToken('someone-elses-secret-someone-elses-secret', { kind: 'o', emailId: email.id });
    const bodies: Buffer[] = [];
    for (const p of [path(openPixelUrl('http://x', secret(), email.id)), `/t/o/${forged}`, '/t/o/not-a-token', `/t/o/${'x'.repeat(5000)}`]) {
      const res = await rt.app.request(p, { headers: { 'user-agent': CHROME } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toBe('no-store, no-cache, must-revalidate, private');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      bodies.push(Buffer.from(await res.arrayBuffer()));
    }
    expect(bodies[0]!.length).toBe(43);
    expect(bodies[0]!.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    for (const b of bodies) expect(b.equals(bodies[0]!)).toBe(true);
    await flush();
    const events = await eventsOf(email.id);
    expect(events).toHaveLength(1); // only the genuine token recorded anything
    expect(events[0]).toMatchObject({ type: 'open', machine: false, reason: 'human', userAgent: CHROME });
  });

  it('carries a request id like every answer, honouring a well-formed incoming one', async () => {
    const ask = (id: string) => rt.app.request('/t/o/not-a-token', { headers: { 'x-request-id': id } });
    expect((await ask('edge-7f3a')).headers.get('x-request-id')).toBe('edge-7f3a');
    expect((await ask('bad id <script>')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers before anything is written: the hit waits in the buffer until the flush', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const recorder = recorderFor(rt.deps);
    await flush();
    await pixel(email.id);
    expect(recorder.pending()).toBeGreaterThanOrEqual(1);
    await flush();
    expect(recorder.pending()).toBe(0);
    expect(await eventsOf(email.id)).toHaveLength(1);
  });

  it('stores the Gmail proxy fetch at delivery as a machine open and a later proxied open as human', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: new Date() });
    await pixel(email.id, GMAIL_PROXY);
    await flush();
    const late = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: new Date(Date.now() - 86_400_000) });
    await pixel(late.id, GMAIL_PROXY);
    await flush();
    expect((await eventsOf(email.id)).map((e) => [e.machine, e.reason])).toEqual([[true, 'gmail_proxy_prefetch']]);
    expect((await eventsOf(late.id)).map((e) => [e.machine, e.reason])).toEqual([[false, 'human']]);
  });

  it('stores Apple MPP prefetches as machine opens', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    await pixel(email.id, 'Mozilla/5.0');
    await flush();
    expect((await eventsOf(email.id)).map((e) => e.reason)).toEqual(['apple_mpp']);
  });

  it('stores the rep’s own view (reported by the extension) as a machine open, scoped to the workspace', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const res = await rep.call('/api/tracking/self-view', { method: 'POST', json: { threadId: email.threadId } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ matched: 1 });
    await pixel(email.id, GMAIL_PROXY);
    await flush();
    expect((await eventsOf(email.id)).map((e) => [e.machine, e.reason])).toEqual([[true, 'self_view']]);

    const stranger = await signIn(rt.app, 'someone@elsewhere.test');
    const other = await stranger.call('/api/tracking/self-view', { method: 'POST', json: { emailId: email.id } });
    expect(await other.json()).toEqual({ matched: 0 });
    const bad = await rep.call('/api/tracking/self-view', { method: 'POST', json: {} });
    expect(bad.status).toBe(400);
  });
});

describe('click redirect', () => {
  it('redirects only to the signed URL and records the click', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const res = await rt.app.request(path(clickUrl('http://x', secret(), email.id, 2, 'https://acme.test/pricing?x=1')), { headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://acme.test/pricing?x=1');
    await flush();
    expect(await eventsOf(email.id)).toMatchObject([{ type: 'click', linkIndex: 2, url: 'https://acme.test/pricing?x=1', machine: false, reason: 'human' }]);
  });

  it('answers 404 and redirects nowhere for forged or altered tokens', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const good = path(clickUrl('http://x', secret(), email.id, 0, 'https://acme.test/')).slice('/t/c/'.length);
    const [payload, mac] = good.split('.') as [string, string];
    const evil = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('https://acme.test/', 'https://evil.test/')).toString('base64url');
    const forged = signToken('someone-elses-secret-someone-elses-secret', { kind: 'c', emailId: email.id, linkIndex: 0, url: 'https://evil.test/' });
    const openToken = path(openPixelUrl('http://x', secret(), email.id)).slice('/t/o/'.length);
    for (const t of [`${evil}.${mac}`, forged, 'garbage', openToken]) {
      const res = await rt.app.request(`/t/c/${t}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    await flush();
    expect(await eventsOf(email.id)).toHaveLength(0);
  });

  it('stores scanner patterns as machine clicks: HEAD, scanner agents, at delivery, every link within a second', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const click = (emailId: string, i: number, init: RequestInit = {}) =>
      rt.app.request(path(clickUrl('http://x', secret(), emailId, i, `https://acme.test/${i}`)), { headers: { 'user-agent': CHROME }, ...init });
    const head = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: old });
    expect((await click(head.id, 0, { method: 'HEAD' })).status).toBe(302);
    const agent = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: old });
    await click(agent.id, 0, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Barracuda Sentinel)' } });
    const fresh = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: new Date() });
    await click(fresh.id, 0);
    const burst = await seedSentEmail(rt.deps.db, rep.workspace.id, { sentAt: old });
    await Promise.all([0, 1, 2].map((i) => click(burst.id, i)));
    await flush();
    expect((await eventsOf(head.id)).map((e) => e.reason)).toEqual(['head_request']);
    expect((await eventsOf(agent.id)).map((e) => e.reason)).toEqual(['scanner_agent']);
    expect((await eventsOf(fresh.id)).map((e) => e.reason)).toEqual(['click_at_delivery']);
    expect((await eventsOf(burst.id)).map((e) => [e.machine, e.reason])).toEqual([
      [true, 'all_links_burst'],
      [true, 'all_links_burst'],
      [true, 'all_links_burst'],
    ]);
  });
});

describe('one-click unsubscribe', () => {
  it('shows a page with a button, then suppresses the address, stops the sequence and records one event, idempotently', async () => {
    const db = rt.deps.db;
    // The email is a sequence step from the scheduler: its lead link is written by the accept path.
    await db.insert(mailboxes).values({ workspaceId: rep.workspace.id, userId: rep.user.id, provider: 'sandbox', email: `rep-${crypto.randomUUID()}@tracking.test` });
    const { email, lead } = await firstStepOf(rt, rep, 'ada@prospect.test', { name: 'Q3', steps: [{ subject: 'Hi', bodyHtml: '<p>1</p>' }, { delay: 2, bodyHtml: '<p>2</p>' }] });
    expect(email.campaignLeadId).toBe(lead.id);
    const url = path(unsubscribeUrl('http://x', secret(), email.id));

    const page = await rt.app.request(url);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('ada@prospect.test');
    expect(text).toMatch(/<form method="post">[\s\S]*<button/);
    expect(await db.select().from(suppressions).where(eq(suppressions.workspaceId, rep.workspace.id))).toHaveLength(0); // a GET changes nothing

    for (let i = 0; i < 2; i++) {
      const res = await rt.app.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBe(200);
    }
    const rows = await db.select().from(suppressions).where(eq(suppressions.workspaceId, rep.workspace.id));
    expect(rows).toMatchObject([{ email: 'ada@prospect.test', reason: 'unsubscribe', sourceEmailId: email.id }]);
    expect((await eventsOf(email.id)).map((e) => e.type)).toEqual(['unsubscribe']);
    const [after] = await db.select().from(campaignLeads).where(eq(campaignLeads.id, lead.id));
    expect(after!.status).toBe('unsubscribed');
  });

  it('answers 404 for a forged unsubscribe token and suppresses nothing', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const forged = signToken('someone-elses-secret-someone-elses-secret', { kind: 'u', emailId: email.id });
    const res = await rt.app.request(`/u/${forged}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(404);
    const [n] = await rt.deps.db.select({ n: count() }).from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.sourceEmailId, email.id)));
    expect(n!.n).toBe(0);
  });
});

describe('the open pixel over a real port (answered ahead of Hono)', () => {
  it('answers the same GIF and headers as the app, records good tokens only, and HEAD without a body', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const server = await serveOnFreePort(rt);
    try {
      const good = `${server.url}${path(openPixelUrl('http://x', secret(), email.id))}`;
      const forged = signToken('someone-elses-secret-someone-elses-secret', { kind: 'o', emailId: email.id });
      const viaApp = Buffer.from(await (await pixel(email.id)).arrayBuffer());
      for (const url of [good, `${good}?utm=x`, `${server.url}/t/o/${forged}`, `${server.url}/t/o/%zz`]) {
        const res = await fetch(url, { headers: { 'user-agent': CHROME, 'x-request-id': 'edge-1' } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/gif');
        expect(res.headers.get('cache-control')).toBe('no-store, no-cache, must-revalidate, private');
        expect(res.headers.get('x-request-id')).toBe('edge-1');
        expect(Buffer.from(await res.arrayBuffer()).equals(viaApp)).toBe(true);
      }
      // Without one of its own, each answer gets a request id of its own.
      const ids = await Promise.all([1, 2].map(async () => (await fetch(`${server.url}/t/o/${forged}`)).headers.get('x-request-id')));
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[0]).not.toBe(ids[1]);
      const head = await fetch(good, { method: 'HEAD', headers: { 'user-agent': CHROME } });
      expect(head.status).toBe(200);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
      // Everything else still reaches the app behind it.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect((await fetch(good, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
    await flush();
    const events = await eventsOf(email.id);
    expect(events.map((e) => [e.type, e.ip, (e.data as { method?: string }).method ?? 'GET'])).toEqual([
      ['open', null, 'GET'], // the app.request() one: no socket
      ['open', '127.0.0.1', 'GET'],
      ['open', '127.0.0.1', 'GET'],
      ['open', '127.0.0.1', 'HEAD'],
    ]);
  });
});

describe('the recorder under a slow database', () => {
  it('stores every hit that arrives during a slow write, in a few batches', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    let inserts = 0;
    // The real database, with every INSERT taking 200 ms: hits keep arriving meanwhile.
    const slow = new Proxy(rt.deps.db, {
      get(target, prop, receiver) {
        if (prop !== 'execute') return Reflect.get(target, prop, receiver);
        return async (query: Parameters<typeof target.execute>[0]) => {
          inserts++;
          await new Promise((r) => setTimeout(r, 200));
          return target.execute(query);
        };
      },
    });
    const recorder = createEventRecorder({ ...rt.deps, db: slow }, { maxBatch: 10, flushMs: 10_000 });
    const hit = () => recorder.record({ kind: 'open', emailId: email.id, at: new Date(), userAgent: CHROME, ip: '203.0.113.9', method: 'GET' });
    for (let i = 0; i < 10; i++) hit(); // a full batch: its write starts
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 290; i++) hit(); // all of these arrive while it is in flight
    await recorder.close();
    expect(inserts).toBeLessThanOrEqual(3);
    expect(await eventsOf(email.id)).toHaveLength(300);
  });
});

describe('the recorder while writes fail', () => {
  /** The real database, whose n-th INSERT (1-based) fails when `fails(n)` says so (reads still work). */
  const failing = (state: { inserts: number }, fails: (n: number) => boolean) =>
    new Proxy(rt.deps.db, {
      get(target, prop, receiver) {
        if (prop !== 'execute') return Reflect.get(target, prop, receiver);
        return async (query: Parameters<typeof target.execute>[0]) => {
          if (fails(++state.inserts)) throw new Error('connection lost');
          return target.execute(query);
        };
      },
    });

  it('writes a backlog bigger than one statement in whole statements: a failed one is written again, none twice', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    // The first statement (5,000 rows) goes in, the second fails: only its rows go back.
    const recorder = createEventRecorder({ ...rt.deps, db: failing({ inserts: 0 }, (n) => n === 2) }, { maxBatch: 100_000, flushMs: 10_000 });
    for (let i = 0; i < 12_000; i++) recorder.record({ kind: 'open', emailId: email.id, at: new Date(), userAgent: CHROME, ip: null, method: 'GET' });
    await recorder.flush(true);
    expect(recorder.pending()).toBe(7000);
    await recorder.close();
    expect(recorder.pending()).toBe(0);
    expect(await eventsOf(email.id)).toHaveLength(12_000);
  }, 60_000);

  it('holds at most maxBuffered hits while the database is away, counts the ones it drops, and writes the rest when it is back', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const state = { inserts: 0, down: true };
    const recorder = createEventRecorder({ ...rt.deps, db: failing(state, () => state.down) }, { maxBatch: 10, flushMs: 5, maxBuffered: 100 });
    for (let i = 0; i < 150; i++) {
      recorder.record({ kind: 'open', emailId: email.id, at: new Date(), userAgent: CHROME, ip: null, method: 'GET' });
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await recorder.flush(true);
    expect(recorder.pending()).toBe(100);
    expect(recorder.dropped()).toBe(50);
    const triesWhileDown = state.inserts;
    expect(triesWhileDown).toBeLessThan(30); // backed off, not one failing query per hit
    state.down = false;
    await recorder.close();
    expect(await eventsOf(email.id)).toHaveLength(100);
  });
});

describe('a burst of pixel hits over a real port', () => {
  it('loses no event: 10,000 hits, 10,000 rows', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    const server = await serveOnFreePort(rt);
    const { port } = server;
    const pixelPath = path(openPixelUrl('http://x', secret(), email.id));
    // node:http with keep-alive: several times the throughput of fetch() on these cores.
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const hit = () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: pixelPath, agent, headers: { 'user-agent': CHROME } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    const total = 10_000;
    let next = 0;
    let ok = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          next++;
          if ((await hit()) === 200) ok++;
        }
      }),
    );
    agent.destroy();
    await server.close();
    await flush();
    const [n] = await rt.deps.db.select({ n: count() }).from(emailEvents).where(eq(emailEvents.emailId, email.id));
    expect(ok).toBe(total);
    expect(n!.n).toBe(total);
  }, 120_000);
});

describe.runIf(haveService('redis', 'pixel hits through the BullMQ events queue'))('pixel hits on the BullMQ driver', () => {
  it('hands batches to the events queue; they wait there until a worker writes them, and none is lost', async () => {
    const brt = await createTestRuntime({ queue: 'bullmq' });
    try {
      const owner = await signIn(brt.app, 'owner@bull-pixel.test');
      const email = await seedSentEmail(brt.deps.db, owner.workspace.id);
      const url = path(openPixelUrl('http://x', brt.config.trackingSecret, email.id));
      for (let i = 0; i < 250; i++) expect((await brt.app.request(url, { headers: { 'user-agent': CHROME } })).status).toBe(200);
      await recorderFor(brt.deps).flush(true);
      expect(recorderFor(brt.deps).pending()).toBe(0);
      // No worker yet: the batch is in Redis, not in Postgres.
      expect((await brt.deps.queue.counts(EVENTS_QUEUE)).waiting).toBeGreaterThanOrEqual(1);
      const rows = () => brt.deps.db.select({ n: count() }).from(emailEvents).where(eq(emailEvents.emailId, email.id)).then((r) => r[0]!.n);
      expect(await rows()).toBe(0);
      registerEventWriter(brt.deps);
      const deadline = Date.now() + 20_000;
      while ((await rows()) < 250 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await rows()).toBe(250);
      const [sample] = await brt.deps.db.select().from(emailEvents).where(eq(emailEvents.emailId, email.id)).limit(1);
      expect(sample).toMatchObject({ type: 'open', machine: false, reason: 'human', userAgent: CHROME });
    } finally {
      await closeEventRecorder(brt.deps);
      await brt.close();
    }
  });
});
