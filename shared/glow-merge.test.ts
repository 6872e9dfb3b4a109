import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { threeWayMerge } from './glow-merge';

const words = fc.array(fc.constantFrom('Hi', 'Ada', 'we', 'help', 'teams', 'ramp', 'Thursday', 'call', 'today'), { minLength: 6, maxLength: 20 });
const word = fc.constantFrom('SDR', 'fast', 'Friday', 'quick', 'gladly');

describe('three-way merge', () => {
  it('keeps both sides when they changed different words', () => {
    const base = 'Hi Ada, we help teams ramp. Would Thursday work?';
    expect(threeWayMerge(base, 'Hi Ada, we help teams ramp. Would Friday work?', 'Hi Ada, we help SDR teams ramp fast. Would Thursday work?')).toEqual({
      ok: true,
      text: 'Hi Ada, we help SDR teams ramp fast. Would Friday work?',
    });
  });

  it('refuses when both sides changed the same words', () => {
    expect(threeWayMerge('Would Thursday work?', 'Would Friday work?', 'Would Monday work?')).toEqual({ ok: false });
  });

  it('one side unchanged: the other side wins whole', () => {
    expect(threeWayMerge('a b', 'a b', 'c d')).toEqual({ ok: true, text: 'c d' });
    expect(threeWayMerge('a b', 'c d', 'a b')).toEqual({ ok: true, text: 'c d' });
  });

  it('property: edits to two words far apart both survive, in either order', () => {
    fc.assert(
      fc.property(words, fc.nat(), fc.nat(), word, word, (ws, i0, j0, a, b) => {
        const i = i0 % (ws.length - 3);
        const j = i + 2 + (j0 % (ws.length - i - 2));
        const base = ws.join(' ');
        const ours = ws.map((w, k) => (k === i ? a : w)).join(' ');
        const theirs = ws.map((w, k) => (k === j ? b : w)).join(' ');
        const both = ws.map((w, k) => (k === i ? a : k === j ? b : w)).join(' ');
        expect(threeWayMerge(base, ours, theirs)).toEqual({ ok: true, text: both });
        expect(threeWayMerge(base, theirs, ours)).toEqual({ ok: true, text: both });
      }),
      { numRuns: 300 },
    );
  });

  it('property: a clean merge never drops the rep\'s text, and a clash is symmetric', () => {
    fc.assert(
      fc.property(words, fc.nat(), fc.nat(), word, word, (ws, i0, j0, a, b) => {
        const i = i0 % ws.length;
        const j = j0 % ws.length;
        const base = ws.join(' ');
        const ours = ws.map((w, k) => (k === i ? a : w)).join(' ');
        const theirs = ws.map((w, k) => (k === j ? b : w)).join(' ');
        const m = threeWayMerge(base, ours, theirs);
        expect(threeWayMerge(base, theirs, ours).ok).toBe(m.ok);
        if (m.ok) expect(m.text.split(' ')).toContain(a);
      }),
      { numRuns: 300 },
    );
  });
});
