import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { lookupSuppressionResponse, type Suppression } from '../../../../shared/contracts/suppressions';
import { suppressions } from '../../../../db/schema';
import { erasedMarker, privacySalt } from './service';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

type Envelope = { data: Suppression[]; pagination: { total: number } };

describe('suppressions', () => {
  it('adds an address once (normalised), lists and searches it', async () => {
    const admin = await signIn(rt.app, 'ada@supp.test');
    const first = await admin.call('/api/suppressions', { method: 'POST', json: { email: 'Bob@Prospect.TEST' } });
    expect(first.status).toBe(201);
    const created = (await first.json()) as Suppression;
    expect(created).toMatchObject({ email: 'bob@prospect.test', reason: 'manual' });
    const again = await admin.call('/api/suppressions', { method: 'POST', json: { email: 'bob@prospect.test', reason: 'complaint' } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Suppression).id).toBe(created.id);
    await admin.call('/api/suppressions', { method: 'POST', json: { email: 'carol@other.test' } });

    const all = (await (await admin.call('/api/suppressions')).json()) as Envelope;
    expect(all.pagination.total).toBe(2);
    const found = (await (await admin.call('/api/suppressions?q=prospect')).json()) as Envelope;
    expect(found.data.map((s) => s.email)).toEqual(['bob@prospect.test']);
    const wild = (await (await admin.call('/api/suppressions?q=%25')).json()) as Envelope;
    expect(wild.data).toEqual([]);
  });

  it('lets members add but only admins lift a suppression', async () => {
    const admin = await signIn(rt.app, 'ada@supp.test');
    const member = await signIn(rt.app, 'max@supp.test');
    const res = await member.call('/api/suppressions', { method: 'POST', json: { email: 'dan@x.test' } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as Suppression;
    expect((await member.call(`/api/suppressions/${id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await admin.call(`/api/suppressions/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin.call(`/api/suppressions/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps each workspace to its own list', async () => {
    const admin = await signIn(rt.app, 'ada@supp.test');
    const outsider = await signIn(rt.app, 'oz@elsewhere.test');
    const mine = (await (await admin.call('/api/suppressions', { method: 'POST', json: { email: 'eve@x.test' } })).json()) as Suppression;
    const theirs = (await (await outsider.call('/api/suppressions')).json()) as Envelope;
    expect(theirs.data).toEqual([]);
    expect((await outsider.call(`/api/suppressions/${mine.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('looks one exact address up as the send checks it: normalized, or the marker an erase left', async () => {
    const admin = await signIn(rt.app, 'ada@supp.test');
    const outsider = await signIn(rt.app, 'oz@elsewhere.test');
    const lookup = async (who: typeof admin, email: string) => {
      const res = await who.call(`/api/suppressions/lookup?email=${encodeURIComponent(email)}`);
      expect(res.status).toBe(200);
      return lookupSuppressionResponse.parse(await res.json()).suppression;
    };
    await admin.call('/api/suppressions', { method: 'POST', json: { email: 'fay@lookup.test', reason: 'complaint' } });
    expect(await lookup(admin, '  Fay@Lookup.TEST ')).toMatchObject({ email: 'fay@lookup.test', reason: 'complaint' });
    expect(await lookup(admin, 'ay@lookup.test')).toBeNull(); // part of an address is another address
    expect(await lookup(outsider, 'fay@lookup.test')).toBeNull();
    // An erased person is on the list only as a salted hash; looking their address up finds it.
    const marker = erasedMarker(await privacySalt(rt.deps.db, admin.workspace.id), 'gus@lookup.test');
    await rt.deps.db.insert(suppressions).values({ workspaceId: admin.workspace.id, email: marker, reason: 'erased' });
    expect(await lookup(admin, 'Gus@lookup.test')).toMatchObject({ email: marker, reason: 'erased' });
    expect((await admin.call('/api/suppressions/lookup')).status).toBe(400);
  });

  it('rejects bad input with 400', async () => {
    const admin = await signIn(rt.app, 'ada@supp.test');
    for (const json of [{}, { email: 'nope' }, { email: 'a@b.test', reason: 'whim' }, { email: 'a@b.test', workspaceId: 'x' }]) {
      expect((await admin.call('/api/suppressions', { method: 'POST', json })).status).toBe(400);
    }
    expect((await admin.call('/api/suppressions/not-a-uuid', { method: 'DELETE' })).status).toBe(400);
  });

  it('imports many addresses at once: each checked on its own, into this workspace only, bad input refused whole', async () => {
    const admin = await signIn(rt.app, 'ada@supp-import.test');
    const res = await admin.call('/api/suppressions/import', { method: 'POST', json: { emails: [' Dee@List.test ', 'dee@list.test', 'eve@list.test', 'nope'] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: 2, alreadyListed: 1, invalid: [{ email: 'nope', message: 'not an e-mail address' }] });
    const listed = (await (await admin.call('/api/suppressions?q=list.test')).json()) as Envelope;
    expect(listed.data.map((s) => s.email).sort()).toEqual(['dee@list.test', 'eve@list.test']);
    const rival = await signIn(rt.app, 'rex@supp-rival.test');
    expect(((await (await rival.call('/api/suppressions?q=list.test')).json()) as Envelope).pagination.total).toBe(0);
    for (const json of [{}, { emails: [] }, { emails: 'dee@list.test' }, { emails: Array.from({ length: 10_001 }, (_, i) => `p${i}@x.test`) }, { emails: ['a@b.test'], reason: 'x' }]) {
      const bad = await admin.call('/api/suppressions/import', { method: 'POST', json });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
    }
  });
});
