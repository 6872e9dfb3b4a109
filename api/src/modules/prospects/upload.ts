import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ApiError } from '../../lib/api-error';
import { issueDetail } from '../../middleware/errors';
import { findNul, NUL_MESSAGE } from '../../../../shared/contracts/strings';
import { importOptionsSchema, type ImportOptions } from '../../../../shared/contracts/prospects';
import { linesOfStream } from './csv-records';

/** The largest CSV an import takes (a 500,000-row file is about 50 MB). */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/** An upload written to a temporary file as it arrived: read back as lines, removed after. */
export interface SpooledCsv {
  /** Line terminators seen: an upper bound of the rows (a quoted cell may span lines). */
  lines: number;
  bytes: number;
  /** The temporary file (an import thread reads it on its own). */
  path: string;
  options: ImportOptions;
  readLines(): AsyncGenerator<string>;
  remove(): Promise<void>;
}

/**
 * Takes the CSV of `POST /api/prospects/import` — a `text/csv` body, or the `file` field of a
 * multipart form — to a temporary file chunk by chunk, so a 50 MB upload never sits in memory
 * as one string. Options come from the query, or from the form's fields beside `file`.
 */
export async function spoolUpload(req: Request, query: Record<string, string>): Promise<SpooledCsv> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let body: AsyncIterable<Uint8Array>;
  let fields: Record<string, string> = query;
  if (type === 'text/csv' || type === 'text/plain' || type === 'application/csv') {
    body = (req.body ?? emptyStream()) as unknown as AsyncIterable<Uint8Array>;
  } else if (type === 'multipart/form-data') {
    // The multipart parser of the runtime (undici) holds the form as bytes, never as a string.
    const form = await req.formData().catch(() => {
      throw new ApiError('VALIDATION_ERROR', 'Unreadable multipart body');
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw new ApiError('VALIDATION_ERROR', 'The form needs a `file` field holding the CSV', [{ path: 'file', message: 'required' }]);
    fields = { ...query };
    for (const key of ['dedupe', 'mapping']) {
      const v = form.get(key);
      if (typeof v === 'string') fields[key] = v;
    }
    body = file.stream() as unknown as AsyncIterable<Uint8Array>;
  } else {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV as text/csv or as the `file` field of multipart/form-data');
  }
  const options = parseOptions(fields);

  const dir = await mkdtemp(join(tmpdir(), 'lumina-import-'));
  const path = join(dir, 'upload.csv');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const out = createWriteStream(path);
    let bytes = 0;
    let lf = 0;
    let cr = 0;
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > MAX_IMPORT_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE', `The CSV is over the ${MAX_IMPORT_BYTES / 1024 / 1024} MB import limit`);
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lf++;
      for (let i = chunk.indexOf(13); i !== -1; i = chunk.indexOf(13, i + 1)) cr++;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    return { lines: (lf || cr) + 1, bytes, path, options, readLines: () => linesOfStream(createReadStream(path, { highWaterMark: 256 * 1024 })), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

function parseOptions(fields: Record<string, string>): ImportOptions {
  const at = findNul(fields);
  if (at !== null) throw new ApiError('VALIDATION_ERROR', `Invalid query: ${at} ${NUL_MESSAGE}`, [{ path: at, message: NUL_MESSAGE }]);
  const parsed = importOptionsSchema.safeParse({ dedupe: fields.dedupe, mapping: fields.mapping });
  if (!parsed.success) throw new ApiError('VALIDATION_ERROR', 'Invalid import options', parsed.error.issues.map(issueDetail));
  return parsed.data;
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}
