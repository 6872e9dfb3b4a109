import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BLOCKED_CAP, scoreEmail, type ScoreInput } from './score-email';
import { scoreBand } from './score-band';
import { SPAM_PHRASES } from './spam-phrases';
import { countSyllables, readingGrade, splitSentences } from './text-stats';
import { htmlToPlain } from '../html-plain';
import { textToHtml } from '../text-to-html';

const words = (n: number, word = 'team') => Array.from({ length: n }, () => word).join(' ');

/** A draft that scores well: every test changes one thing about it. */
const GOOD: ScoreInput = {
  subject: 'Quick idea for Acme onboarding',
  body: [
    'Hi Ada,',
    '',
    'Saw that Acme just opened a second office in Lisbon. Congrats on the growth.',
    '',
    'Teams your size often lose a week per new hire to manual setup. You could get that week back: your managers pick a role, and the laptop, accounts and training plan are ready on day one.',
    '',
    'Would you be open to a short call next Tuesday to see if this fits your team?',
    '',
    'Best,',
    'Sam',
  ].join('\n'),
  prospect: { firstName: 'Ada', company: 'Acme', customFields: { city: 'Lisbon' } },
};

const signal = (input: ScoreInput, id: string) => scoreEmail(input).signals.filter((s) => s.id === id);
const severities = (input: ScoreInput, id: string) => signal(input, id).map((s) => s.severity);

describe('the baseline draft', () => {
  it('scores high with no warnings or errors', () => {
    const result = scoreEmail(GOOD);
    expect(result.signals.filter((s) => s.severity !== 'info')).toEqual([]);
    expect(result.score).toBe(100);
    expect(result.stats.words).toBeGreaterThanOrEqual(50);
  });
});

