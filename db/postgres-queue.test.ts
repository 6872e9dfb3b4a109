import { afterEach, describe, expect, it } from 'vitest';

/**
 * postgres.js 3.4.9 keeps its pool's connections in small queues whose shifted-out slots stay
 * in the array until the queue empties — and a busy queue under steady load never empties. Its
 * `remove` searched those slots too, so every query scanned one more slot than the one before:
 * after 400k queries at 50 concurrent callers a query cost ~160 µs of CPU instead of ~13 µs
 * (measured). patches/postgres+3.4.9.patch searches from the cursor and drops the shifted-out
 * prefix; this proves it is in force by counting the slots `remove` looks at.
 */
type Queue<T> = { length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };
const queueModule = new URL('../node_modules/postgres/src/queue.js', import.meta.url).href;

describe('the postgres.js pool queue', () => {
  const indexOf = Array.prototype.indexOf;
  afterEach(() => {
    Array.prototype.indexOf = indexOf;
  });

  it('looks at a bounded number of slots per remove, however long it has been busy', async () => {
    const { default: Queue } = (await import(queueModule)) as { default: <T>() => Queue<T> };
    const busy = Queue<{ id: number }>();
    const connections = Array.from({ length: 10 }, (_, id) => busy.push({ id }));
    let widest = 0;
    Array.prototype.indexOf = function (this: unknown[], x: unknown, from?: number) {
      widest = Math.max(widest, this.length - (from ?? 0));
      return indexOf.call(this, x, from);
    } as typeof indexOf;
    // The pool's pattern under load: a busy connection is shifted to pipeline one more query and
    // pushed back, and the one that finishes is removed and pushed back, never leaving it empty.
    for (let i = 0; i < 100_000; i++) {
      const c = busy.shift()!;
      busy.push(c);
      const done = connections[i % connections.length]!;
      expect(busy.remove(done)).toBe(done);
      busy.push(done);
    }
    Array.prototype.indexOf = indexOf;
    expect(busy.length).toBe(connections.length);
    expect(widest).toBeLessThanOrEqual(2 * 1024 + connections.length);
  });
});
