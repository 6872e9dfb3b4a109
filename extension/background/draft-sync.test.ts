import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../api/test/harness';
import { memoryStore } from '../state/kv';
import { conflictsKey, saveLocalDraft, syncKey, type ConflictCopy, type SyncState } from '../state/drafts';
import { createApiClient } from './api-client';
import { syncDirtyDrafts } from './draft-sync';

/** The sync engine against the real drafts API on a real port (embedded PGlite). */
let rt: TestRuntime;
let server: ReturnType<typeof serve>;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  rt = await createTestRuntime();
  server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${baseUrl}/api/auth/sandbox-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sync@lumina.test' }) });
  token = ((await res.json()) as { token: string }).token;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rt.close();
});

const change = (text: string) => ({ to: ['ada@prospect.test'], cc: [], subject: 'Hello', bodyHtml: `<div>${text}</div>`, bodyText: text });
const serverDraft = async (id: string) => {
  const res = await fetch(`${baseUrl}/api/drafts`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { data: Array<{ id: string; version: number; bodyText: string }> }).data.find((d) => d.id === id);
};

describe('draft sync engine', () => {
  it('writes a dirty draft with its id and version, then leaves it alone', async () => {
    const store = memoryStore();
    await saveLocalDraft(store, 'd-sync-1', change('first'));
    await saveLocalDraft(store, 'd-sync-1', change('second'));
    const api = createApiClient({ baseUrl, token });
    expect(await syncDirtyDrafts({ store, api })).toEqual({ 'd-sync-1': 'synced' });
    expect(await serverDraft('d-sync-1')).toMatchObject({ version: 2, bodyText: 'second' });
    expect(await syncDirtyDrafts({ store, api })).toEqual({});
  });

  it('keeps offline edits and retries with backoff until the API is back', async () => {
    const store = memoryStore();
    let now = 1_000_000;
    await saveLocalDraft(store, 'd-offline', change('typed on a plane'));
    const offline = createApiClient({ baseUrl: 'http://127.0.0.1:9', token });
    expect(await syncDirtyDrafts({ store, api: offline, now: () => now })).toEqual({ 'd-offline': 'retry-later' });
    const sync = (await store.get<SyncState>(syncKey('d-offline')))!;
    expect(sync).toMatchObject({ attempts: 1, syncedVersion: 0 });
    expect(sync.lastError).toMatch(/^NETWORK/);
    const online = createApiClient({ baseUrl, token });
    // Before the backoff has passed the engine waits; after it, the draft goes through.
    expect(await syncDirtyDrafts({ store, api: online, now: () => now })).toEqual({ 'd-offline': 'waiting' });
    now = sync.nextAttemptAt + 1;
    expect(await syncDirtyDrafts({ store, api: online, now: () => now })).toEqual({ 'd-offline': 'synced' });
    expect(await serverDraft('d-offline')).toMatchObject({ bodyText: 'typed on a plane' });
  });

  it('goes at once when the network comes back, backoff or not', async () => {
    const store = memoryStore();
    const now = 2_000_000;
    await saveLocalDraft(store, 'd-online', change('written in a tunnel'));
    const offline = createApiClient({ baseUrl: 'http://127.0.0.1:9', token });
    expect(await syncDirtyDrafts({ store, api: offline, now: () => now })).toEqual({ 'd-online': 'retry-later' });
    const online = createApiClient({ baseUrl, token });
    expect(await syncDirtyDrafts({ store, api: online, now: () => now })).toEqual({ 'd-online': 'waiting' });
    expect(await syncDirtyDrafts({ store, api: online, now: () => now, retryNow: true })).toEqual({ 'd-online': 'synced' });
    expect(await serverDraft('d-online')).toMatchObject({ bodyText: 'written in a tunnel' });
  });

  it('resolves a 409 without losing either side: ours wins, the server copy is kept', async () => {
    // Another device wrote version 5 of the same draft.
    const other = await fetch(`${baseUrl}/api/drafts/d-conflict`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 5, to: [], subject: 'Hello', bodyHtml: '<div>from the laptop</div>', bodyText: 'from the laptop' }),
    });
    expect(other.status).toBe(200);
    const store = memoryStore();
    await saveLocalDraft(store, 'd-conflict', change('from this browser'));
    const api = createApiClient({ baseUrl, token });
    expect(await syncDirtyDrafts({ store, api })).toEqual({ 'd-conflict': 'resolved-conflict' });
    expect(await serverDraft('d-conflict')).toMatchObject({ version: 6, bodyText: 'from this browser' });
    const kept = await store.get<ConflictCopy[]>(conflictsKey('d-conflict'));
    expect(kept).toEqual([expect.objectContaining({ version: 5, bodyText: 'from the laptop' })]);
    // Later edits keep writing above the server's version.
    await saveLocalDraft(store, 'd-conflict', change('edited again'));
    expect(await syncDirtyDrafts({ store, api })).toEqual({ 'd-conflict': 'synced' });
    expect(await serverDraft('d-conflict')).toMatchObject({ version: 7, bodyText: 'edited again' });
  });

  it('counts a replay the server already holds as synced (a worker killed after the write)', async () => {
    const store = memoryStore();
    await saveLocalDraft(store, 'd-replay', change('sent once'));
    const api = createApiClient({ baseUrl, token });
    expect(await syncDirtyDrafts({ store, api })).toEqual({ 'd-replay': 'synced' });
    // The worker died before recording the success: the sync record is gone.
    await store.remove(syncKey('d-replay'));
    expect(await syncDirtyDrafts({ store, api })).toEqual({ 'd-replay': 'synced' });
    expect(await store.get(conflictsKey('d-replay'))).toBeUndefined();
    expect(await serverDraft('d-replay')).toMatchObject({ version: 1 });
  });

  it('reports a route the API does not have as NOT_AVAILABLE, never as made-up data', async () => {
    const api = createApiClient({ baseUrl, token });
    const { z } = await import('zod');
    const res = await api.request({ path: '/api/no-such-feature', schema: z.unknown() });
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE', status: 404 } });
  });
});