describe('each signal', () => {
  const cases: Array<{ name: string; id: string; input: ScoreInput; expect: Array<'info' | 'warning' | 'error'> }> = [
    { name: 'empty body is an error', id: 'word-count', input: { ...GOOD, body: '' }, expect: ['error'] },
    { name: 'short body warns', id: 'word-count', input: { ...GOOD, body: `Hi Ada, ${words(20)} would you chat?` }, expect: ['warning'] },
    { name: '50–125 words is fine', id: 'word-count', input: GOOD, expect: ['info'] },
    { name: 'over 125 words warns', id: 'word-count', input: { ...GOOD, body: `${GOOD.body}\n\n${words(120)}.` }, expect: ['warning'] },
    { name: 'no subject is an error', id: 'subject-length', input: { ...GOOD, subject: '' }, expect: ['error'] },
    { name: 'two-word subject warns', id: 'subject-length', input: { ...GOOD, subject: 'Acme onboarding' }, expect: ['warning'] },
    { name: '3–7 word subject is fine', id: 'subject-length', input: GOOD, expect: ['info'] },
    { name: 'twelve-word subject warns', id: 'subject-length', input: { ...GOOD, subject: words(12, 'Acme') }, expect: ['warning'] },
    { name: 'plain words read easily', id: 'reading-grade', input: GOOD, expect: ['info'] },
    {
      name: 'long words in long sentences warn',
      id: 'reading-grade',
      input: { ...GOOD, body: `${'Organizational transformation initiatives necessitate comprehensive interdepartmental communication methodologies '.repeat(6)}. Would you discuss?` },
      expect: ['warning'],
    },
    { name: 'missing first name warns', id: 'personalization.name', input: { ...GOOD, body: GOOD.body.replace('Hi Ada,', 'Hi there,') }, expect: ['warning'] },
    { name: 'first name present', id: 'personalization.name', input: GOOD, expect: ['info'] },
    { name: 'missing company warns', id: 'personalization.company', input: { ...GOOD, subject: 'Quick idea for onboarding', body: GOOD.body.replace('Acme', 'your company') }, expect: ['warning'] },
    { name: 'custom fields unused warn', id: 'personalization.details', input: { ...GOOD, body: GOOD.body.replace('in Lisbon', 'abroad') }, expect: ['warning'] },
    { name: 'custom field used', id: 'personalization.details', input: GOOD, expect: ['info'] },
    { name: 'no prospect: not checked', id: 'personalization', input: { ...GOOD, prospect: undefined }, expect: ['info'] },
    { name: 'unresolved variable is an error', id: 'variables.unresolved', input: { ...GOOD, body: `${GOOD.body}\nP.S. {{custom.pain}}` }, expect: ['error'] },
    { name: 'variable with a value is fine', id: 'variables.unresolved', input: { ...GOOD, body: GOOD.body.replace('Hi Ada', 'Hi {{firstName}}') }, expect: [] },
    { name: 'variable with a fallback is fine', id: 'variables.unresolved', input: { ...GOOD, body: GOOD.body.replace('Hi Ada', 'Hi {{nickname|Ada}}') }, expect: [] },
    {
      name: 'campaign template without a prospect: filled per prospect',
      id: 'variables',
      input: { subject: GOOD.subject, body: `${GOOD.body.replace('Hi Ada', 'Hi {{firstName}}')}\nUnsubscribe: {{unsubscribeUrl}}`, campaign: true },
      expect: ['info', 'info'],
    },
    { name: 'no ask warns', id: 'cta', input: { ...GOOD, body: GOOD.body.replace('Would you be open to a short call next Tuesday to see if this fits your team?', 'We help teams.') }, expect: ['warning'] },
    { name: 'one ask is fine', id: 'cta', input: GOOD, expect: ['info'] },
    { name: 'three asks warn', id: 'cta', input: { ...GOOD, body: `${GOOD.body}\nCan we talk? Is Monday good? Thoughts?` }, expect: ['warning'] },
    { name: 'spam phrase warns with its span', id: 'spam-phrase', input: { ...GOOD, body: `${GOOD.body}\nThis is a limited time offer.` }, expect: ['warning'] },
    { name: 'spam phrase in the subject', id: 'spam-phrase', input: { ...GOOD, subject: 'URGENT: Acme onboarding' }, expect: ['warning'] },
    { name: 'no spam', id: 'spam-phrase', input: GOOD, expect: [] },
    { name: 'one link is fine', id: 'links', input: { ...GOOD, body: `${GOOD.body}\nhttps://lumina.example/demo` }, expect: ['info'] },
    { name: 'four links warn', id: 'links', input: { ...GOOD, body: `${GOOD.body}\nhttps://a.example https://b.example www.c.example https://d.example/x` }, expect: ['warning'] },
    { name: 'html anchors count', id: 'links', input: { ...GOOD, body: `<p>${GOOD.body}</p>${'<a href="https://x.example">x</a>'.repeat(3)}` }, expect: ['warning'] },
    { name: 'images warn', id: 'images', input: { ...GOOD, body: `<p>${GOOD.body}</p><img src="https://x.example/a.png">` }, expect: ['warning'] },
    { name: 'one exclamation is fine', id: 'exclamation', input: { ...GOOD, body: GOOD.body.replace('growth.', 'growth!') }, expect: [] },
    { name: 'several exclamations warn', id: 'exclamation', input: { ...GOOD, body: GOOD.body.replace('growth.', 'growth!!!') }, expect: ['warning'] },
    { name: 'exclamation in subject warns', id: 'exclamation', input: { ...GOOD, subject: 'Quick idea for Acme!' }, expect: ['warning'] },
    { name: 'ALL CAPS warns', id: 'all-caps', input: { ...GOOD, body: GOOD.body.replace('manual setup', 'MANUAL SETUP') }, expect: ['warning', 'warning'] },
    { name: 'acronyms are not shouting', id: 'all-caps', input: { ...GOOD, body: GOOD.body.replace('manual setup', 'GDPR paperwork') }, expect: [] },
    {
      name: 'talking about ourselves warns',
      id: 'you-focus',
      input: { ...GOOD, body: 'Hi Ada,\n\nWe are Lumina. We built our product because I think our approach is best. We have customers and our team is great. I would like to show us off.\n\nWould you chat?' },
      expect: ['warning'],
    },
    { name: 'reader-focused is fine', id: 'you-focus', input: GOOD, expect: ['info'] },
    { name: 'a wall of text warns', id: 'paragraph-length', input: { ...GOOD, body: `Hi Ada, ${words(70)}. Would you chat?` }, expect: ['warning'] },
    { name: 'short paragraphs are fine', id: 'paragraph-length', input: GOOD, expect: [] },
    { name: 'over 102 KB is an error', id: 'size-clip', input: { ...GOOD, body: `<p>${GOOD.body}</p><div style="x">${'<span>x</span>'.repeat(8000)}</div>` }, expect: ['error'] },
    { name: 'normal size is fine', id: 'size-clip', input: GOOD, expect: [] },
    { name: 'campaign mail without unsubscribe is an error', id: 'unsubscribe', input: { ...GOOD, campaign: true }, expect: ['error'] },
    { name: 'campaign mail with an opt-out is fine', id: 'unsubscribe', input: { ...GOOD, campaign: true, body: `${GOOD.body}\n\nNot relevant? Reply "opt out".` }, expect: ['info'] },
    { name: 'one-to-one mail needs no unsubscribe', id: 'unsubscribe', input: GOOD, expect: [] },
  ];

  it.each(cases)('$id: $name', ({ input, id, expect: want }) => {
    expect(severities(input, id)).toEqual(want);
  });

  it('every warning and error costs points, every info costs none', () => {
    for (const { input } of cases) {
      for (const s of scoreEmail(input).signals) {
        if (s.severity === 'info') expect(s.impact).toBe(0);
        else expect(s.impact).toBeGreaterThan(0);
      }
    }
  });

  it('an empty draft scores low, a near-empty one still needs work', () => {
    expect(scoreEmail({ subject: '', body: '' }).score).toBeLessThan(25);
    expect(scoreBand(scoreEmail({ subject: 'Quick idea', body: 'Hi Ada, got a minute?' }).score).id).toBe('needs-work');
  });

  it('a blocking error caps a good draft at 49 and is listed first', () => {
    const withVar = scoreEmail({ ...GOOD, body: `${GOOD.body}\nP.S. {{custom.pain}}` });
    expect(scoreEmail(GOOD).score).toBeGreaterThan(85);
    expect(withVar.score).toBe(BLOCKED_CAP);
    expect(withVar.signals.slice(0, 2).map((s) => s.id)).toEqual(['variables.unresolved', 'blocked']);
    // The score is still 100 minus the impacts: the cap is a signal of its own.
    expect(100 - withVar.signals.reduce((sum, s) => sum + s.impact, 0)).toBeCloseTo(BLOCKED_CAP, 5);
    // An empty subject is an error to fix, but not one that holds the email back.
    expect(scoreEmail({ ...GOOD, subject: '' }).score).toBeGreaterThan(BLOCKED_CAP);
  });

  it('bands: distinct labels for needs work, fair, good and great', () => {
    expect([0, 49, 50, 69, 70, 84, 85, 100].map((n) => scoreBand(n).label)).toEqual(['Needs work', 'Needs work', 'Fair', 'Fair', 'Good', 'Good', 'Great', 'Great']);
  });

  it('a bad draft scores far below the good one', () => {
    const bad = scoreEmail({ subject: 'ACT NOW!!!', body: 'CLICK HERE for a FREE GIFT!!! guaranteed winner {{firstName}}', prospect: { firstName: 'Ada' } });
    expect(bad.score).toBeLessThan(30);
    expect(scoreEmail(GOOD).score - bad.score).toBeGreaterThan(60);
  });
});

