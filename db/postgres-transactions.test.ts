import { describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { haveService, services } from '../api/test/services';

/**
 * Lumina's exactly-once promises rest on transactions. postgres.js 3.4.9 could send a
 * transaction's BEGIN without reserving its connection when that BEGIN was the query that
 * filled a busy connection's pipeline (porsager/postgres#823, #1189): the transaction then
 * failed with UNSAFE_TRANSACTION while the server kept it open and ran other queries inside
 * it. patches/postgres+3.4.9.patch (applied by `npm install` through patch-package) is the
 * upstream fix (#1218); this proves it is in force.
 */
describe.runIf(haveService('postgres', 'postgres.js transaction reservation'))('postgres.js transactions under pipelining', () => {
  it('reserves the connection for a BEGIN that fills a busy pipeline, and nothing else runs inside it', async () => {
    // One connection, pipelines of two: a slow query in flight, one more pipelined, then BEGIN fills it.
    // max_pipeline is a postgres.js option its type definitions leave out.
    const sql = postgres(services.postgresUrl!, { max: 1, onnotice: () => {}, ...({ max_pipeline: 2 } as object) });
    const observer = postgres(services.postgresUrl!, { max: 1, onnotice: () => {} });
    try {
      const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const slow = sql`select pg_sleep(0.2)`.execute();
      const queued = sql`select 2 as n`.execute();
      const tx = sql.begin(async (t) => (await t<{ n: number }[]>`select 3 as n`)[0]!.n);
      await Promise.all([slow, queued]);
      expect(await tx).toBe(3);
      await sql`select 4`;
      // The server holds no transaction the pool has forgotten.
      const [backend] = await observer<{ state: string }[]>`select state from pg_stat_activity where pid = ${pid}`;
      expect(backend!.state).toBe('idle');
    } finally {
      await sql.end({ timeout: 5 });
      await observer.end({ timeout: 5 });
    }
  });
});
