import { clipWarnings } from '../gmail-clip';
import type { ScoreSignal } from '../contracts/ai';
import { listVariables, prospectVars, renderTemplate } from '../template-vars';
import { SPAM_PATTERN } from './spam-phrases';
import { htmlToPlain } from '../html-plain';
import {
  WORD, countWords, looksLikeHtml, readingGrade, splitParagraphs, splitSentences, utf8Bytes, type Sentence,
} from './text-stats';

export interface ScoreInput {
  subject: string;
  /** Plain text or HTML; HTML is stripped for the text checks and counted for links, images and size. */
  body: string;
  prospect?: {
    email?: string;
    firstName?: string | null;
    lastName?: string | null;
    company?: string | null;
    title?: string | null;
    customFields?: Record<string, string> | null;
  } | null;
  /** Campaign (one-to-many) mail must offer a way out. */
  campaign?: boolean;
}

export interface ScoreResult {
  /** 0..100: 100 minus the impact of every signal. */
  score: number;
  signals: ScoreSignal[];
  stats: { words: number; subjectWords: number; readingGrade: number; links: number; images: number; bytes: number };
  /** The analysed body text that body spans index into (the body itself when it is plain text). */
  text: string;
}

export { GMAIL_CLIP_BYTES } from '../gmail-clip';

/**
 * Scores a draft 0–100 with explainable signals. Pure and dependency-light: the extension
 * runs it on every keystroke, the API runs the same function under `/api/ai/score`.
 */
export function scoreEmail(input: ScoreInput): ScoreResult {
  const html = looksLikeHtml(input.body);
  const text = html ? htmlToPlain(input.body) : input.body;
  const subject = input.subject ?? '';
  const sentences = splitSentences(text);
  const words = countWords(text);
  const subjectWords = countWords(subject);
  const grade = words >= 30 ? readingGrade(text, sentences.length) : 0;
  const links = countLinks(input.body, text, html);
  const images = html ? (input.body.match(/<img\b/gi)?.length ?? 0) : 0;
  const bytes = utf8Bytes(input.body);

  const signals: ScoreSignal[] = [
    ...wordCountSignals(words),
    ...subjectSignals(subject, subjectWords),
    ...readingSignals(words, grade),
    ...personalizationSignals(input, text),
    ...variableSignals(input, subject, text),
    ...callToActionSignals(text, sentences),
    ...spamSignals(subject, text),
    ...linkSignals(links, images),
    ...shoutingSignals(subject, text),
    ...youFocusSignals(text),
    ...paragraphSignals(text),
    ...sizeSignals(bytes),
    ...unsubscribeSignals(input, text),
  ];
  const raw = 100 - signals.reduce((sum, s) => sum + s.impact, 0);
  // A blocking error (no body, unfilled variable, clipped by Gmail, campaign mail without a way
  // out) keeps the draft in "needs work" whatever else is good: the cap is a signal of its own,
  // so the score stays 100 minus the impacts.
  const blockers = signals.filter((s) => s.severity === 'error' && BLOCKING.has(s.id)).length;
  if (blockers && raw > BLOCKED_CAP) {
    signals.push(error('blocked', `Fix ${blockers === 1 ? 'the error' : `the ${blockers} errors`} first: the score stays under ${BLOCKED_CAP + 1} until then.`, raw - BLOCKED_CAP));
  }
  // Blocking errors first: they are what to fix before anything else.
  signals.sort((a, b) => rank(a) - rank(b));
  const lost = signals.reduce((sum, s) => sum + s.impact, 0);
  return {
    score: Math.max(0, Math.min(100, Math.round(100 - lost))),
    signals,
    stats: { words, subjectWords, readingGrade: grade, links, images, bytes },
    text,
  };
}

// ---- signals -------------------------------------------------------------------------
// Impacts are bounded so that no signal can gain more from a few extra words than a spam
// phrase costs (15): the monotonic property tests hold the scorer to that.

