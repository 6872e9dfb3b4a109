import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../../../db/prepared';
import { erasedAmong } from '../suppressions/service';
import { localRecipientFlags, screenRecipients, type RecipientChecker, type RecipientFlag, type ScreenedRows } from '../deliverability/recipients';
import { z } from 'zod';
import type { Db } from '../../../../db/client';
import { importSeen, memberships, prospects, suppressions, users } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import type { ImportField, ImportMapping, ImportOptions, ImportResult } from '../../../../shared/contracts/prospects';
import { NUL_MESSAGE } from '../../../../shared/contracts/strings';
import { linesOfText, RecordSplitter, type RawRecord } from './csv-records';

export interface CsvProspect {
  row: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  timeZone: string | null;
  /** The member named in an Owner column; undefined when the row names none. */
  ownerId?: string;
  customFields: Record<string, string>;
  /** The recipient check's flags, stored on the prospect (set just before the batch is written). */
  recipientFlags?: RecipientFlag[];
}

export type Column = { field: ImportField } | { field: 'custom'; key: string } | { field: 'ignore' };
export interface RowIssue {
  row: number;
  message: string;
}

/** What the rows are read with: the columns, and the workspace's members by address (Owner column). */
export interface ImportPlan {
  columns: Column[];
  owners: Map<string, string>;
}

export interface ImportProgress {
  rowsRead: number;
  imported: number;
  updated: number;
  skipped: number;
  errorCount: number;
  suppressedCount: number;
}

export type RecipientFlags = ScreenedRows<CsvProspect>['flagged'];
export interface ImportHooks {
  /** Row errors, suppressed flags and recipient flags (role, disposable, unverified) of each written batch. */
  onIssues?(issues: { errors: RowIssue[]; suppressed: Array<{ row: number; email: string }>; flagged?: RecipientFlags }): Promise<void> | void;
  onProgress?(progress: ImportProgress): Promise<void> | void;
}

/** Rows per INSERT … ON CONFLICT (10 parameters a row: well under Postgres' 65,535). */
export const BATCH = 1000;
const MAX_CELL = 2000;
const emailSchema = z.email();

const ALIASES: Record<string, ImportField> = {
  email: 'email', emailaddress: 'email', mail: 'email', workemail: 'email', businessemail: 'email', emailid: 'email',
  firstname: 'firstName', first: 'firstName', givenname: 'firstName', forename: 'firstName',
  lastname: 'lastName', last: 'lastName', surname: 'lastName', familyname: 'lastName',
  name: 'fullName', fullname: 'fullName', contactname: 'fullName',
  company: 'company', companyname: 'company', organization: 'company', organisation: 'company', account: 'company', accountname: 'company',
  title: 'title', jobtitle: 'title', position: 'title', role: 'title',
  timezone: 'timeZone', tz: 'timeZone', zone: 'timeZone',
  owner: 'owner', owneremail: 'owner', assignedto: 'owner', rep: 'owner', salesrep: 'owner',
};

/** `First Name`, `first_name`, `firstName` and `E-mail` are inferred; any other header becomes `custom.<snake_case>`. */
export function inferColumn(header: string): Column {
  const known = ALIASES[header.toLowerCase().replace(/[^a-z]/g, '')];
  if (known) return { field: known };
  const key = customKey(header);
  return key ? { field: 'custom', key } : { field: 'ignore' };
}

const customKey = (header: string) => header.trim().toLowerCase().replace(/\W+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);

/**
 * The columns of a header: the caller's mapping where it names a header (matched ignoring
 * case and surrounding spaces), inferred elsewhere. A mapping naming no header, two columns on
 * one field, or no email column is a 400 that names the path.
 */
export function planColumns(header: string[], mapping: ImportMapping = {}): Column[] {
  const byHeader = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const given = new Map<number, string>();
  const details: Array<{ path: string; message: string }> = [];
  for (const [name, target] of Object.entries(mapping)) {
    const i = byHeader.get(name.trim().toLowerCase());
    if (i === undefined) details.push({ path: `mapping.${name}`, message: `no column "${name}" in the CSV header` });
    else given.set(i, target);
  }
  if (details.length) throw new ApiError('VALIDATION_ERROR', `Invalid mapping: ${details.map((d) => d.message).join('; ')}`, details);
  const columns = header.map((h, i): Column => {
    const target = given.get(i);
    if (target === undefined) return inferColumn(h);
    if (target === 'ignore') return { field: 'ignore' };
    if (target.startsWith('custom.')) return { field: 'custom', key: target.slice('custom.'.length) };
    return { field: target as ImportField };
  });
  const seen = new Map<string, number>();
  for (const [i, c] of columns.entries()) {
    if (c.field === 'ignore') continue;
    const name = c.field === 'custom' ? `custom.${c.key}` : c.field;
    const earlier = seen.get(name);
    if (earlier !== undefined) details.push({ path: `mapping.${header[i]}`, message: `columns "${header[earlier]}" and "${header[i]}" both fill ${name}` });
    seen.set(name, i);
  }
  if (!seen.has('email')) details.push({ path: 'header', message: 'no column holds the email address: name one "email" or map one, e.g. mapping={"Work Mail":"email"}' });
  if (details.length) throw new ApiError('VALIDATION_ERROR', details.map((d) => d.message).join('; '), details);
  return columns;
}

