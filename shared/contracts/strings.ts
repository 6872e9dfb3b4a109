import { z } from 'zod';

/**
 * The one rule for text in the API contract: Postgres cannot store U+0000, so a NUL in any
 * string we are handed (body, query, path, form, header, jsonb key) is refused with a 400
 * naming the field, and text that comes from outside — inbound mail, CSV cells we only
 * report on — has its NULs stripped instead. The API applies `findNul` to every validated
 * request part (api/src/middleware/validate.ts); clients can wrap a schema in `withoutNul`.
 */
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** Dotted path of the first string (or object key) holding a NUL, `''` for the root; null when clean. */
export function findNul(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path.join('.') : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (value instanceof Date) return null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const at = findNul(v, [...path, String(i)], depth + 1);
      if (at !== null) return at;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\0')) return [...path, k.replace(/\0/g, '\\0')].join('.');
    const at = findNul(v, [...path, k], depth + 1);
    if (at !== null) return at;
  }
  return null;
}

/** For text from outside (inbound mail): NULs are dropped, never stored, never fatal. */
export function stripNul(text: string): string {
  return text.includes('\0') ? text.replace(/\0/g, '') : text;
}

/** A string with the contract's NUL rule: `text().max(200)` reads like `z.string().max(200)`. */
export const text = () => z.string().refine((s) => !s.includes('\0'), NUL_MESSAGE);

/** Any schema, refusing NUL anywhere inside its input (keys included) with the field's path. */
export function withoutNul<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const at = findNul(value);
      if (at !== null) ctx.addIssue({ code: 'custom', message: NUL_MESSAGE, path: at ? at.split('.') : [] });
    })
    .pipe(schema);
}
