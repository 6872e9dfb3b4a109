import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client';

/**
 * A query prepared once per database handle, on first use. On hot paths (every request's
 * session, every send's checks) this skips drizzle's query building — most of their CPU —
 * and, on Postgres, parsing and planning: postgres.js keeps a named statement per connection.
 * Only for `db` itself: inside a transaction, run queries on `tx`.
 */
export function preparedQuery<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const byDb = new WeakMap<Db, Q>();
  return (db) => {
    let query = byDb.get(db);
    if (!query) {
      query = build(db);
      byDb.set(db, query);
    }
    return query;
  };
}

/**
 * A statement drizzle's builder cannot express (CTEs writing several tables), prepared the
 * same way: its text is rendered once, and each execution passes only the placeholders'
 * values. Rows come back as the driver returns them (snake_case).
 */
export function preparedSql<Row = Record<string, unknown>>(name: string, build: (db: Db) => SQL): (db: Db) => { execute(values: Record<string, unknown>): Promise<Row[]> } {
  return preparedQuery((db) => {
    const query = db._.session.prepareQuery(dialect.sqlToQuery(build(db)), undefined, name, false);
    return { execute: async (values) => rowsOf<Row>(await query.execute(values)) };
  });
}

const dialect = new PgDialect();

/** postgres.js answers an array of rows, PGlite an object holding them. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