const SPAM_IMPACT = 15;
/** The highest score a draft with a blocking error can have (the top of "needs work"). */
export const BLOCKED_CAP = 49;
/** Errors that mean the email must not go out as it is (an empty subject is fixed in a second, and not blocking). */
const BLOCKING = new Set(['word-count', 'variables.unresolved', 'size-clip', 'unsubscribe']);
const rank = (s: ScoreSignal) => (s.id === 'blocked' ? 1 : s.severity === 'error' ? 0 : s.severity === 'warning' ? 2 : 3);
const round1 = (n: number) => Math.round(n * 10) / 10;
const info = (id: string, message: string, extra: Partial<ScoreSignal> = {}): ScoreSignal => ({ id, severity: 'info', message, impact: 0, ...extra });
const warn = (id: string, message: string, impact: number, extra: Partial<ScoreSignal> = {}): ScoreSignal => ({ id, severity: 'warning', message, impact: round1(impact), ...extra });
const error = (id: string, message: string, impact: number, extra: Partial<ScoreSignal> = {}): ScoreSignal => ({ id, severity: 'error', message, impact: round1(impact), ...extra });

function wordCountSignals(words: number): ScoreSignal[] {
  if (words === 0) return [error('word-count', 'The email has no body yet.', shortImpact(0), { field: 'body' })];
  if (words < 50) return [warn('word-count', `${words} words: emails of 50–125 words get the most replies; add a line of context.`, shortImpact(words), { field: 'body' })];
  if (words <= 125) return [info('word-count', `${words} words: right in the 50–125 sweet spot.`, { field: 'body' })];
  return [warn('word-count', `${words} words: emails of 50–125 words get the most replies; trim it.`, Math.min(20, (words - 125) * 0.1), { field: 'body' })];
}

/**
 * What a short body costs: steep for a near-empty draft (an empty one scores low, not 65),
 * gentle near 50 words. At most 3.5 points a word, so the four words of the longest spam
 * phrase never win back its 15.
 */
const shortImpact = (words: number) => Math.max((50 - words) * 0.3, 70 - 3.5 * words);

function subjectSignals(subject: string, n: number): ScoreSignal[] {
  const at = { field: 'subject' as const, span: { start: 0, end: subject.length } };
  if (n === 0) return [error('subject-length', 'Add a subject line.', 10, { field: 'subject' })];
  if (n < 3) return [warn('subject-length', `${n}-word subject: 3–7 words read best.`, 6, at)];
  if (n <= 7) return [info('subject-length', `${n}-word subject: a good length.`, at)];
  return [warn('subject-length', `${n}-word subject: 3–7 words read best; it may be cut off on mobile.`, n > 10 ? 6 : 3, at)];
}

function readingSignals(words: number, grade: number): ScoreSignal[] {
  if (words < 30) return [];
  if (grade <= 9) return [info('reading-grade', `Reads at grade ${grade}: easy to skim.`, { field: 'body' })];
  return [warn('reading-grade', `Reads at grade ${grade}: aim for grade 9 or below with shorter sentences and words.`, Math.min(8, (grade - 9) * 1.5), { field: 'body' })];
}

function personalizationSignals(input: ScoreInput, text: string): ScoreSignal[] {
  const p = input.prospect;
  if (!p) return [info('personalization', 'No prospect attached, so personalization was not checked.')];
  const haystack = `${input.subject}\n${text}`;
  const out: ScoreSignal[] = [];
  const first = p.firstName?.trim();
  if (first) {
    const at = findWord(haystack, first);
    out.push(at < 0 ? warn('personalization.name', `Greet ${first} by name.`, 8) : info('personalization.name', `Mentions ${first} by name.`));
  }
  const company = p.company?.trim();
  if (company) {
    const at = findWord(haystack, company);
    out.push(at < 0 ? warn('personalization.company', `Say why you are writing to ${company} in particular.`, 4) : info('personalization.company', `Mentions ${company}.`));
  }
  const custom = Object.entries(p.customFields ?? {}).filter(([, v]) => v && v.trim().length >= 3);
  if (custom.length) {
    const used = custom.filter(([, v]) => findWord(haystack, v.trim()) >= 0).map(([k]) => k);
    out.push(
      used.length
        ? info('personalization.details', `Uses what you know about them (${used.join(', ')}).`)
        : warn('personalization.details', `Uses none of what you know about them (${custom.map(([k]) => k).join(', ')}).`, 2),
    );
  }
  return out;
}

