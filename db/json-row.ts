import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';

/**
 * A row that came back as `to_jsonb(t)` (one statement answering several questions at once)
 * turned into the row drizzle would have returned: camelCase keys, and each value through
 * its column's own decoding (timestamps arrive as ISO strings in JSON).
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown> | null | undefined): InferSelectModel<T> | undefined {
  if (!json) return undefined;
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}
