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