const PER_PROSPECT = /^(email|firstName|lastName|fullName|company|title|custom\..+|unsubscribe\w*)$/;

function variableSignals(input: ScoreInput, subject: string, text: string): ScoreSignal[] {
  const vars = input.prospect ? prospectVars({ email: '', ...input.prospect }) : {};
  const out: ScoreSignal[] = [];
  for (const [field, value] of [['subject', subject], ['body', text]] as const) {
    for (const v of listVariables(value)) {
      if (v.fallback || renderTemplate(`{{${v.name}}}`, vars).missing.length === 0) continue;
      const span = { start: v.start, end: v.end };
      if (input.campaign && !input.prospect && PER_PROSPECT.test(v.name)) {
        out.push(info('variables', `{{${v.name}}} is filled per prospect when the campaign sends.`, { field, span }));
      } else {
        out.push(error('variables.unresolved', `{{${v.name}}} has no value: fill it in or give it a fallback ({{${v.name}|…}}).`, 10, { field, span }));
      }
    }
  }
  return out;
}

const CTA = /\b(?:let me know|are you open|open to|worth a (?:chat|call|look)|would you|could we|can we|shall we|interested in|grab (?:a|some) time|book a|schedule a|hop on|reply (?:with|to)|thoughts\?)/i;

function callToActionSignals(text: string, sentences: Sentence[]): ScoreSignal[] {
  const asks = sentences.filter((s) => s.question || CTA.test(text.slice(s.start, s.end)));
  if (sentences.length === 0) return [];
  if (asks.length === 0) return [warn('cta', 'No clear ask: end with one question or call to action.', 8, { field: 'body' })];
  const first = { field: 'body' as const, span: { start: asks[0]!.start, end: asks[0]!.end } };
  if (asks.length === 1) return [info('cta', 'One clear ask.', first)];
  const extra = asks[1]!;
  return [warn('cta', `${asks.length} asks: one clear call to action gets more replies.`, Math.min(8, (asks.length - 1) * 2), { field: 'body', span: { start: extra.start, end: extra.end } })];
}

function spamSignals(subject: string, text: string): ScoreSignal[] {
  const out: ScoreSignal[] = [];
  for (const [field, value] of [['subject', subject], ['body', text]] as const) {
    for (const m of value.matchAll(SPAM_PATTERN)) {
      out.push(warn('spam-phrase', `"${m[0]}" reads like spam to filters and people.`, SPAM_IMPACT, { field, span: { start: m.index!, end: m.index! + m[0].length } }));
    }
  }
  return out;
}

function linkSignals(links: number, images: number): ScoreSignal[] {
  const out: ScoreSignal[] = [];
  if (links > 2) out.push(warn('links', `${links} links: one, at most two, keeps you out of the promotions tab.`, Math.min(10, (links - 2) * 3), { field: 'body' }));
  else if (links > 0) out.push(info('links', `${links} link${links > 1 ? 's' : ''}.`, { field: 'body' }));
  if (images > 0) out.push(warn('images', `${images} image${images > 1 ? 's' : ''}: images in a first email hurt deliverability.`, Math.min(8, images * 3), { field: 'body' }));
  return out;
}

const ACRONYMS = new Set(['ASAP', 'HTTP', 'HTTPS', 'HTML', 'GDPR', 'CCPA', 'HIPAA', 'SaaS', 'NASA', 'NYSE', 'EMEA', 'APAC', 'LATAM', 'B2B', 'B2C', 'SOC2', 'JSON', 'OKRS', 'KPIS']);

