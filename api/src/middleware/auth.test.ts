import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, rowCounts, signIn, type TestRuntime } from '../../test/harness';
import { schema } from '../../../db/client';
import { errorEnvelopeSchema } from '../../../shared/errors';

/**
 * The role guard over the whole API: a viewer reads, and no write route of any domain lets
 * them change anything — whatever the body, whatever the id.
 */
let rt: TestRuntime;
let admin: Awaited<ReturnType<typeof signIn>>;
let viewer: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  rt = await createTestRuntime();
  admin = await signIn(rt.app, 'ada@roles.test', 'Ada');
  viewer = await signIn(rt.app, 'vic@roles.test', 'Vic');
  await rt.deps.db.update(schema.memberships).set({ role: 'viewer' }).where(eq(schema.memberships.userId, viewer.user.id));
});
afterAll(() => rt?.close());

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);


describe('viewers', () => {
  it('read what their workspace has', async () => {
    for (const path of ['/api/me', '/api/prospects', '/api/templates', '/api/drafts', '/api/dashboard/stats']) {
      expect((await viewer.call(path)).status, path).toBe(200);
    }
  });

  it('cannot write through any route, and nothing changes', async () => {
    const prospect = (await (await admin.call('/api/prospects', { method: 'POST', json: { email: 'lee@client.test' } })).json()) as { id: string };
    const writes = [...new Map(rt.app.routes.filter((r) => r.path.startsWith('/api/') && WRITE.has(r.method)).map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(writes.length).toBeGreaterThan(15);
    const before = await rowCounts(rt.deps.db);
    // The sign-in doors take no session (sandbox login, e-mail + password): a viewer's token means nothing there.
    for (const r of writes.filter((x) => x.path !== '/api/auth/logout' && x.path !== '/api/auth/sandbox-login' && !x.path.startsWith('/api/auth/password/'))) {
      const path = r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, prospect.id);
      const res = await viewer.call(path, { method: r.method, json: { email: 'v@x.test', name: 'x', version: 1, to: ['a@b.test'], subject: 's', bodyHtml: 'b' }, headers: { 'idempotency-key': crypto.randomUUID() } });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('FORBIDDEN');
    }
    expect(await rowCounts(rt.deps.db)).toEqual(before);
  });

  it('can still sign out', async () => {
    const other = await signIn(rt.app, 'val@roles.test');
    await rt.deps.db.update(schema.memberships).set({ role: 'viewer' }).where(eq(schema.memberships.userId, other.user.id));
    expect((await other.call('/api/auth/logout', { method: 'POST' })).status).toBe(200);
    expect((await other.call('/api/me')).status).toBe(401);
  });
});
