import * as chrono from 'chrono-node';
import { detectLanguage, type Language } from './language';

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
  const found: Array<{ at: number; day: string; back: boolean }> = [];
  // The notice's own language first (a German "bis 20. März" is not English), English after it:
  // many notices carry an English copy below the local one.
  const language = detectLanguage(body);
  const dated = withYears(body, instant, ref.timezone);
  for (const parser of language === 'en' ? [PARSERS.en] : [PARSERS[language], PARSERS.en]) {
    for (const result of parser.parse(dated, ref, { forwardDate: true })) {
      const before = dated.slice(Math.max(0, result.index - 60), result.index);
      // A range ("from 2 to 13 March") needs no cue: its end is the last day away.
      if (!result.end && !RETURN_CUE.test(before) && !RETURN_CUE.test(result.text)) continue;
      // "we will get back to you within 24 hours" is a promise to answer, not a return.
      if (/\b(get|getting|come|write) back to you\b|\bwithin\s*$/i.test(before)) continue;
      let when = result.end ?? result.start;
      // forwardDate moves a whole range a year on when it started before the message ("away
      // from 2 to 13 March", written on the 4th): read it as written, if it ends after the message.
      if (result.end && !result.start.isCertain('year')) {
        const asWritten = parser.parse(result.text, ref)[0]?.end;
        if (asWritten && (isoDay(asWritten) ?? '') >= isoDayOf(instant, ref.timezone)) when = asWritten;
      }
      const day = isoDay(when);
      if (day && day >= isoDayOf(instant, ref.timezone)) found.push({ at: result.index, day, back: backCue(before) });
    }
    if (found.length > 0) break;
  }
  // "Away until (and including) Friday 18th, back on Monday 21st": a date after a "back / from"
  // cue is the return itself, one after "until" may be the last day away; the first "back" date wins.
  found.sort((a, b) => Number(b.back) - Number(a.back) || a.at - b.at);
  return found[0]?.day;
}

/**
 * Whether the cue nearest before a date says the day they are back ("back on", "ab dem",
 * "vanaf", "à partir du", "vuelvo el", "rientro il") rather than the day absence ends ("until").
 */
const BACK_CUE = new RegExp(
  ['\\bback\\b', '\\breturn', '\\bresum', 'in the office', 'zurück', 'wieder', '\\bab( dem)?\\s*$', '\\bvanaf\\b', '\\bweer\\b', 'retour', 'à partir', '\\bdès\\b', 'regres', 'vuelv', 'vuelta', 'a partir de', 'rientr', '\\btorn', 'ritorno', '\\bvolt', 'retorn', '\\bterug\\b'].join('|'),
  'iu',
);
function backCue(before: string): boolean {
  const cues = [...before.matchAll(new RegExp(RETURN_CUE.source, 'giu'))];
  const last = cues[cues.length - 1];
  return !!last && BACK_CUE.test(before.slice(last.index));
}

/**
 * Day-month dates written without a year ("bis 25.09.", "ab dem 28.09"), common in German,
 * Dutch and Italian notices, which chrono only reads with a year: the year is added, the next
 * such day on or after the message's own date.
 */
function withYears(text: string, instant: Date, offset: number): string {
  const today = isoDayOf(instant, offset);
  const year = Number(today.slice(0, 4));
  return text.replace(/(?<![\d.])(\d{1,2})\.(\d{1,2})\.?(?![\d.]*\d)/g, (all, d: string, m: string) => {
    const [day, month] = [Number(d), Number(m)];
    if (day < 1 || day > 31 || month < 1 || month > 12) return all;
    const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return `${d}.${m}.${md >= today.slice(5) ? year : year + 1}`;
  });
}

const PARSERS: Record<Language, chrono.Chrono> = { en: chrono.en.casual, de: chrono.de.casual, fr: chrono.fr.casual, es: chrono.es.casual, pt: chrono.pt.casual, nl: chrono.nl.casual, it: chrono.it.casual };

/** Words that, shortly before a date, make it the return date. The last word may sit right before the date. */
// `\\b` is ASCII-only in JavaScript, so cues that end in an accented letter ("até") use lookarounds.
const RETURN_CUE = new RegExp(
  [
    '\\bback\\b', '\\breturn(ing|s)?\\b', '\\bresum', '\\bin the office (again|on|from)', '\\buntil\\b', '\\btill\\b', '\\bthrough\\b', '\\bthru\\b', 'reachable (again|from)', 'available (again|from)',
    'zurück', 'wieder', '\\bbis\\b', '\\bab\\b', 'retour', "jusqu['’]", 'à partir d', '\\bdès\\b', 'regres', 'vuelta', 'volver', '\\bhasta\\b', 'rientr', '\\bfino\\b', '\\btorn',
    '\\bterug\\b', '\\btot\\b', '\\bvanaf\\b', 'retorn', '\\bvolto\\b', '(?<!\\p{L})até(?!\\p{L})', '(?<!\\p{L})à partir', 'rientro', '\\bdal\\b', "\\bdall['’]", '\\bdesde\\b', 'a partir de', 'di nuovo', 'de nuevo', 'opnieuw', 'zurück', 'de retour', 'tot en met', 'weer (aanwezig|bereikbaar|op kantoor)',
    // First-person return verbs: "vuelvo el 21", "volto dia 3", "torno il 12", "sarò di ritorno".
    '\\bvuelv', '\\bvolt(o|arei)\\b', '\\btorno\\b', 'ritorno',
  ].join('|'),
  'iu',
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
export function offsetMinutes(dateHeader: string): number | null {
  const m = /([+-])(\d\d):?(\d\d)\s*(\(.*\))?\s*$/.exec(dateHeader.trim());
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
