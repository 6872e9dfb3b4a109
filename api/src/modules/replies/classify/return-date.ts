import * as chrono from 'chrono-node';

/**
 * The day an out-of-office says its author is back, as `YYYY-MM-DD`, read relative to the
 * message's own Date (so "until Monday" means the Monday after it was sent). Only dates
 * that follow a "back / returning / until" cue count: an auto-reply also names the day it
 * was written, meeting dates, and so on.
 */
export function findReturnDate(text: string, sentAt: Date | null, dateHeader = ''): string | undefined {
  const instant = sentAt ?? new Date();
  const ref = { instant, timezone: offsetMinutes(dateHeader) ?? 0 };
  const body = text.slice(0, 4000);
  const found: Array<{ at: number; day: string }> = [];
  for (const parser of PARSERS) {
    for (const result of parser.parse(body, ref, { forwardDate: true })) {
      const before = body.slice(Math.max(0, result.index - 60), result.index);
      if (!RETURN_CUE.test(before) && !RETURN_CUE.test(result.text)) continue;
      const when = result.end ?? result.start;
      const day = isoDay(when);
      if (day && day >= isoDayOf(instant, ref.timezone)) found.push({ at: result.index, day });
    }
    if (found.length > 0) break;
  }
  found.sort((a, b) => a.at - b.at);
  return found[0]?.day;
}

const PARSERS = [chrono.en.casual, chrono.de.casual, chrono.fr.casual, chrono.es.casual, chrono.it.casual, chrono.nl.casual, chrono.pt.casual, chrono.sv.casual];

/** Words that, shortly before a date, make it the return date. The last word may sit right before the date. */
const RETURN_CUE = new RegExp(
  [
    '\\bback\\b', '\\breturn(ing|s)?\\b', '\\bresum', '\\bin the office (again|on|from)', '\\buntil\\b', '\\btill\\b', '\\bthrough\\b', '\\bthru\\b', 'reachable (again|from)', 'available (again|from)',
    'zurück', 'wieder', '\\bbis\\b', '\\bab\\b', 'retour', "jusqu['’]", 'à partir d', '\\bdès\\b', 'regres', 'vuelta', 'volver', '\\bhasta\\b', 'rientr', '\\bfino\\b', '\\btorn',
    '\\bterug\\b', '\\btot\\b', '\\bvanaf\\b', 'retorn', '\\bvolto\\b', '\\baté\\b', 'tillbaka', 'till och med',
  ].join('|'),
  'i',
);

function isoDay(c: chrono.ParsedComponents): string | null {
  const y = c.get('year');
  const m = c.get('month');
  const d = c.get('day');
  if (!y || !m || !d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function isoDayOf(instant: Date, offset: number): string {
  return new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 10);
}

/** The zone offset written in a Date header (`+0100`), in minutes. */
function offsetMinutes(dateHeader: string): number | null {
  const m = /([+-])(\d\d):?(\d\d)\s*(\(.*\))?\s*$/.exec(dateHeader.trim());
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
