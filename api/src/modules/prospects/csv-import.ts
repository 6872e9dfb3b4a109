import { withoutErased } from '../suppressions/service';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../../db/client';
import { prospects } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import type { ImportResult } from '../../../../shared/contracts/prospects';
import { NUL_MESSAGE } from '../../../../shared/contracts/strings';

export interface CsvProspect {
  row: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  customFields: Record<string, string>;
}

export interface ParsedCsv {
  rows: CsvProspect[];
  errors: ImportResult['errors'];
}

/**
 * Reads a prospects CSV (header row first). Known headers map to prospect fields, any
 * other column becomes a custom field. A malformed record is reported by the line it
 * starts on and the rest of the file still imports; the first occurrence of an email wins.
 */
export function parseProspectCsv(text: string): ParsedCsv {
  const records = [...splitRecords(text.replace(/^\uFEFF/, ''))];
  const first = records.shift();
  if (!first || 'error' in first) throw new ApiError('VALIDATION_ERROR', 'The CSV needs a header row with an email column');
  const columns = first.fields.map(columnFor);
  if (!columns.some((c) => c.field === 'email')) {
    throw new ApiError('VALIDATION_ERROR', 'The CSV header has no email column', { header: first.fields });
  }
  const rows: CsvProspect[] = [];
  const errors: ImportResult['errors'] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const result = 'error' in record ? { error: record.error } : toProspect(record.row, record.fields, columns);
    if ('error' in result) {
      errors.push({ row: record.row, message: result.error });
      continue;
    }
    const earlier = seen.get(result.email);
    if (earlier !== undefined) {
      errors.push({ row: record.row, message: `duplicate of row ${earlier} (${result.email}); skipped` });
      continue;
    }
    seen.set(result.email, record.row);
    rows.push(result);
  }
  return { rows, errors };
}

/**
 * Upserts on (workspace, email). A re-import updates: a non-empty cell overwrites the
 * stored value, an empty one keeps it, and custom fields merge.
 */
export async function importProspects(db: Db, workspaceId: string, ownerId: string, text: string): Promise<ImportResult> {
  const { rows, errors } = await withoutErased(db, workspaceId, parseProspectCsv(text));
  let imported = 0;
  let updated = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH).map(({ row: _row, ...p }) => ({ ...p, workspaceId, ownerId }));
    const written = await db
      .insert(prospects)
      .values(batch)
      .onConflictDoUpdate({
        target: [prospects.workspaceId, prospects.email],
        set: {
          firstName: sql`coalesce(excluded.first_name, ${prospects.firstName})`,
          lastName: sql`coalesce(excluded.last_name, ${prospects.lastName})`,
          company: sql`coalesce(excluded.company, ${prospects.company})`,
          title: sql`coalesce(excluded.title, ${prospects.title})`,
          customFields: sql`${prospects.customFields} || excluded.custom_fields`,
          updatedAt: new Date(),
        },
      })
      // xmax is 0 only on a freshly inserted tuple: tells an insert from an update in one round trip.
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    for (const w of written) (w.inserted ? imported++ : updated++);
  }
  return { imported, updated, skipped: errors.length, errors };
}

const BATCH = 500;
const MAX_CELL = 2000;
const email = z.email();

type Column = { field: 'email' | 'firstName' | 'lastName' | 'company' | 'title' } | { field: 'custom'; key: string } | { field: 'ignore' };

const ALIASES: Record<string, Exclude<Column, { field: 'custom' | 'ignore' }>['field']> = {
  email: 'email', emailaddress: 'email', mail: 'email',
  firstname: 'firstName', first: 'firstName', givenname: 'firstName',
  lastname: 'lastName', last: 'lastName', surname: 'lastName', familyname: 'lastName',
  company: 'company', companyname: 'company', organization: 'company', organisation: 'company', account: 'company',
  title: 'title', jobtitle: 'title', position: 'title', role: 'title',
};