/** `Ana <ANA@Acme.com>`, `mailto:ana@acme.com` and ` Ana@ACME.com ` are all ana@acme.com. */
export function normalizeImportEmail(value: string): string {
  let v = value.trim();
  const angle = /<([^<>]*)>\s*$/.exec(v);
  if (angle) v = angle[1]!;
  return v.replace(/^mailto:/i, '').trim().toLowerCase();
}

const zoneCache = new Map<string, string | null>();
/** The canonical IANA name of a zone (`europe/paris` → `Europe/Paris`), null when there is none. */
function canonicalZone(value: string): string | null {
  let out = zoneCache.get(value);
  if (out === undefined) {
    try {
      out = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      out = null;
    }
    if (zoneCache.size < 10_000) zoneCache.set(value, out);
  }
  return out;
}

export function toProspect(row: number, fields: string[], plan: ImportPlan): CsvProspect | { error: string } {
  const { columns } = plan;
  if (fields.length !== columns.length) return { error: `expected ${columns.length} columns, found ${fields.length}` };
  const p: CsvProspect = { row, email: '', firstName: null, lastName: null, company: null, title: null, timeZone: null, customFields: {} };
  let fullName = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (column.field === 'ignore') continue;
    const value = fields[i]!.trim();
    if (value.includes('\0')) return { error: `column ${i + 1} ${NUL_MESSAGE}` };
    if (value.length > MAX_CELL) return { error: `column ${i + 1} is longer than ${MAX_CELL} characters` };
    if (!value) continue;
    switch (column.field) {
      case 'custom':
        p.customFields[column.key] = value;
        break;
      case 'email':
        p.email = normalizeImportEmail(value);
        break;
      case 'fullName':
        fullName = value;
        break;
      case 'timeZone': {
        const zone = canonicalZone(value);
        if (!zone) return { error: `unknown time zone: ${value.slice(0, 64)} (use an IANA name such as Europe/Paris)` };
        p.timeZone = zone;
        break;
      }
      case 'owner': {
        const owner = plan.owners.get(normalizeImportEmail(value));
        if (!owner) return { error: `owner ${value.slice(0, 100)} is not a member of this workspace` };
        p.ownerId = owner;
        break;
      }
      default:
        p[column.field] = value.slice(0, 200);
    }
  }
  if (fullName && !p.firstName && !p.lastName) {
    const [first, ...rest] = fullName.split(/\s+/);
    p.firstName = first!.slice(0, 200);
    p.lastName = rest.join(' ').slice(0, 200) || null;
  }
  if (!p.email) return { error: 'email is empty' };
  if (p.email.length > 320 || !emailSchema.safeParse(p.email).success) return { error: `invalid email: ${p.email.slice(0, 100)}` };
  return p;
}

/** The members of a workspace by address: an Owner column names one of them. */
export async function workspaceOwners(db: Db, workspaceId: string): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, email: users.email }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(memberships.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
}

/**
 * One import from the header on: each record is checked (bad rows are reported by row and
 * never stop the good ones), the first occurrence of an address wins, and every BATCH good
 * rows go to the database in one INSERT … ON CONFLICT. A re-import with `update` overwrites
 * with non-empty cells only, keeps stored values for empty ones and merges custom fields;
 * with `skip` an address already there is left alone.
 */
export class ImportRun {
  readonly progress: ImportProgress = { rowsRead: 0, imported: 0, updated: 0, skipped: 0, errorCount: 0, suppressedCount: 0 };
  private batch: CsvProspect[] = [];
  private errors: RowIssue[] = [];
  /**
   * Address → row, for the batch being filled only. Repeats across batches are found by the
   * database (import_seen, keyed by this run), so memory does not grow with the file.
   */
  private seen = new Map<string, number>();
  private readonly runId = crypto.randomUUID();

