/**
 * Cheap text measurements for the scorer: linear passes with regular expressions and
 * char loops, no dependencies, so the extension can score on every keystroke.
 */

export interface Sentence {
  start: number;
  end: number;
  question: boolean;
}

export interface Paragraph {
  start: number;
  end: number;
  words: number;
}

const TAG = /<[a-zA-Z!/][^>]*>/;

export function looksLikeHtml(body: string): boolean {
  return TAG.test(body);
}

export const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

export function countWords(text: string): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text)) n++;
  return n;
}

/** Sentences end at . ! ? or a line break; a trailing fragment counts as one. */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?\n]+(?:[.!?]+|\n|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (!/[\p{L}\p{N}]/u.test(m[0])) continue;
    const lead = m[0].length - m[0].trimStart().length;
    out.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, question: m[0].includes('?') });
  }
  return out;
}

/** Blank lines separate paragraphs; plain text without blank lines falls back to single lines. */
export function splitParagraphs(text: string): Paragraph[] {
  const separator = /\n\s*\n/.test(text) ? /\n\s*\n/g : /\n/g;
  const out: Paragraph[] = [];
  let start = 0;
  const push = (end: number) => {
    const words = countWords(text.slice(start, end));
    if (words > 0) out.push({ start, end, words });
  };
  for (let m = separator.exec(text); m; m = separator.exec(text)) {
    push(m.index);
    start = m.index + m[0].length;
  }
  push(text.length);
  return out;
}

/** Vowel groups, minus a silent final e: the usual approximation, good enough for a grade. */
export function countSyllables(word: string): number {
  const w = word.toLowerCase();
  let count = 0;
  let inVowel = false;
  for (let i = 0; i < w.length; i++) {
    const vowel = 'aeiouy'.includes(w[i]!);
    if (vowel && !inVowel) count++;
    inVowel = vowel;
  }
  if (w.length > 2 && w.endsWith('e') && !w.endsWith('le') && count > 1) count--;
  return Math.max(1, count);
}

/** Flesch–Kincaid grade level, clamped to 0..20. */
export function readingGrade(text: string, sentenceCount: number): number {
  let words = 0;
  let syllables = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    words++;
    syllables += countSyllables(m[0]);
  }
  if (words === 0) return 0;
  const grade = 0.39 * (words / Math.max(1, sentenceCount)) + 11.8 * (syllables / words) - 15.59;
  return Math.round(Math.min(20, Math.max(0, grade)) * 10) / 10;
}

/** UTF-8 length without allocating an encoded copy. */
export function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