/** `First Name`, `first_name` and `firstName` all mean firstName; other headers become `custom.<snake_case>`. */
function columnFor(header: string): Column {
  const known = ALIASES[header.toLowerCase().replace(/[^a-z]/g, '')];
  if (known) return { field: known };
  const key = header.trim().toLowerCase().replace(/\W+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return key ? { field: 'custom', key } : { field: 'ignore' };
}

function toProspect(row: number, fields: string[], columns: Column[]): CsvProspect | { error: string } {
  if (fields.length !== columns.length) return { error: `expected ${columns.length} columns, found ${fields.length}` };
  const p: CsvProspect = { row, email: '', firstName: null, lastName: null, company: null, title: null, customFields: {} };
  for (const [i, column] of columns.entries()) {
    const value = fields[i]!.trim();
    if (value.includes('\0')) return { error: `column ${i + 1} ${NUL_MESSAGE}` };
    if (value.length > MAX_CELL) return { error: `column ${i + 1} is longer than ${MAX_CELL} characters` };
    if (column.field === 'custom') {
      if (value) p.customFields[column.key] = value;
    } else if (column.field === 'email') p.email = value.toLowerCase();
    else if (column.field !== 'ignore') p[column.field] = value || null;
  }
  if (!p.email) return { error: 'email is empty' };
  if (!email.safeParse(p.email).success) return { error: `invalid email: ${p.email.slice(0, 100)}` };
  return p;
}

type RawRecord = { row: number; fields: string[] } | { row: number; error: string };

/**
 * Finds record boundaries by quote parity (a record ends on the first line where its
 * quotes balance) and hands the records to csv-parse. When a record's quotes never
 * balance, or a multi-line record will not parse, only its first line is reported and
 * reading restarts on the next line — so one stray quote cannot swallow the rest of the file.
 */
function* splitRecords(text: string): Generator<RawRecord> {
  const lines = text.split(/\r\n|\n|\r/);
  const endOf = recordEnds(lines);
  let block: Array<{ row: number; text: string }> = [];
  const flush = function* () {
    yield* parseBlock(block);
    block = [];
  };
  for (let start = 0; start < lines.length; ) {
    const end = endOf[start]!;
    if (end === start) {
      if (lines[start]!.trim() !== '') block.push({ row: start + 1, text: lines[start]! });
      if (block.length === BLOCK) yield* flush();
      start += 1;
      continue;
    }
    // Rare cases, decided at once because a failure changes where reading resumes.
    yield* flush();
    const fields = end > start ? tryParse(lines.slice(start, end + 1).join('\n')) : undefined;
    if (fields?.length === 1) {
      yield { row: start + 1, fields: fields[0]! };
      start = end + 1;
    } else {
      yield { row: start + 1, error: end < 0 ? 'unclosed quote' : errorOf(lines.slice(start, end + 1).join('\n')) };
      start += 1;
    }
  }
  yield* flush();
}

const BLOCK = 256;

/**
 * Parses many records in one csv-parse call (the common, clean case); when the block does
 * not come out as one record per chunk, each record is parsed alone so the bad one is named.
 */
function* parseBlock(block: Array<{ row: number; text: string }>): Generator<RawRecord> {
  if (block.length === 0) return;
  const whole = tryParse(block.map((b) => b.text).join('\n'));
  if (whole && whole.length === block.length) {
    for (const [i, b] of block.entries()) yield { row: b.row, fields: whole[i]! };
    return;
  }
  for (const b of block) {
    const one = tryParse(b.text);
    if (one?.length === 1) yield { row: b.row, fields: one[0]! };
    else yield { row: b.row, error: one ? 'not a single CSV record' : errorOf(b.text) };
  }
}

function tryParse(text: string): string[][] | undefined {
  try {
    return parse(text, { relax_column_count: true }) as string[][];
  } catch {
    return undefined;
  }
}

function errorOf(text: string): string {
  try {
    parse(text, { relax_column_count: true });
    return 'malformed CSV';
  } catch (err) {
    return `malformed CSV: ${(err as Error).message.split(':')[0]}`;
  }
}

/** For each line, the line on which a record starting there ends, or -1 when its quotes never balance. O(n). */
function recordEnds(lines: string[]): number[] {
  const parity = [0];
  for (const line of lines) parity.push((parity.at(-1)! + (line.split('"').length - 1)) % 2);
  const ends = new Array<number>(lines.length);
  const nearest = [-1, -1];
  for (let e = lines.length - 1; e >= 0; e--) {
    nearest[parity[e + 1]!] = e;
    ends[e] = nearest[parity[e]!]!;
  }
  return ends;
}
