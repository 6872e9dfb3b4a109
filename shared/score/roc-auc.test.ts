import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc';

const s = (score: number, positive: boolean) => ({ score, positive });

describe('rocAuc', () => {
  it('is 1 when every positive outranks every negative, 0 when the order is reversed', () => {
    expect(rocAuc([s(0.9, true), s(0.8, true), s(0.3, false), s(0.1, false)])).toBe(1);
    expect(rocAuc([s(0.1, true), s(0.2, true), s(0.8, false), s(0.9, false)])).toBe(0);
  });

  it('counts a tie between a positive and a negative as half', () => {
    expect(rocAuc([s(5, true), s(5, false)])).toBe(0.5);
    // positives 3, 2; negatives 2, 1 → pairs: (3>2) (3>1) (2=2 → ½) (2>1) = 3.5 / 4
    expect(rocAuc([s(3, true), s(2, true), s(2, false), s(1, false)])).toBe(0.875);
  });

  it('agrees with counting every pair on a shuffled set', () => {
    const samples = Array.from({ length: 200 }, (_, i) => s((i * 37) % 23, (i * 11) % 3 === 0));
    const pos = samples.filter((x) => x.positive);
    const neg = samples.filter((x) => !x.positive);
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p.score > n.score ? 1 : p.score === n.score ? 0.5 : 0;
    expect(rocAuc(samples)).toBeCloseTo(wins / (pos.length * neg.length), 12);
  });

  it('refuses a set with one class only', () => {
    expect(() => rocAuc([s(1, true)])).toThrow(/positive and one negative/);
  });
});