  constructor(
    private readonly db: Db,
    private readonly workspaceId: string,
    private readonly importerId: string,
    private readonly plan: ImportPlan,
    private readonly dedupe: ImportOptions['dedupe'],
    private readonly hooks: ImportHooks = {},
    /** The recipient check (deliverability/recipients.ts); without it rows are not looked up. */
    private readonly recipients?: RecipientChecker,
  ) {}

  async add(records: RawRecord[]): Promise<void> {
    for (const record of records) {
      this.progress.rowsRead++;
      const result = 'error' in record ? record : toProspect(record.row, record.fields, this.plan);
      if ('error' in result) {
        this.errors.push({ row: record.row, message: result.error });
      } else {
        const earlier = this.seen.get(result.email);
        if (earlier !== undefined) this.errors.push({ row: record.row, message: `duplicate of row ${earlier} (${result.email}); skipped` });
        else {
          this.seen.set(result.email, record.row);
          this.batch.push(result);
        }
      }
      if (this.batch.length >= BATCH || this.errors.length >= BATCH) await this.flush();
    }
  }

  /**
   * Hands what is waiting to the database and reports it. One write is in flight while the
   * next batch is read (the database works while this process parses); a second flush waits
   * for the first. The batch is encoded at once, so only its JSON text lives across the wait.
   */
  async flush(final = false): Promise<void> {
    await this.dropErased();
    const flagged = await this.screenRecipients();
    const parts = encode(this.batch);
    const rows = this.batch.length;
    const errors = this.errors;
    this.batch = [];
    this.errors = [];
    this.seen = new Map();
    await this.inflight;
    if (this.failure) throw this.failure;
    this.inflight = this.writeParts(parts, rows, errors, flagged).catch((err: unknown) => {
      this.failure = err;
    });
    if (final) {
      await this.inflight;
      await this.forget();
      if (this.failure) throw this.failure;
    }
  }

  /** Drops this run's record of the addresses it wrote (also after a failure). */
  async forget(): Promise<void> {
    await this.inflight;
    await this.db.delete(importSeen).where(eq(importSeen.runId, this.runId));
  }

  /** Nobody erased comes back by a re-imported spreadsheet: their rows become row errors (DESIGN §3.9). */
  private async dropErased() {
    if (this.batch.length === 0) return;
    const erased = await erasedAmong(this.db, this.workspaceId, this.batch.map((p) => p.email));
    if (erased.size === 0) return;
    this.batch = this.batch.filter((p) => {
      if (!erased.has(p.email)) return true;
      this.errors.push({ row: p.row, message: 'this person was erased at their request; not imported' });
      return false;
    });
  }

  /**
   * Rows whose domain takes no mail become row errors; role and disposable addresses are kept,
   * flagged, and the flags are stored on the prospect. Without a checker (the console's import,
   * which asks no DNS) the flags that need none are still stored.
   */
  private async screenRecipients(): Promise<RecipientFlags> {
    if (this.batch.length === 0) return [];
    if (!this.recipients) {
      for (const p of this.batch) p.recipientFlags = localRecipientFlags(p.email);
      return [];
    }
    const screened = await screenRecipients(this.recipients, this.batch);
    const flagsOf = new Map(screened.flagged.map((f) => [f.row, f.flags]));
    this.batch = screened.keep;
    for (const p of this.batch) p.recipientFlags = flagsOf.get(p.row) ?? [];
    this.errors.push(...screened.errors);
    return screened.flagged;
  }

  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;

  private async writeParts(parts: Array<{ json: string; setsOwner: boolean }>, rows: number, errors: RowIssue[], recipientFlags: RecipientFlags = []) {
    let inserted = 0;
    let updated = 0;
    const suppressed: Array<{ row: number; email: string }> = [];
    const repeats: RowIssue[] = [];
    for (const part of parts) {
      const w = await this.write(part.json, part.setsOwner);
      inserted += w.inserted;
      updated += w.updated;
      suppressed.push(...w.suppressed);
      repeats.push(...w.repeats.map((d) => ({ row: d.row, message: `duplicate of row ${d.earlier} (${d.email}); skipped` })));
    }
    suppressed.sort((a, b) => a.row - b.row);
    // A repeat of an earlier batch's address was not written: skipped, and reported like any repeat.
    this.progress.imported += inserted;
    this.progress.updated += updated;
    this.progress.skipped += rows - inserted - updated + errors.length;
    errors.push(...repeats);
    errors.sort((a, b) => a.row - b.row);
    this.progress.errorCount += errors.length;
    this.progress.suppressedCount += suppressed.length;
    if (errors.length || suppressed.length || recipientFlags.length) await this.hooks.onIssues?.({ errors, suppressed, flagged: recipientFlags });
    await this.hooks.onProgress?.({ ...this.progress });
  }

