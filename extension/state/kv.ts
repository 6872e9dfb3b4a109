/**
 * The slice of the extension's local storage that Lumina uses, as a port: the service
 * worker and content script use extensionStore() (extension-store.ts), unit tests hand in
 * the in-memory one. Kept free of the polyfill so unit tests load it in plain Node.
 */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  getMany(keys: string[]): Promise<Record<string, unknown>>;
  /** Every key starting with `prefix`. */
  getByPrefix<T = unknown>(prefix: string): Promise<Record<string, T>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { dump(): Record<string, unknown> } {
  const data = new Map<string, unknown>(Object.entries(structuredClone(initial)));
  const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
  return {
    async get<T>(key: string) {
      return copy(data.get(key)) as T | undefined;
    },
    async getMany(keys) {
      return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, copy(data.get(k))]));
    },
    async getByPrefix<T>(prefix: string) {
      return Object.fromEntries([...data].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k, copy(v)])) as Record<string, T>;
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, copy(v));
    },
    async remove(keys) {
      for (const k of [keys].flat()) data.delete(k);
    },
    dump: () => Object.fromEntries(data),
  };
}
