import type { Sql } from 'postgres';

/**
 * A statement with more parameters than this stays unnamed: batch inserts and long IN lists
 * vary in length, and a named statement per length would pile up on every connection.
 */
const MAX_PREPARED_PARAMS = 32;

type Unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;
interface Preparable {
  unsafe: Unsafe;
  begin?: (...args: unknown[]) => unknown;
  savepoint?: (...args: unknown[]) => unknown;
}

/**
 * drizzle sends every query not named with `.prepare(name)` as an unnamed statement, which
 * Postgres parses and plans on every execution — measured on the accept path, parse and bind
 * cost four times the execution. Here postgres.js keeps a named statement per connection for
 * each query text instead (drizzle's text is the same for the same query shape, so they are
 * few), inside transactions and savepoints too.
 */
export function preparingStatements<T extends Sql>(sql: T): T {
  const target = sql as unknown as Preparable;
  const unsafe = target.unsafe;
  target.unsafe = (query, params, options) =>
    unsafe(query, params, params && params.length > 0 && params.length <= MAX_PREPARED_PARAMS ? { ...options, prepare: true } : options);
  for (const name of ['begin', 'savepoint'] as const) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = (...args: unknown[]) => {
      const i = args.findIndex((a) => typeof a === 'function');
      if (i >= 0) {
        const fn = args[i] as (scoped: Sql) => unknown;
        args[i] = (scoped: Sql) => fn(preparingStatements(scoped));
      }
      return original.apply(target, args);
    };
  }
  return sql;
}