describe('spans point at the text they talk about', () => {
  it('spam phrase, variable and caps spans slice to the offending words', () => {
    const input = { ...GOOD, subject: 'Guaranteed idea for Acme', body: `${GOOD.body}\nP.S. {{custom.pain}} is a MIRACLE.` };
    const result = scoreEmail(input);
    const slice = (s: (typeof result.signals)[number]) => (s.field === 'subject' ? input.subject : result.text).slice(s.span!.start, s.span!.end);
    const spam = result.signals.filter((s) => s.id === 'spam-phrase').map(slice);
    expect(spam).toEqual(['Guaranteed', 'MIRACLE']);
    expect(result.signals.filter((s) => s.id === 'variables.unresolved').map(slice)).toEqual(['{{custom.pain}}']);
    expect(result.signals.filter((s) => s.id === 'all-caps').map(slice)).toEqual(['MIRACLE']);
  });

  it('HTML bodies are scored on their visible text', () => {
    const result = scoreEmail({ ...GOOD, body: `<div>${GOOD.body.split('\n').join('<br>')}</div>` });
    expect(result.text).not.toContain('<');
    expect(result.stats.words).toBe(scoreEmail(GOOD).stats.words);
    expect(htmlToPlain('a&nbsp;b &amp; c<br>d')).toBe('a b & c\nd');
  });

  it("scores an HTML body on exactly the text the rep sees in the compose: Lumina's paragraphs and Gmail's div-per-line", () => {
    const plain = scoreEmail(GOOD);
    const gmail = GOOD.body.split('\n').map((line) => (line ? `<div>${line}</div>` : '<div><br></div>')).join('');
    for (const body of [textToHtml(GOOD.body), gmail]) {
      const result = scoreEmail({ ...GOOD, body });
      expect(result.text).toBe(GOOD.body);
      expect(result.stats).toEqual({ ...plain.stats, bytes: result.stats.bytes });
      expect(result.score).toBe(plain.score);
    }
  });
});

