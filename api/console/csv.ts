import type { Context } from 'hono';
import { stringify } from 'csv-stringify/sync';
import type { AppEnv } from '../src/context';

/**
 * A CSV download streamed from an async source, one header row then the rows. Cells that a
 * spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote.
 */
export function csvDownload(c: Context<AppEnv>, filename: string, header: string[], rows: AsyncIterable<unknown[]>) {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(stringify([header])));
      for await (const row of rows) controller.enqueue(encoder.encode(stringify([row.map(safeCell)])));
      controller.close();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
  });
}

function safeCell(v: unknown) {
  const s = v === null || v === undefined ? '' : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
