import { parse } from 'csv-parse/sync';

/** One CSV record by the line it starts on (the header is line 1), or why that line is unreadable. */
export type RawRecord = { row: number; fields: string[] } | { row: number; error: string };

/** Lines a quoted cell may span before its record is called unclosed (cells hold 2,000 characters at most). */
const MAX_RECORD_LINES = 200;
const MAX_RECORD_CHARS = 1_000_000;
/** Clean single-line records handed to one csv-parse call. */
const BLOCK = 256;

/**
 * Splits CSV text into records as it arrives, line by line, so a file of any size is read in
 * bounded memory. A record ends on the first line where its quotes balance; clean one-line
 * records go to csv-parse in blocks (the common, fast case), a multi-line record is parsed
 * alone. When a record's quotes do not balance within MAX_RECORD_LINES, or a record will not
 * parse, only its first line is reported and reading restarts on the next line — so one stray
 * quote cannot swallow the rest of the file.
 */
export class RecordSplitter {
  private pending: Array<{ row: number; text: string; quotes: number }> = [];
  private pendingChars = 0;
  private block: Array<{ row: number; text: string }> = [];
  private out: RawRecord[] = [];
  private line = 0;

  /** Feeds one line (without its terminator); returns the records it completed. */
  push(text: string): RawRecord[] {
    this.line += 1;
    const quotes = countQuotes(text);
    if (this.pending.length === 0 && quotes % 2 === 0) {
      if (text.trim() !== '') this.addToBlock({ row: this.line, text });
    } else {
      this.pending.push({ row: this.line, text, quotes });
      this.pendingChars += text.length;
      this.drain(false);
    }
    return this.take();
  }

  /** The end of input: whatever is still open is reported. */
  end(): RawRecord[] {
    this.drain(true);
    this.flushBlock();
    return this.take();
  }

  private take(): RawRecord[] {
    if (this.out.length === 0) return EMPTY;
    const out = this.out;
    this.out = [];
    return out;
  }

  private addToBlock(line: { row: number; text: string }) {
    this.block.push(line);
    if (this.block.length === BLOCK) this.flushBlock();
  }

  private flushBlock() {
    if (this.block.length) this.out.push(...parseBlock(this.block));
    this.block = [];
  }

  /** Resolves the pending lines, head first, as far as the input seen so far allows. */
  private drain(final: boolean) {
    while (this.pending.length) {
      const head = this.pending[0]!;
      if (head.quotes % 2 === 0) {
        this.shift(1);
        if (head.text.trim() !== '') this.addToBlock(head);
        continue;
      }
      let parity = head.quotes % 2;
      let end = -1;
      for (let i = 1; i < this.pending.length; i++) {
        parity = (parity + this.pending[i]!.quotes) % 2;
        if (parity === 0) {
          end = i;
          break;
        }
      }
      if (end < 0 && !final && this.pending.length < MAX_RECORD_LINES && this.pendingChars < MAX_RECORD_CHARS) return; // wait for more lines
      // Rare cases, decided at once because a failure changes where reading resumes.
      this.flushBlock();
      if (end < 0) {
        this.out.push({ row: head.row, error: 'unclosed quote' });
        this.shift(1);
        continue;
      }
      const text = this.pending.slice(0, end + 1).map((l) => l.text).join('\n');
      const fields = tryParse(text);
      if (fields?.length === 1) {
        this.out.push({ row: head.row, fields: fields[0]! });
        this.shift(end + 1);
      } else {
        this.out.push({ row: head.row, error: errorOf(text) });
        this.shift(1);
      }
    }
  }

  private shift(n: number) {
    for (const l of this.pending.splice(0, n)) this.pendingChars -= l.text.length;
  }
}

const EMPTY: RawRecord[] = [];

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * Parses many records in one csv-parse call; when the block does not come out as one record
 * per line, each line is parsed alone so the bad one is named.
 */
function parseBlock(block: Array<{ row: number; text: string }>): RawRecord[] {
  const whole = tryParse(block.map((b) => b.text).join('\n'));
  if (whole && whole.length === block.length) return block.map((b, i) => ({ row: b.row, fields: whole[i]! }));
  return block.map((b) => {
    const one = tryParse(b.text);
    return one?.length === 1 ? { row: b.row, fields: one[0]! } : { row: b.row, error: one ? 'not a single CSV record' : errorOf(b.text) };
  });
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

/** The lines of a text in memory (small uploads, tests). */
export function* linesOfText(text: string): Generator<string> {
  const clean = text.replace(/^\uFEFF/, '');
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(clean); m; m = re.exec(clean)) {
    yield clean.slice(start, m.index);
    start = m.index + m[0].length;
  }
  if (start < clean.length) yield clean.slice(start);
}

/**
 * The lines of a byte stream as they arrive (UTF-8, a leading BOM dropped; `\r\n`, `\n` and
 * `\r` all end a line, also when a `\r\n` is split between two chunks).
 */
export async function* linesOfStream(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let first = true;
  for await (const chunk of chunks) {
    let text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (first && text.length) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    // Keep a trailing `\r` back: its `\n` may open the next chunk.
    const cut = Math.max(text.lastIndexOf('\n'), text.endsWith('\r') ? -1 : text.lastIndexOf('\r'));
    if (cut < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(cut + 1);
    const done = text.slice(0, cut + 1);
    const re = /\r\n|\n|\r/g;
    let start = 0;
    for (let m = re.exec(done); m; m = re.exec(done)) {
      yield done.slice(start, m.index);
      start = m.index + m[0].length;
    }
  }
  rest += decoder.decode();
  yield* linesOfText(rest);
}