  /**
   * One round trip per part of a batch: the rows travel as one JSON parameter (unpacked by
   * jsonb_to_recordset — building and binding 9,000 separate parameters cost more than the
   * write itself), are upserted, and the same statement answers which addresses are suppressed.
   * Rows naming an owner set it on update too; the others keep the stored owner (a new
   * prospect is the importer's).
   */
  private async write(json: string, setsOwner: boolean): Promise<{ inserted: number; updated: number; suppressed: Array<{ row: number; email: string }>; repeats: Array<{ row: number; email: string; earlier: number }> }> {
    const onConflict =
      this.dedupe === 'skip'
        ? sql`do nothing`
        : sql`do update set
            first_name = coalesce(excluded.first_name, p.first_name),
            last_name = coalesce(excluded.last_name, p.last_name),
            company = coalesce(excluded.company, p.company),
            title = coalesce(excluded.title, p.title),
            time_zone = coalesce(excluded.time_zone, p.time_zone),
            custom_fields = p.custom_fields || excluded.custom_fields,
            -- The same address checked again: the fresh answer replaces the stored one.
            recipient_flags = excluded.recipient_flags,
            ${setsOwner ? sql`owner_id = excluded.owner_id,` : sql``}
            updated_at = now()`;
    type Listed<T> = T[] | string;
    const [row] = rowsOf<{ inserted: number; updated: number; suppressed: Listed<{ row: number; email: string }>; repeats: Listed<{ row: number; email: string; earlier: number }> }>(
      await this.db.execute(sql`
        with r as (
          select * from jsonb_to_recordset(${json}::jsonb)
            as r("row" int, email text, first_name text, last_name text, company text, title text, time_zone text, custom_fields jsonb, owner_id uuid, recipient_flags text[])),
        -- The first occurrence in the file wins: an address an earlier batch of this run wrote is a repeat.
        claimed as (
          insert into ${importSeen} (run_id, email, "row") select ${this.runId}::uuid, r.email, r."row" from r
          on conflict (run_id, email) do nothing
          returning email),
        written as (
          insert into ${prospects} as p (workspace_id, email, first_name, last_name, company, title, time_zone, custom_fields, owner_id, recipient_flags)
          select ${this.workspaceId}::uuid, r.email, r.first_name, r.last_name, r.company, r.title, r.time_zone, r.custom_fields, coalesce(r.owner_id, ${this.importerId}::uuid), coalesce(r.recipient_flags, '{}')
          from r where r.email in (select email from claimed)
          on conflict (workspace_id, email) ${onConflict}
          -- xmax is 0 only on a freshly inserted tuple: tells an insert from an update.
          returning (xmax = 0) as inserted)
        select
          (select count(*) from written where inserted)::int as inserted,
          (select count(*) from written where not inserted)::int as updated,
          coalesce((select jsonb_agg(jsonb_build_object('row', r."row", 'email', r.email)) from r
            where r.email in (select email from claimed)
              and exists (select 1 from ${suppressions} s where s.workspace_id = ${this.workspaceId}::uuid and s.email = r.email)), '[]'::jsonb) as suppressed,
          -- claimed's own rows are not visible here (one snapshot): import_seen shows earlier batches only.
          coalesce((select jsonb_agg(jsonb_build_object('row', r."row", 'email', r.email, 'earlier', i."row")) from r
            join ${importSeen} i on i.run_id = ${this.runId}::uuid and i.email = r.email), '[]'::jsonb) as repeats`),
    );
    const list = <T,>(v: Listed<T>) => (typeof v === 'string' ? (JSON.parse(v) as T[]) : v);
    return { inserted: Number(row!.inserted), updated: Number(row!.updated), suppressed: list(row!.suppressed), repeats: list(row!.repeats) };
  }
}

/** A batch as the JSON its statement unpacks; rows naming an owner apart, since their update sets it. */
function encode(batch: CsvProspect[]): Array<{ json: string; setsOwner: boolean }> {
  const json = (rows: CsvProspect[]) =>
    JSON.stringify(rows.map((p) => ({ row: p.row, email: p.email, first_name: p.firstName, last_name: p.lastName, company: p.company, title: p.title, time_zone: p.timeZone, custom_fields: p.customFields, owner_id: p.ownerId ?? null, recipient_flags: p.recipientFlags ?? [] })));
  const withOwner = batch.filter((p) => p.ownerId !== undefined);
  const without = withOwner.length ? batch.filter((p) => p.ownerId === undefined) : batch;
  return [...(without.length ? [{ json: json(without), setsOwner: false }] : []), ...(withOwner.length ? [{ json: json(withOwner), setsOwner: true }] : [])];
}

