import { describe, expect, it } from 'vitest';
import { handleMessage, type RouterDeps } from './router';
import { memoryStore } from '../state/kv';
import { SESSION_KEY } from '../state/session';
import { createApiClient } from './api-client';
import { OUTBOX_PREFIX, flushManualSends, type QueuedManualSend } from './manual-send-outbox';

const API = 'http://127.0.0.1:8787';
const session = { token: 'tok', expiresAt: '2099-01-01T00:00:00.000Z', user: { id: 'u1', email: 'rep@acme.test', name: 'Rep' }, workspace: { id: 'w1', name: 'acme', role: 'member' as const, gmailMode: 'light' as const } };
const box = { id: 'm-mine', email: 'rep@acme.test', provider: 'gmail', status: 'active', userId: 'u1', scopes: [], dailyCap: 50, effectiveCap: 50, sendWindow: null, rampUp: null, used: 0, usedByLumina: 0, usedFromGmail: 0, remaining: 50, createdAt: '2026-01-01T00:00:00.000Z' };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * A Lumina API as the extension meets it: `mode` says whether it is out of reach, failing or
 * well, and it dedupes Gmail ids as the real route does.
 */
function fakeApi() {
  const api = {
    mode: 'up' as 'offline' | 'down' | 'up' | 'refuses',
    counted: new Map<string, string>(),
    posts: 0,
    fetch: (async (input, init) => {
      if (api.mode === 'offline') throw new TypeError('Failed to fetch');
      if (api.mode === 'down') return json({ error: { code: 'INTERNAL_ERROR', message: 'down', timestamp: '', request_id: 'r' } }, 503);
      if (init?.method !== 'POST') return json({ data: [box], pagination: { page: 1, limit: 100, total: 1, totalPages: 1 } });
      api.posts++;
      if (api.mode === 'refuses') return json({ error: { code: 'FORBIDDEN', message: 'not yours', timestamp: '', request_id: 'r' } }, 403);
      const body = JSON.parse(String(init.body)) as { gmailMessageId: string; sentAt: string };
      const first = !api.counted.has(body.gmailMessageId);
      if (first) api.counted.set(body.gmailMessageId, body.sentAt);
      return json({ outcome: first ? 'recorded' : 'already_recorded', mailbox: { ...box, usedFromGmail: api.counted.size, used: api.counted.size } }, first ? 201 : 200);
    }) as typeof fetch,
  };
  return api;
}

async function setup() {
  const store = memoryStore();
  await store.set({ [SESSION_KEY]: session });
  const api = fakeApi();
  const deps: RouterDeps = { store, defaultApiUrl: API, fetch: api.fetch };
  const report = (id: string) => handleMessage({ type: 'manualSend.report', account: 'rep@acme.test', report: { gmailMessageId: id } }, deps);
  const queued = async () => Object.values(await store.getByPrefix<QueuedManualSend>(OUTBOX_PREFIX));
  /** What the service worker's alarm (or start-up) does, at a given time. */
  const alarm = (at: number, retryNow = false) => flushManualSends({ store, api: createApiClient({ baseUrl: API, token: session.token, fetch: api.fetch }), session, now: () => at, retryNow });
  return { store, api, report, queued, alarm };
}

describe('Gmail send reports that fail are kept and sent again', () => {
  it('keeps a report made offline or while the API answers 5xx, and posts it on the next report, counted once', async () => {
    const { api, report, queued } = await setup();
    api.mode = 'offline';
    expect(await report('18f00000000000a1')).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    const [kept] = await queued();
    expect(kept).toMatchObject({ account: 'rep@acme.test', report: { gmailMessageId: '18f00000000000a1' }, attempts: 1, lastError: expect.stringContaining('Cannot reach') });
    const seenAt = kept!.report.sentAt;

    api.mode = 'down';
    expect(await report('18f00000000000a2')).toMatchObject({ ok: false, error: { status: 503 } });
    expect((await queued()).map((q) => [q.report.gmailMessageId, q.attempts]).sort()).toEqual([['18f00000000000a1', 2], ['18f00000000000a2', 1]]);

    // The API is back: the next report takes the waiting ones along, each at the time it was seen.
    api.mode = 'up';
    expect(await report('18f00000000000a3')).toMatchObject({ ok: true, data: { outcome: 'recorded', mailbox: { usedFromGmail: 3 } } });
    expect([...api.counted.keys()].sort()).toEqual(['18f00000000000a1', '18f00000000000a2', '18f00000000000a3']);
    expect(api.counted.get('18f00000000000a1')).toBe(seenAt);
    expect(await queued()).toEqual([]);

    // The same message seen again (a second tab, a re-fired event): posted, counted once.
    expect(await report('18f00000000000a3')).toMatchObject({ ok: true, data: { outcome: 'already_recorded', mailbox: { usedFromGmail: 3 } } });
  });

  it('retries on the alarm after a backoff, and at once when the network comes back', async () => {
    const { api, report, queued, alarm } = await setup();
    api.mode = 'offline';
    await report('18f00000000000b1');
    const [kept] = await queued();
    api.mode = 'up';
    // The alarm before the backoff is over leaves it alone; the one after posts it.
    const early = kept!.nextAttemptAt - 1;
    expect((await alarm(early)).size).toBe(0);
    expect(api.posts).toBe(0);
    expect((await alarm(kept!.nextAttemptAt)).get('18f00000000000b1')).toMatchObject({ ok: true, data: { outcome: 'recorded' } });
    expect(await queued()).toEqual([]);

    api.mode = 'offline';
    await report('18f00000000000b2');
    api.mode = 'up';
    expect((await alarm(Date.now(), true)).get('18f00000000000b2')).toMatchObject({ ok: true });
    expect(api.counted.size).toBe(2);
  });

  it('posts nothing twice even when two passes run at once (the worker woken by a report and its alarm)', async () => {
    const { api, report, queued, alarm } = await setup();
    api.mode = 'down';
    await report('18f00000000000c1');
    api.mode = 'up';
    await Promise.all([alarm(Date.now(), true), alarm(Date.now(), true), report('18f00000000000c2')]);
    expect(api.posts).toBe(2);
    expect(api.counted.size).toBe(2);
    expect(await queued()).toEqual([]);
  });

  it('drops a report the API refuses for good (not the rep’s mailbox), and keeps one made while signed out', async () => {
    const { store, api, report, queued } = await setup();
    api.mode = 'refuses';
    expect(await report('18f00000000000d1')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await queued()).toEqual([]);

    api.mode = 'up';
    await store.remove(SESSION_KEY);
    expect(await report('18f00000000000d2')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await queued()).toHaveLength(1);
    await store.set({ [SESSION_KEY]: session });
    expect(await report('18f00000000000d3')).toMatchObject({ ok: true });
    expect([...api.counted.keys()].sort()).toEqual(['18f00000000000d2', '18f00000000000d3']);
  });
});
