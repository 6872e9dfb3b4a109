import { count, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client';

export interface PageQuery {
  page: number;
  limit: number;
}

/** One page of a list and how many rows the whole list holds. */
export interface Page<T> {
  rows: T[];
  total: number;
}

/** A select without its limit and offset, e.g. `db.select().from(t).where(w).orderBy(…)`. */
export interface Pageable<T> {
  limit(limit: number): { offset(offset: number): PromiseLike<T[]> };
}

/**
 * What the total counts: `count()` of `from` under `where`, which must be the filter of the
 * rows (the page may join other tables; the total counts `from`); or, when the filter itself
 * reads a joined table, a `select({ n: count() })` over the same joins and filter.
 */
export type PageTotal = { from: PgTable; where?: SQL } | { count: PromiseLike<Array<{ n: number }>> };

/** Reads one page of `rows` and, in parallel, the total of the whole list. */
export async function listPage<T>(db: Db, { page, limit }: PageQuery, list: { rows: Pageable<T> } & PageTotal): Promise<Page<T>> {
  const total = 'count' in list ? Promise.resolve(list.count).then(([row]) => row?.n ?? 0) : countRows(db, list.from, list.where);
  const [rows, n] = await Promise.all([list.rows.limit(limit).offset((page - 1) * limit), total]);
  return { rows, total: n };
}

/** A list read by a hand-written statement (raw SQL) as `listPage` reads one: it is handed the limit and offset. */
export function pageable<T>(read: (limit: number, offset: number) => PromiseLike<T[]>): Pageable<T> {
  return { limit: (limit) => ({ offset: (offset) => read(limit, offset) }) };
}

/** How many rows of `from` match `where`: the total of a list, or a figure on its own (the console's overview). */
export async function countRows(db: Db, from: PgTable, where?: SQL): Promise<number> {
  const [row] = await db.select({ n: count() }).from(from).where(where);
  return row?.n ?? 0;
}

/** The list envelope of the HTTP contract. */
export function paginated<T>(data: T[], total: number, page: number, limit: number) {
  return { data, pagination: { page, limit, total, totalPages: totalPages(total, limit) } };
}

/** An empty list still has one (empty) page. */
export function totalPages(total: number, limit: number) {
  return Math.max(1, Math.ceil(total / limit));
}
