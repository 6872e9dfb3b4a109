import { z } from 'zod';
import { sessionResponse } from '../../shared/contracts/auth';
import type { KeyValueStore } from './kv';

/** Keys of the extension's local storage that hold who the rep is and where the API lives. */
export const SESSION_KEY = 'session';
export const SETTINGS_KEY = 'settings';
export const HOST_KEY = 'hostStatus';

export const storedSessionSchema = sessionResponse;
export type StoredSession = z.infer<typeof storedSessionSchema>;

export const settingsSchema = z.object({ apiUrl: z.url() });
export type Settings = z.infer<typeof settingsSchema>;

export type { HostStatus } from '../../shared/messages';

export async function readSettings(store: KeyValueStore, defaultApiUrl: string): Promise<Settings> {
  const parsed = settingsSchema.safeParse(await store.get(SETTINGS_KEY));
  return parsed.success ? parsed.data : { apiUrl: defaultApiUrl };
}

export async function readSession(store: KeyValueStore): Promise<StoredSession | undefined> {
  const parsed = storedSessionSchema.safeParse(await store.get(SESSION_KEY));
  return parsed.success ? parsed.data : undefined;
}
