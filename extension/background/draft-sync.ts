import { z } from 'zod';
import { draftSchema } from '../../shared/contracts/drafts';
import type { KeyValueStore } from '../state/kv';
import {
  conflictsKey,
  initialSync,
  isDirty,
  syncKey,
  type ConflictCopy,
  type LocalDraft,
  type SyncState,
} from '../state/drafts';
import { isRetryable, type ApiClient } from './api-client';

/** The part of the API's draft copy (a 409's details) that conflict resolution compares. */
export const serverDraftSchema = z.looseObject({
  id: z.string(),
  version: z.number().int(),
  subject: z.string().default(''),
  bodyHtml: z.string().default(''),
  bodyText: z.string().nullish(),
});
export type ServerDraft = z.infer<typeof serverDraftSchema>;

export interface SyncOptions {
  store: KeyValueStore;
  api: ApiClient;
  now?: () => number;
  /** Backoff after the n-th failed attempt, in ms. */
  backoffMs?: (attempts: number) => number;
  /** The network just came back: what the backoff was waiting for is over, so go now. */
  retryNow?: boolean;
}

import type { DraftOutcome } from '../../shared/messages';
export type { DraftOutcome };

/**
 * The draft sync engine. The outbox is persisted implicitly: every `draft:<id>` whose
 * version is ahead of its `sync:<id>.syncedVersion` still has to reach the API. So a
 * service worker killed mid-request loses nothing — the next wake-up (alarm, network
 * back, a new change) finds the same drafts dirty and writes them again, and a replay
 * the server already has comes back as a 409 with identical content, which counts as synced.
 */
export function syncDirtyDrafts(options: SyncOptions): Promise<Record<string, DraftOutcome>> {
  // One pass at a time within this worker (a lock, not state: it dies with the worker).
  const run = passes.then(() => syncPass(options));
  passes = run.catch(() => undefined);
  return run;
}

let passes: Promise<unknown> = Promise.resolve();

async function syncPass(options: SyncOptions): Promise<Record<string, DraftOutcome>> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const drafts = await store.getByPrefix<LocalDraft>('draft:');
  const outcomes: Record<string, DraftOutcome> = {};
  for (const draft of Object.values(drafts)) {
    const sync = (await store.get<SyncState>(syncKey(draft.id))) ?? initialSync();
    if (!isDirty(draft, sync)) continue;
    if (sync.nextAttemptAt > now() && !options.retryNow) {
      outcomes[draft.id] = 'waiting';
      continue;
    }
    outcomes[draft.id] = await syncOne(options, draft, sync);
  }
  return outcomes;
}

const defaultBackoff = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000);

async function syncOne(options: SyncOptions, draft: LocalDraft, sync: SyncState, conflictRound = 0): Promise<DraftOutcome> {
  const { store, api } = options;
  const now = options.now ?? Date.now;
  const sentVersion = draft.version + sync.versionOffset;
  const result = await api.request({
    method: 'PUT',
    path: `/api/drafts/${encodeURIComponent(draft.id)}`,
    body: {
      version: sentVersion,
      to: draft.to,
      cc: draft.cc,
      subject: draft.subject,
      bodyHtml: draft.bodyHtml,
      bodyText: draft.bodyText,
      ...(draft.threadId ? { threadId: draft.threadId } : {}),
    },
    schema: draftSchema,
  });
  if (result.ok) {
    await store.set({ [syncKey(draft.id)]: { ...sync, syncedVersion: draft.version, attempts: 0, nextAttemptAt: 0, lastError: undefined, lastSyncedAt: now() } });
    return 'synced';
  }
  const error = result.error;
  if (error.status === 409 && conflictRound < 2) {
    const server = serverCopyOf(error.details);
    if (server) return resolveConflict(options, draft, sync, server, conflictRound);
  }
  const attempts = sync.attempts + 1;
  const retry = isRetryable(error) || error.code === 'NOT_AVAILABLE' || error.code === 'UNAUTHORIZED';
  const backoff = (options.backoffMs ?? defaultBackoff)(attempts);
  await store.set({
    [syncKey(draft.id)]: { ...sync, attempts, nextAttemptAt: now() + backoff, lastError: `${error.code}: ${error.message}` },
  });
  return retry ? 'retry-later' : 'failed';
}

/**
 * The server holds a copy at a version ≥ ours. If it is our own text (a replay after a
 * crash), we are synced. Otherwise the rep's text wins: the server copy is kept as a
 * recoverable version, and ours is written above it.
 */
async function resolveConflict(options: SyncOptions, draft: LocalDraft, sync: SyncState, server: ServerDraft, round: number) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const versionOffset = server.version - draft.version + 1;
  if (server.subject === draft.subject && server.bodyHtml === draft.bodyHtml) {
    await store.set({ [syncKey(draft.id)]: { ...sync, syncedVersion: draft.version, versionOffset: versionOffset - 1, attempts: 0, nextAttemptAt: 0, lastError: undefined, lastSyncedAt: now() } });
    return 'synced' as const;
  }
  const kept = (await store.get<ConflictCopy[]>(conflictsKey(draft.id))) ?? [];
  if (!kept.some((c) => c.version === server.version)) {
    kept.push({ version: server.version, subject: server.subject, bodyHtml: server.bodyHtml, bodyText: server.bodyText, keptAt: now() });
    await store.set({ [conflictsKey(draft.id)]: kept });
  }
  const next: SyncState = { ...sync, versionOffset };
  await store.set({ [syncKey(draft.id)]: next });
  const outcome = await syncOne(options, draft, next, round + 1);
  return outcome === 'synced' ? ('resolved-conflict' as const) : outcome;
}

/** The API answers a stale write with its copy; accept it under the usual envelope keys. */
function serverCopyOf(details: unknown): ServerDraft | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const d = details as Record<string, unknown>;
  for (const candidate of [d.current, d.server, d.draft, d]) {
    const parsed = serverDraftSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}
