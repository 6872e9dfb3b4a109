import { describe, expect, it } from 'vitest';
import { handleMessage } from './router';
import { memoryStore } from '../state/kv';
import { SESSION_KEY } from '../state/session';

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
