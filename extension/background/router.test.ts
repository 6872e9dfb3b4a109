import { describe, expect, it } from 'vitest';
import { handleMessage } from './router';
import { memoryStore } from '../state/kv';
import { SESSION_KEY } from '../state/session';
import { forgetHostReport } from './host-reports';

describe('Google sign-in through the identity API', () => {
  it('asks the API with its redirect URL and keeps the session handed back in the fragment', async () => {
    const store = memoryStore();
    let started: URL | undefined;
    const me = { user: { id: 'u1', email: 'rep@acme.test', name: 'Rep' }, workspace: { id: 'w1', name: 'acme.test', role: 'member', gmailMode: 'light' } };
    const res = await handleMessage({ type: 'session.googleLogin' }, {
      store,
      defaultApiUrl: 'http://127.0.0.1:8787',
      redirectUrl: 'https://abcdefgh.chromiumapp.org/',
      launchWebAuthFlow: async (url) => {
        started = new URL(url);
        return 'https://abcdefgh.chromiumapp.org/#token=tok-123&expiresAt=2027-01-15T10%3A00%3A00.000Z';
      },
      fetch: async (input, init) => {
        expect(String(input)).toBe('http://127.0.0.1:8787/api/me');
        expect(new Headers(init?.headers).get('authorization')).toBe('Bearer tok-123');
        return new Response(JSON.stringify(me), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    expect(started?.pathname).toBe('/api/auth/google/start');
    expect(started?.searchParams.get('redirect')).toBe('https://abcdefgh.chromiumapp.org/');
    expect(res.ok).toBe(true);
    expect(store.dump()[SESSION_KEY]).toMatchObject({ token: 'tok-123', expiresAt: '2027-01-15T10:00:00.000Z', user: me.user });
  });

  it('says so when the flow comes back without a session', async () => {
    const res = await handleMessage({ type: 'session.googleLogin' }, {
      store: memoryStore(),
      defaultApiUrl: 'http://127.0.0.1:8787',
      redirectUrl: 'https://abcdefgh.chromiumapp.org/',
      launchWebAuthFlow: async () => 'https://abcdefgh.chromiumapp.org/#error=access_denied',
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'GOOGLE_SIGN_IN_FAILED' } });
  });
});

describe('a send made in Gmail (light mode)', () => {
  const session = { token: 'tok', expiresAt: '2099-01-01T00:00:00.000Z', user: { id: 'u1', email: 'rep@acme.test', name: 'Rep' }, workspace: { id: 'w1', name: 'acme', role: 'member', gmailMode: 'light' } };
  const box = (id: string, email: string, userId: string) => ({ id, email, provider: 'gmail', status: 'active', userId, scopes: [], dailyCap: 50, effectiveCap: 50, sendWindow: null, rampUp: null, used: 0, usedByLumina: 0, usedFromGmail: 0, remaining: 50, createdAt: '2026-01-01T00:00:00.000Z' });
  const boxes = [box('m-other', 'rep@acme.test', 'u2'), box('m-old', 'old@acme.test', 'u1'), box('m-mine', 'rep@acme.test', 'u1')];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('goes to the rep’s own mailbox of the tab’s Gmail account, with the report as sent', async () => {
    const store = memoryStore();
    await store.set({ [SESSION_KEY]: session });
    const posted: Array<{ url: string; body: unknown }> = [];
    const res = await handleMessage({ type: 'manualSend.report', account: 'Rep@Acme.test', report: { gmailMessageId: '18f0000000000abc' } }, {
      store,
      defaultApiUrl: 'http://127.0.0.1:8787',
      fetch: async (input, init) => {
        const url = String(input);
        if (init?.method === 'POST') {
          posted.push({ url, body: JSON.parse(String(init.body)) });
          return json({ outcome: 'recorded', mailbox: { ...boxes[2], used: 1, usedFromGmail: 1, remaining: 49 } }, 201);
        }
        return json({ data: boxes, pagination: { page: 1, limit: 100, total: 3, totalPages: 1 } });
      },
    });
    expect(res).toMatchObject({ ok: true, data: { outcome: 'recorded', mailbox: { usedFromGmail: 1 } } });
    // Stamped with the time it was seen, so a later retry still counts it at the real time.
    expect(posted).toEqual([{ url: 'http://127.0.0.1:8787/api/mailboxes/m-mine/manual-sends', body: { gmailMessageId: '18f0000000000abc', sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } }]);
  });

  it('says so when the rep has no mailbox for that account, and posts nothing', async () => {
    const store = memoryStore();
    await store.set({ [SESSION_KEY]: session });
    let posts = 0;
    const res = await handleMessage({ type: 'manualSend.report', account: 'someone@else.test', report: { gmailMessageId: '18f0000000000abc' } }, {
      store,
      defaultApiUrl: 'http://127.0.0.1:8787',
      fetch: async (_input, init) => (init?.method === 'POST' && posts++, json({ data: boxes, pagination: { page: 1, limit: 100, total: 3, totalPages: 1 } })),
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(posts).toBe(0);
  });
});

describe('which Gmail host the popup reports', () => {
  const deps = (store: ReturnType<typeof memoryStore>, open: Set<number>) => ({ store, defaultApiUrl: 'http://127.0.0.1:8787', liveGmailTabs: async (ids: number[]) => new Set(ids.filter((id) => open.has(id))) });
  const hostShown = async (d: ReturnType<typeof deps>) => {
    const res = await handleMessage({ type: 'session.get' }, d);
    if (!res.ok) throw new Error(res.error.message);
    return res.data.host;
  };

  it('says "degraded" only while a Gmail tab that is still open reports the DOM host', async () => {
    const store = memoryStore({ hostStatus: { host: 'dom', reason: 'left by an older version', at: 1 } });
    const open = new Set([7, 9]);
    const d = deps(store, open);
    expect(await hostShown(d)).toBeNull(); // the single report older versions kept for every tab is dropped
    expect(store.dump().hostStatus).toBeUndefined();

    await handleMessage({ type: 'host.report', host: 'inboxsdk' }, d, { tabId: 9 });
    await handleMessage({ type: 'host.report', host: 'dom', reason: 'InboxSDK did not load in 15 s' }, d, { tabId: 7 });
    expect(await hostShown(d)).toMatchObject({ host: 'dom', reason: 'InboxSDK did not load in 15 s' });

    // Tab 7 closes (chrome.tabs.onRemoved): its report goes with it; tab 9's InboxSDK remains.
    await forgetHostReport(store, 7);
    open.delete(7);
    expect(await hostShown(d)).toMatchObject({ host: 'inboxsdk' });

    // Tab 9 navigates away from Gmail: its report is dropped on the next read, and nothing is shown.
    await handleMessage({ type: 'host.report', host: 'dom', reason: 'again' }, d, { tabId: 9 });
    open.delete(9);
    expect(await hostShown(d)).toBeNull();
    expect(Object.keys(store.dump()).filter((k) => k.startsWith('hostStatus'))).toEqual([]);
  });

  it('keeps a report per tab, so a reload on the InboxSDK host clears that tab only', async () => {
    const store = memoryStore();
    const d = deps(store, new Set([1, 2]));
    await handleMessage({ type: 'host.report', host: 'dom', reason: 'slow' }, d, { tabId: 1 });
    await handleMessage({ type: 'host.report', host: 'dom', reason: 'slower' }, d, { tabId: 2 });
    await handleMessage({ type: 'host.report', host: 'inboxsdk' }, d, { tabId: 1 });
    expect(await hostShown(d)).toMatchObject({ host: 'dom', reason: 'slower' });
    await handleMessage({ type: 'host.report', host: 'inboxsdk' }, d, { tabId: 2 });
    expect(await hostShown(d)).toMatchObject({ host: 'inboxsdk' });
    // A report from no tab (not a content script) is tied to nothing and not kept.
    await handleMessage({ type: 'host.report', host: 'dom', reason: 'nowhere' }, d);
    expect(await hostShown(d)).toMatchObject({ host: 'inboxsdk' });
  });
});
