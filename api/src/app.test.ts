import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { errorEnvelopeSchema } from '../../shared/errors';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

const expectEnvelope = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  const body = errorEnvelopeSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  return body;
};

describe('health and readiness', () => {
  it('answers /health', async () => {
    const res = await rt.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with each part checked', async () => {
    const res = await rt.app.request('/ready');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.queue?.ok).toBe(true);
  });

  it('names the failing part with 503 when the queue is down', async () => {
    const original = rt.deps.queue.ping;
    rt.deps.queue.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await rt.app.request('/ready');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
      expect(body.checks.queue).toEqual({ ok: false, detail: 'connection refused' });
      expect(body.checks.database?.ok).toBe(true);
    } finally {
      rt.deps.queue.ping = original;
    }
  });

  it('names the database with 503 when it is gone', async () => {
    const down = await createTestRuntime();
    await down.dbHandle.close(); // a real closed connection, not a stubbed ping
    try {
      const res = await down.app.request('/ready');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
      expect(body.status).toBe('degraded');
      expect(body.checks.database?.ok).toBe(false);
      expect(body.checks.database?.detail).toBeTruthy();
    } finally {
      await down.close().catch(() => {}); // its database is already closed
    }
  });
});

describe('request ids', () => {
  it('adds one to every response and honours an incoming one', async () => {
    const fresh = await rt.app.request('/health');
    expect(fresh.headers.get('x-request-id')).toMatch(/.{8,}/);
    const echoed = await rt.app.request('/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
  });
});

describe('error envelope', () => {
  it('unknown route → 404', async () => {
    await expectEnvelope(await rt.app.request('/nope'), 404, 'NOT_FOUND');
  });

  it('wrong method → 404 envelope', async () => {
    await expectEnvelope(await rt.app.request('/health', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('malformed JSON → 400', async () => {
    const res = await rt.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    await expectEnvelope(res, 400, 'VALIDATION_ERROR');
  });

  it('wrong types, missing and unknown fields → 400 with details', async () => {
    for (const body of [{ email: 42 }, {}, { email: 'a@b.co', admin: true }, { email: 'not-an-email' }]) {
      const res = await rt.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const env = await expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(Array.isArray(env.error.details)).toBe(true);
    }
  });

  it('oversized body → 413', async () => {
    const big = JSON.stringify({ email: 'a@b.co', name: 'x'.repeat(rt.config.bodyLimitBytes + 10) });
    const res = await rt.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    await expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a failure inside → 500 without the stack or the cause', async () => {
    const broken = await createTestRuntime();
    try {
      const s = await signIn(broken.app, 'gus@down.test');
      await broken.dbHandle.close(); // the database goes away under a live server
      const res = await s.call('/api/me');
      const text = await res.clone().text();
      await expectEnvelope(res, 500, 'INTERNAL_ERROR');
      expect(text).not.toMatch(/closed|pglite|postgres|\.ts:|at /i);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});

describe('identity and sessions', () => {
  it('first user of a workspace is admin; a colleague joins as member', async () => {
    const first = await signIn(rt.app, 'ana@acme.test', 'Ana');
    expect(first.workspace.role).toBe('admin');
    const second = await signIn(rt.app, 'ben@acme.test');
    expect(second.workspace.id).toBe(first.workspace.id);
    expect(second.workspace.role).toBe('member');
    const other = await signIn(rt.app, 'cy@globex.test');
    expect(other.workspace.id).not.toBe(first.workspace.id);
    expect(other.workspace.role).toBe('admin');
  });

  it('GET /api/me answers for the session; logout kills the token at once', async () => {
    const s = await signIn(rt.app, 'dee@initech.test', 'Dee');
    const me = await s.call('/api/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('dee@initech.test');
    expect((await s.call('/api/auth/logout', { method: 'POST' })).status).toBe(200);
    await expectEnvelope(await s.call('/api/me'), 401, 'UNAUTHORIZED');
  });

  it('a missing, bad or expired token → 401', async () => {
    await expectEnvelope(await rt.app.request('/api/me'), 401, 'UNAUTHORIZED');
    await expectEnvelope(await rt.app.request('/api/me', { headers: { authorization: 'Bearer nope' } }), 401, 'UNAUTHORIZED');
    const s = await signIn(rt.app, 'eve@hooli.test');
    const { sessions } = await import('../../db/schema');
    const { eq } = await import('drizzle-orm');
    await rt.deps.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, s.user.id));
    await expectEnvelope(await s.call('/api/me'), 401, 'UNAUTHORIZED');
  });

  it('stores only a hash of the token', async () => {
    const s = await signIn(rt.app, 'fay@umbrella.test');
    const { sessions } = await import('../../db/schema');
    const rows = await rt.deps.db.select().from(sessions);
    expect(rows.some((r) => r.tokenHash.includes(s.token))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });
});

describe('sandbox login switch', () => {
  it('answers 403 with a clear message when SANDBOX_LOGIN is off', async () => {
    const off = await createTestRuntime({ env: { SANDBOX_LOGIN: 'false' } });
    try {
      const res = await off.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.test' }) });
      const env = await expectEnvelope(res, 403, 'FORBIDDEN');
      expect(env.error.message).toMatch(/SANDBOX_LOGIN/);
    } finally {
      await off.close();
    }
  });
});
