import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import type { Draft } from '../../../../shared/contracts/drafts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

const draft = (version: number, subject = `v${version}`) => ({ version, to: ['bob@prospect.test'], subject, bodyHtml: `<p>${subject}</p>` });
type Envelope = { data: Draft[]; pagination: { total: number } };

describe('draft sync', () => {
  it('creates a draft under the client id and lets a higher version win', async () => {
    const ana = await signIn(rt.app, 'ana@drafts.test');
    const first = await ana.call('/api/drafts/d-1', { method: 'PUT', json: draft(1) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ id: 'd-1', version: 1, subject: 'v1', cc: [], deleted: false });
    const second = await ana.call('/api/drafts/d-1', { method: 'PUT', json: { ...draft(5), cc: ['c@x.test'], threadId: 't1' } });
    expect(await second.json()).toMatchObject({ version: 5, subject: 'v5', cc: ['c@x.test'], threadId: 't1' });
  });

  it('answers a stale write with 409 VERSION_CONFLICT and the server copy', async () => {
    const ana = await signIn(rt.app, 'ana@drafts.test');
    await ana.call('/api/drafts/d-2', { method: 'PUT', json: draft(3, 'newest') });
    for (const version of [2, 3]) {
      const res = await ana.call('/api/drafts/d-2', { method: 'PUT', json: draft(version, 'offline edit') });
      expect(res.status).toBe(409);
      const body = (await res.json()) as { error: { code: string; details: { server: Draft } } };
      expect(body.error.code).toBe('VERSION_CONFLICT');
      expect(body.error.details.server).toMatchObject({ id: 'd-2', version: 3, subject: 'newest' });
    }
  });

  it('treats the very same PUT repeated as harmless (a retry after a lost response)', async () => {
    const ana = await signIn(rt.app, 'ana@drafts.test');
    const a = await ana.call('/api/drafts/d-3', { method: 'PUT', json: draft(7) });
    const b = await ana.call('/api/drafts/d-3', { method: 'PUT', json: draft(7) });
    expect(b.status).toBe(200);
    expect(await b.json()).toEqual(await a.json());
  });

  it('lists changes since a time, deletions included as tombstones', async () => {
    const cy = await signIn(rt.app, 'cy@sync.test');
    await cy.call('/api/drafts/old', { method: 'PUT', json: draft(1) });
    const mark = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await cy.call('/api/drafts/new', { method: 'PUT', json: draft(1) });
    expect((await cy.call('/api/drafts/old', { method: 'DELETE' })).status).toBe(204);

    const changed = (await (await cy.call(`/api/drafts?updatedSince=${encodeURIComponent(mark)}`)).json()) as Envelope;
    expect(changed.data.map((d) => [d.id, d.deleted]).sort()).toEqual([['new', false], ['old', true]]);
    const live = (await (await cy.call('/api/drafts')).json()) as Envelope;
    expect(live.data.map((d) => d.id)).toEqual(['new']);
    expect(live.pagination.total).toBe(1);
  });

  it('keeps drafts private to their author and workspace', async () => {
    const ana = await signIn(rt.app, 'ana@drafts.test');
    await ana.call('/api/drafts/mine', { method: 'PUT', json: draft(1, 'secret') });
    const colleague = await signIn(rt.app, 'ben@drafts.test');
    const outsider = await signIn(rt.app, 'eve@elsewhere.test');
    for (const other of [colleague, outsider]) {
      const list = (await (await other.call('/api/drafts')).json()) as Envelope;
      expect(list.data.some((d) => d.subject === 'secret')).toBe(false);
      expect((await other.call('/api/drafts/mine', { method: 'DELETE' })).status).toBe(404);
    }
    // A colleague's PUT with the same id neither overwrites nor reveals it.
    const clash = await colleague.call('/api/drafts/mine', { method: 'PUT', json: draft(9, 'overwrite') });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(await clash.json())).not.toContain('secret');
    // The other workspace has its own id space.
    expect((await outsider.call('/api/drafts/mine', { method: 'PUT', json: draft(1, 'theirs') })).status).toBe(200);
  });

  it('rejects bad input with 400, never 500', async () => {
    const ana = await signIn(rt.app, 'ana@drafts.test');
    const bad = [
      ['/api/drafts/ok', { version: 0, to: [], subject: '', bodyHtml: '' }],
      ['/api/drafts/ok', { version: 1.5, to: [], subject: '', bodyHtml: '' }],
      ['/api/drafts/ok', { version: 1, to: 'a@b.c', subject: '', bodyHtml: '' }],
      ['/api/drafts/ok', { version: 1, to: [], subject: '', bodyHtml: '', extra: 1 }],
      ['/api/drafts/ok', { version: 1, to: [], subject: '', bodyHtml: '', prospectId: 'nope' }],
      ['/api/drafts/has%20space', draft(1)],
    ] as const;
    for (const [path, json] of bad) {
      const res = await ana.call(path, { method: 'PUT', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect((await ana.call('/api/drafts?updatedSince=yesterday')).status).toBe(400);
  });

  it('lets viewers read but not write', async () => {
    const { memberships } = await import('../../../../db/schema');
    const { eq } = await import('drizzle-orm');
    const vi = await signIn(rt.app, 'vi@viewers.test');
    await rt.deps.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, vi.user.id));
    expect((await vi.call('/api/drafts')).status).toBe(200);
    expect((await vi.call('/api/drafts/x', { method: 'PUT', json: draft(1) })).status).toBe(403);
  });
});
