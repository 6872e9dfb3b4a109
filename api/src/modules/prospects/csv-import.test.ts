import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { parseProspectCsv } from './csv-import';
import { linesOfStream, linesOfText } from './csv-records';

const cell = fc.string({ maxLength: 12 }).map((s) => s.replace(/\r/g, ''));

describe('parseProspectCsv', () => {
  it('reads back whatever csv-stringify writes: quotes, commas and newlines in cells, rows by starting line', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 30 }), (cells) => {
        const records = cells.map(([name, note], i) => [`p${i}@fuzz.test`, name, note]);
        const text = stringify([['email', 'first_name', 'note'], ...records]);
        const { rows, errors } = parseProspectCsv(text);
        expect(errors).toEqual([]);
        expect(rows.map((r) => [r.email, r.firstName ?? '', r.customFields.note ?? ''])).toEqual(records.map(([e, n, o]) => [e, n!.trim(), o!.trim()]));
        // Each row number is the line its record starts on.
        const lines = text.split('\n');
        for (const r of rows) expect(lines[r.row - 1]!.replace(/^"/, '')).toMatch(new RegExp(`^${r.email.replace('.', '\\.')}`));
      }),
      { numRuns: 200 },
    );
  });

  it('recovers after an unclosed quote and names the line', () => {
    const { rows, errors } = parseProspectCsv('email,company\na@x.test,"Open\nb@x.test,Bco\n"c@x.test",C\n');
    expect(errors).toEqual([{ row: 2, message: 'unclosed quote' }]);
    expect(rows.map((r) => [r.row, r.email, r.company])).toEqual([
      [3, 'b@x.test', 'Bco'],
      [4, 'c@x.test', 'C'],
    ]);
  });

  it('names a stray quote inside a field without losing its neighbours', () => {
    const { rows, errors } = parseProspectCsv('email,company\na@x.test,"Acme"x\nb@x.test,Bco\n');
    expect(errors).toEqual([{ row: 2, message: expect.stringMatching(/^malformed CSV/) }]);
    expect(rows.map((r) => r.email)).toEqual(['b@x.test']);
  });
});

describe('streaming pieces', () => {
  it('reads the same lines however the bytes are chunked (CRLF and multi-byte characters split across chunks)', async () => {
    const text = '\uFEFFemail,name\r\na@x.test,Zoë 日本\r\nb@x.test,Bo\rc@x.test,Cy\n\nd@x.test,"two\r\nlines"\r\n';
    const bytes = new TextEncoder().encode(text);
    const expected = [...linesOfText(text)];
    expect(expected[0]).toBe('email,name');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length }), { maxLength: 8 }), async (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => bytes.slice(start, points[i] ?? bytes.length)).filter((c) => c.length);
        const got: string[] = [];
        for await (const line of linesOfStream((async function* () { yield* chunks; })())) got.push(line);
        expect(got).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('gives up on an unclosed quote after a bounded look-ahead and reads on from the next line', () => {
    const lines = ['email,company', 'a@x.test,"Open', ...Array.from({ length: 300 }, (_, i) => `p${i}@x.test,Co`)];
    const { rows, errors } = parseProspectCsv(lines.join('\n'));
    expect(errors).toEqual([{ row: 2, message: 'unclosed quote' }]);
    expect(rows).toHaveLength(300);
  });

  it('infers headers, normalises addresses and checks zones', () => {
    const { rows, errors } = parseProspectCsv(
      'E-mail,Full Name,Time zone,Company Name,Job Title,Lead Source\n"Ana <ANA@X.test>",Ana de Souza,europe/paris,Aco,CEO,Fair\nmailto:Bo@X.test,Bo,Mars/Olympus,Bco,,\n',
    );
    expect(rows).toEqual([
      { row: 2, email: 'ana@x.test', firstName: 'Ana', lastName: 'de Souza', company: 'Aco', title: 'CEO', timeZone: 'Europe/Paris', customFields: { lead_source: 'Fair' } },
    ]);
    expect(errors).toEqual([{ row: 3, message: 'unknown time zone: Mars/Olympus (use an IANA name such as Europe/Paris)' }]);
  });
});
