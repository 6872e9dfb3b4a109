import type { KeyValueStore } from './kv';

/**
 * A draft as the rep's machine keeps it. The content script is the only writer of
 * `draft:<id>` (and bumps `version` on every saved change); the service worker is the
 * only writer of `sync:<id>`. Separate keys mean the two never overwrite each other.
 */
export interface LocalDraft {
  id: string;
  version: number;
  to: string[];
  cc: string[];
  subject: string;
  bodyHtml: string;
  bodyText: string;
  threadId?: string;
  updatedAt: number;
}

/** What the service worker knows about a draft's journey to the API. */
export interface SyncState {
  /** Highest local version the API has confirmed. */
  syncedVersion: number;
  /** Added to the local version when writing: keeps ours above a copy written elsewhere. */
  versionOffset: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  lastSyncedAt?: number;
}

/** A server copy that lost a conflict, kept so the rep can recover it. */
export interface ConflictCopy {
  version: number;
  subject: string;
  bodyHtml: string;
  bodyText?: string | null;
  keptAt: number;
}

export const draftKey = (id: string) => `draft:${id}`;
export const syncKey = (id: string) => `sync:${id}`;
export const conflictsKey = (id: string) => `conflicts:${id}`;
/** Which Lumina draft a Gmail compose (by its draft/compose/thread key) belongs to. */
export const composeKey = (key: string) => `compose:${key}`;
/**
 * The tombstone of a draft Lumina sent: the email it became. A compose reopened on it
 * (a reload before Gmail forgot it) shows that email's state instead of a second Send.
 */
export const sentKey = (id: string) => `sent:${id}`;
export interface SentMark {
  emailId: string;
  at: number;
}

export const initialSync = (): SyncState => ({ syncedVersion: 0, versionOffset: 0, attempts: 0, nextAttemptAt: 0 });

/** Saves a change to a draft, bumping its version; returns what was stored. */
export async function saveLocalDraft(
  store: KeyValueStore,
  id: string,
  change: Omit<LocalDraft, 'id' | 'version' | 'updatedAt'>,
  now = Date.now(),
): Promise<LocalDraft> {
  const previous = await store.get<LocalDraft>(draftKey(id));
  const draft: LocalDraft = { ...change, id, version: (previous?.version ?? 0) + 1, updatedAt: now };
  await store.set({ [draftKey(id)]: draft });
  return draft;
}

export function isDirty(draft: LocalDraft, sync: SyncState | undefined): boolean {
  return draft.version > (sync?.syncedVersion ?? 0);
}
