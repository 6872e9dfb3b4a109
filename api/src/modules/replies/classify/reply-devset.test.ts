import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { loadDevset, score } from '../../../../test/reply-devset';

// Lumina's own labelled replies (api/test/fixtures/replies/, README there): the floors the
// issue sets for the rules alone, no AI. bench/replies.ts prints the per-label figures.
describe('reply meaning on the labelled dev set (rules only)', () => {
  it('meets the floors: unsubscribe recall ≥ 0.99, out-of-office precision ≥ 0.98, macro-F1 ≥ 0.90', async () => {
    // The late part (written after the rules were frozen) is measured by the bench, not held to the floors.
    const set = loadDevset().filter((f) => f.part === 'dev' || f.part === 'heldout');
    expect(set.length).toBeGreaterThanOrEqual(150);
    const results = [];
    for (const f of set) results.push({ entry: f.entry, result: await classifyInbound(f.raw) });
    const s = score(results);
    const of = (label: string) => s.perLabel.find((l) => l.label === label)!;
    const show = `\n${s.mistakes.join('\n')}`;
    expect(of('unsubscribe_request').recall, `unsubscribe recall${show}`).toBeGreaterThanOrEqual(0.99);
    expect(of('out_of_office').precision, `out-of-office precision${show}`).toBeGreaterThanOrEqual(0.98);
    expect(s.macroF1, `macro-F1${show}`).toBeGreaterThanOrEqual(0.9);
    // Dates and people are what a rep acts on: most must be read exactly.
    expect(s.returnDates.right / s.returnDates.expected, `return dates${show}`).toBeGreaterThanOrEqual(0.9);
    expect(s.referrals.right / s.referrals.expected, `referrals${show}`).toBeGreaterThanOrEqual(0.9);
  });

  it('no unsubscribe request in any part — late, late-2 … late-5 included — is missed', async () => {
    // Compliance: a missed request keeps mailing someone who asked us to stop. Every part,
    // with no exclusion: late-4's two misses (3/5 at its first scoring, bench/RESULTS.md) and
    // late-5's one (6/7) were fixed by widening the unsubscribe families, so neither is unseen
    // for this label any more.
    const requests = loadDevset().filter((x) => x.entry.label === 'unsubscribe_request');
    expect(requests.filter((x) => x.part === 'late4').length).toBeGreaterThanOrEqual(5);
    expect(requests.filter((x) => x.part === 'late5').length).toBeGreaterThanOrEqual(6);
    for (const f of requests) {
      expect((await classifyInbound(f.raw)).meaning, f.entry.file).toBe('unsubscribe_request');
    }
  });

  it.each([
    // late-4: first scoring (unseen) macro-F1 0.43; its unsubscribe families were widened on it,
    // and the families widened after late-5 (written without reading late-4) brought it to 0.78:
    // held at 0.75 so a later change cannot quietly undo that.
    ['late4', 0.75],
    // late-5: first scoring (unseen) macro-F1 0.88, unsubscribe recall 6/7; the rules were then
    // widened on its mistakes, so it is held at the floors (bench/RESULTS.md).
    ['late5', 0.9],
  ] as const)('%s keeps out-of-office precision and macro-F1 ≥ %s', async (part, floor) => {
    const set = loadDevset().filter((f) => f.part === part);
    expect(set.length).toBeGreaterThanOrEqual(30);
    const results = [];
    for (const f of set) results.push({ entry: f.entry, result: await classifyInbound(f.raw) });
    const s = score(results);
    const of = (label: string) => s.perLabel.find((l) => l.label === label)!;
    const show = `\n${s.mistakes.join('\n')}`;
    expect(of('unsubscribe_request').recall, `unsubscribe recall${show}`).toBe(1);
    expect(of('out_of_office').precision, `out-of-office precision${show}`).toBeGreaterThanOrEqual(0.98);
    expect(s.macroF1, `macro-F1${show}`).toBeGreaterThanOrEqual(floor);
  });

  it('covers every label, both parts, and seven languages', () => {
    const set = loadDevset();
    const labels = new Set(set.map((f) => f.entry.label));
    expect(labels.size).toBe(10);
    expect(set.filter((f) => f.part === 'heldout').length).toBeGreaterThan(30);
    expect(set.filter((f) => f.part === 'late').length).toBeGreaterThan(30);
    expect(set.filter((f) => f.part === 'late2').length).toBeGreaterThan(20);
    expect(set.filter((f) => f.part === 'late3').length).toBeGreaterThanOrEqual(40);
    expect(set.filter((f) => f.part === 'late4').length).toBeGreaterThanOrEqual(30);
    expect(set.filter((f) => f.part === 'late5').length).toBeGreaterThanOrEqual(30);
    expect(set.filter((f) => f.entry.label === 'out_of_office').length).toBeGreaterThanOrEqual(25);
  });
});
