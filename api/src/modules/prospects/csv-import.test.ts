import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { parseProspectCsv } from './csv-import';

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
