import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { haveService, services } from '../api/test/services';

/**
 * postgres.js 3.4.9 buffers small writes behind a setImmediate. When the server drops a
 * connection (pg_terminate_backend, a restart, a proxy timeout) before that timer fires, the
 * timer wrote to a null socket: an uncaught TypeError that no caller can catch, which took a
 * whole API process down (porsager/postgres#1154, #1208; it failed our fault suite in CI).
 * patches/postgres+3.4.9.patch guards the write and settles the query with CONNECTION_CLOSED;
 * this proves the guard is in force on a reserved connection, where the pool cannot route
 * around the dead socket.
 */
describe.runIf(haveService('postgres', 'postgres.js write after a dropped connection'))('postgres.js after the server drops a connection', () => {
  it('rejects the next query with CONNECTION_CLOSED instead of throwing from a timer, and the pool reconnects', { timeout: 15_000 }, async () => {
    const sql = postgres(services.postgresUrl!, { max: 1, onnotice: () => {} });
    const observer = postgres(services.postgresUrl!, { max: 1, onnotice: () => {} });
    try {
      const reserved = await sql.reserve();
      const [{ pid }] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await observer`select pg_terminate_backend(${pid})`;
      await new Promise((r) => setTimeout(r, 200)); // the close reaches the client
      const next = reserved`select 1 as n`.execute();
      const settled = await Promise.race([next.then(() => 'answered', (err: { code?: string }) => err.code), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
      expect(settled).toBe('CONNECTION_CLOSED');
      reserved.release();
      // The pool itself still works: a new connection answers.
      const [{ n }] = await sql<{ n: number }[]>`select 2 as n`;
      expect(n).toBe(2);
    } finally {
      await sql.end({ timeout: 5 });
      await observer.end({ timeout: 5 });
    }
  });
});
