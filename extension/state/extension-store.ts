import { browser, type Storage } from '../browser';
import type { KeyValueStore } from './kv';

/** The key-value port over the extension's own storage (service worker, content script, pages). */
export function extensionStore(area: Storage.StorageArea = browser.storage.local): KeyValueStore {
  return {
    async get<T>(key: string) {
      return (await area.get(key))[key] as T | undefined;
    },
    async getMany(keys) {
      return area.get(keys);
    },
    async getByPrefix<T>(prefix: string) {
      const all = await area.get(null);
      return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix))) as Record<string, T>;
    },
    async set(items) {
      await area.set(items);
    },
    async remove(keys) {
      await area.remove(keys);
    },
  };
}