function shoutingSignals(subject: string, text: string): ScoreSignal[] {
  const out: ScoreSignal[] = [];
  const bangs = [...text.matchAll(/!/g)];
  if (bangs.length >= 2) {
    const at = bangs[1]!.index!;
    out.push(warn('exclamation', `${bangs.length} exclamation marks: one at most reads as calm and confident.`, Math.min(8, (bangs.length - 1) * 2), { field: 'body', span: { start: at, end: at + 1 } }));
  }
  const subjectBang = subject.indexOf('!');
  if (subjectBang >= 0) out.push(warn('exclamation', 'An exclamation mark in the subject looks like marketing mail.', 3, { field: 'subject', span: { start: subjectBang, end: subjectBang + 1 } }));
  let caps = 0;
  for (const [field, value] of [['subject', subject], ['body', text]] as const) {
    for (const m of value.matchAll(/\b[A-Z]{4,}\b/g)) {
      if (ACRONYMS.has(m[0])) continue;
      caps++;
      if (caps <= 4) out.push(warn('all-caps', `"${m[0]}" in capitals reads as shouting.`, 2, { field, span: { start: m.index!, end: m.index! + m[0].length } }));
    }
  }
  return out;
}

const SELF = new Set(['i', 'me', 'my', 'mine', 'we', 'us', 'our', 'ours', "i'm", "i've", "i'd", "i'll", "we're", "we've", "we'd", "we'll"]);
const READER = new Set(['you', 'your', 'yours', "you're", "you've", "you'd", "you'll", 'yourself']);

function youFocusSignals(text: string): ScoreSignal[] {
  let self = 0;
  let reader = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    if (m[0].length > 8) continue;
    const w = m[0].toLowerCase().replace('’', "'");
    if (SELF.has(w)) self++;
    else if (READER.has(w)) reader++;
  }
  if (self >= 3 && self > reader * 1.5) {
    return [warn('you-focus', `About you ${self} times, about them ${reader}: turn "I/we" sentences into "you" sentences.`, 5, { field: 'body' })];
  }
  return self + reader > 0 ? [info('you-focus', `About them ${reader} times, about you ${self}.`, { field: 'body' })] : [];
}

function paragraphSignals(text: string): ScoreSignal[] {
  const long = splitParagraphs(text).filter((p) => p.words > 60);
  return long.slice(0, 3).map((p) =>
    warn('paragraph-length', `A ${p.words}-word paragraph is a wall of text on a phone: break it up (2–3 lines each).`, 3, { field: 'body', span: { start: p.start, end: p.end } }),
  );
}

function sizeSignals(bytes: number): ScoreSignal[] {
  const [clip] = clipWarnings(bytes);
  if (clip) return [error('size-clip', clip, 20, { field: 'body' })];
  return [];
}

const UNSUBSCRIBE = /unsubscribe|opt[\s-]?out|\{\{\s*unsubscribe/i;

function unsubscribeSignals(input: ScoreInput, text: string): ScoreSignal[] {
  if (!input.campaign) return [];
  if (UNSUBSCRIBE.test(text) || UNSUBSCRIBE.test(input.body)) return [info('unsubscribe', 'Offers a way to unsubscribe.', { field: 'body' })];
  return [error('unsubscribe', 'Campaign mail needs an unsubscribe line (or {{unsubscribeUrl}}).', 15, { field: 'body' })];
}

// ---- helpers -------------------------------------------------------------------------

function countLinks(raw: string, text: string, html: boolean): number {
  const bare = text.match(/\bhttps?:\/\/[^\s<>"')]+|\bwww\.[^\s<>"')]+/gi)?.length ?? 0;
  if (!html) return bare;
  const anchors = raw.match(/<a\b[^>]*\bhref\s*=/gi)?.length ?? 0;
  return Math.max(anchors, bare);
}

/** Case-insensitive whole-word search; -1 when absent. */
function findWord(haystack: string, needle: string): number {
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  for (let at = h.indexOf(n); at >= 0; at = h.indexOf(n, at + 1)) {
    const before = h[at - 1];
    const after = h[at + n.length];
    if ((!before || !/[\p{L}\p{N}]/u.test(before)) && (!after || !/[\p{L}\p{N}]/u.test(after))) return at;
  }
  return -1;
}
