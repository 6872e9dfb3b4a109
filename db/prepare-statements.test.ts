import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { haveService, services } from '../api/test/services';
import { preparingStatements } from './prepare-statements';

/** drizzle's builder queries reach Postgres as named statements (parsed once per connection), in transactions too. */
describe.runIf(haveService('postgres', 'prepared drizzle statements'))('preparingStatements', () => {
  it('names short statements, inside transactions and savepoints too, and leaves long parameter lists unnamed', async () => {
    const client = preparingStatements(postgres(services.postgresUrl!, { max: 1, onnotice: () => {} }));
    const db = drizzle(client);
    const t = sql.identifier('pg_class');
    try {
      const named = async () => (await client<{ statement: string }[]>`select statement from pg_prepared_statements`).map((r) => r.statement);
      await db.execute(sql`select relname from ${t} where relname = ${'pg_type'}`);
      await db.execute(sql`select relname from ${t} where relname = ${'pg_proc'}`);
      await db.transaction(async (tx) => {
        await tx.execute(sql`select relnatts from ${t} where relname = ${'pg_type'}`);
        await tx.transaction(async (sp) => void (await sp.execute(sql`select relkind from ${t} where relname = ${'pg_type'}`)));
      });
      const many = Array.from({ length: 40 }, (_, i) => `rel${i}`);
      await db.execute(sql`select relpages from ${t} where relname in ${many}`);
      const statements = await named();
      expect(statements.filter((s) => s.includes('select relname from')).length).toBe(1); // one statement, run twice
      expect(statements.some((s) => s.includes('select relnatts from'))).toBe(true);
      expect(statements.some((s) => s.includes('select relkind from'))).toBe(true);
      expect(statements.some((s) => s.includes('select relpages from'))).toBe(false);
      // Values still arrive as values: a named statement answers each execution's own.
      const [row] = await db.execute<{ relname: string }>(sql`select relname from ${t} where relname = ${'pg_proc'}`);
      expect(row?.relname).toBe('pg_proc');
    } finally {
      await client.end({ timeout: 5 });
    }
  });
});