/** Reads the header record (blank lines before it are skipped) and plans the columns; a file without one is a 400. */
export function headerPlan(record: RawRecord | undefined, mapping: ImportMapping | undefined, owners: Map<string, string>): ImportPlan {
  if (!record || 'error' in record) throw new ApiError('VALIDATION_ERROR', 'The CSV needs a header row with an email column', [{ path: 'header', message: record ? `unreadable header: ${record.error}` : 'the file is empty' }]);
  return { columns: planColumns(record.fields, mapping), owners };
}

/**
 * The whole import over lines from any source (a stream of the upload, a text in memory):
 * the first record is the header, the rest are rows. Returns the counts; issues go to the hooks.
 */
export interface ImportContext {
  workspaceId: string;
  importerId: string;
  /** Checks each batch's recipient domains (MX/A, role, disposable) before it is written. */
  recipients?: RecipientChecker;
}

export async function importLines(
  db: Db,
  ctx: ImportContext,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportProgress> {
  const iterator = (Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : (lines as Iterable<string>)[Symbol.iterator]()) as AsyncIterator<string> | Iterator<string>;
  const source = await startImport(db, ctx, iterator, options);
  return source.run(hooks);
}

/**
 * Step one of an import, done before answering: the header is read and checked (so a bad
 * header or mapping is a 400, not a failed job). `run` then reads the rest.
 */
export async function startImport(db: Db, ctx: ImportContext, lines: AsyncIterator<string> | Iterator<string>, options: ImportOptions) {
  const splitter = new RecordSplitter();
  const queued: RawRecord[] = [];
  let header: RawRecord | undefined;
  let done = false;
  while (!header) {
    const next = await lines.next();
    if (next.done) {
      done = true;
      queued.push(...splitter.end());
      header = queued.shift();
      break;
    }
    queued.push(...splitter.push(next.value));
    header = queued.shift();
  }
  const plan = headerPlan(header, options.mapping, new Map());
  if (plan.columns.some((c) => c.field === 'owner')) plan.owners = await workspaceOwners(db, ctx.workspaceId);
  return {
    plan,
    async run(hooks: ImportHooks = {}): Promise<ImportProgress> {
      const job = new ImportRun(db, ctx.workspaceId, ctx.importerId, plan, options.dedupe, hooks, ctx.recipients);
      try {
        await job.add(queued);
        if (!done) {
          for (let next = await lines.next(); !next.done; next = await lines.next()) {
            const records = splitter.push(next.value);
            if (records.length) await job.add(records);
          }
          await job.add(splitter.end());
        }
        await job.flush(true);
      } catch (err) {
        await job.forget().catch(() => {}); // the run failed already; its scratch rows go either way
        throw err;
      }
      return job.progress;
    },
  };
}

/** A CSV in memory, imported at once: the answer of a small upload. */
export async function importProspects(db: Db, workspaceId: string, importerId: string, text: string, options: ImportOptions = { dedupe: 'update' }, recipients?: RecipientChecker): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0, errors: [], suppressed: [] };
  const flaggedRows: NonNullable<ImportResult['flagged']> = [];
  const progress = await importLines(db, { workspaceId, importerId, recipients }, linesOfText(text), options, {
    onIssues: ({ errors, suppressed, flagged }) => {
      result.errors.push(...errors);
      result.suppressed.push(...suppressed);
      flaggedRows.push(...(flagged ?? []));
    },
  });
  result.errors.sort((a, b) => a.row - b.row);
  if (flaggedRows.length) result.flagged = flaggedRows.sort((a, b) => a.row - b.row);
  return { ...result, imported: progress.imported, updated: progress.updated, skipped: progress.skipped };
}

/** Parse and check only (no database): the rows an import would write and the errors it would report. */
export function parseProspectCsv(text: string, mapping?: ImportMapping): { rows: CsvProspect[]; errors: RowIssue[] } {
  const splitter = new RecordSplitter();
  const records: RawRecord[] = [];
  for (const line of linesOfText(text)) records.push(...splitter.push(line));
  records.push(...splitter.end());
  const plan = headerPlan(records.shift(), mapping, new Map());
  const rows: CsvProspect[] = [];
  const errors: RowIssue[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const result = 'error' in record ? record : toProspect(record.row, record.fields, plan);
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