describe('text measurements', () => {
  it.each([
    ['cat', 1], ['table', 2], ['make', 1], ['onboarding', 3], ['organization', 5], ['a', 1],
  ])('syllables of %s = %i', (word, n) => {
    expect(countSyllables(word)).toBe(n);
  });

  it('grades simple prose lower than dense prose', () => {
    const simple = 'The cat sat on the mat. It was a good day. We had fun.';
    const dense = 'Comprehensive organizational transformation necessitates interdepartmental communication methodologies.';
    expect(readingGrade(simple, splitSentences(simple).length)).toBeLessThan(readingGrade(dense, splitSentences(dense).length));
  });

  it('splits sentences and spots questions', () => {
    expect(splitSentences('Hi Ada.\nAre you free? Great!').map((s) => s.question)).toEqual([false, true, false]);
  });
});

describe('monotonic behaviour (property)', () => {
  const sentence = fc
    .array(fc.constantFrom('team', 'growth', 'Ada', 'you', 'your', 'we', 'our', 'idea', 'call', 'Acme', 'hiring', 'is', 'the', 'quickly', 'operational', 'HELLO', 'https://x.example', '{{firstName}}', '{{custom.role}}'), { minLength: 1, maxLength: 18 })
    .chain((ws) => fc.constantFrom('.', '?', '!', '').map((end) => ws.join(' ') + end));
  const draft = fc.record({
    subject: fc.array(fc.constantFrom('Quick', 'idea', 'for', 'Acme', 'hello', 'NOW'), { maxLength: 10 }).map((w) => w.join(' ')),
    body: fc.array(fc.array(sentence, { minLength: 1, maxLength: 6 }).map((s) => s.join(' ')), { maxLength: 6 }).map((p) => p.join('\n\n')),
    campaign: fc.boolean(),
    withProspect: fc.boolean(),
  }).map(({ withProspect, ...d }): ScoreInput => ({ ...d, prospect: withProspect ? { firstName: 'Ada', company: 'Acme', customFields: { role: 'CTO' } } : undefined }));

  /** Sentence boundaries: the start, the end, and after each sentence or paragraph break. */
  const boundaries = (text: string) => [0, text.length, ...[...text.matchAll(/[.!?]\s+|\n\n/g)].map((m) => m.index! + m[0].length)];

  it('adding a spam phrase to the body never raises the score', () => {
    fc.assert(
      fc.property(draft, fc.constantFrom(...SPAM_PHRASES), fc.nat(), (input, phrase, pick) => {
        const spots = boundaries(input.body);
        const at = spots[pick % spots.length]!;
        const body = `${input.body.slice(0, at)} ${phrase}. ${input.body.slice(at)}`;
        expect(scoreEmail({ ...input, body }).score).toBeLessThanOrEqual(scoreEmail(input).score);
      }),
      { numRuns: 400 },
    );
  });

  it('adding a spam phrase to the subject never raises the score', () => {
    fc.assert(
      fc.property(draft, fc.constantFrom(...SPAM_PHRASES), fc.boolean(), (input, phrase, front) => {
        const subject = front ? `${phrase} ${input.subject}` : `${input.subject} ${phrase}`;
        expect(scoreEmail({ ...input, subject }).score).toBeLessThanOrEqual(scoreEmail(input).score);
      }),
      { numRuns: 300 },
    );
  });

  it('adding an unresolved variable to a non-empty body never raises the score', () => {
    fc.assert(
      fc.property(draft, (input) => {
        fc.pre(input.body.trim().length > 0 && !(input.campaign && !input.prospect));
        const body = `${input.body} {{custom.unknownField}}`;
        expect(scoreEmail({ ...input, body }).score).toBeLessThanOrEqual(scoreEmail(input).score);
      }),
      { numRuns: 200 },
    );
  });

  it('always answers 0..100 and never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 3000 }), (subject, body) => {
        const r = scoreEmail({ subject, body });
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });
});
