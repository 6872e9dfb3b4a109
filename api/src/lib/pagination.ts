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
 * Reads one page of `rows` and, in parallel, the total: `count()` of `from` under `where`,
 * which must be the filter of `rows` (the page may join other tables; the total counts `from`).
 */
export async function listPage<T>(db: Db, { page, limit }: PageQuery, list: { rows: Pageable<T>; from: PgTable; where?: SQL }): Promise<Page<T>> {
  const [rows, total] = await Promise.all([list.rows.limit(limit).offset((page - 1) * limit), countRows(db, list.from, list.where)]);
  return { rows, total };
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
