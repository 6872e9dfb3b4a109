import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { corpusDir, corpusPresent, loadCorpus, tally } from './corpus';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const present = corpusPresent();
if (!present && !ci) console.warn(`[classifier corpus] ${corpusDir} is absent: the corpus agreement test is not run here.`);

// Under CI a missing corpus is a failure, not a skip.
describe.runIf(present || ci)('the classifier on the real inbound corpus', () => {
  it('agrees with the independent labels above the floors, and never throws', async () => {
    expect(present, `${corpusDir} is missing`).toBe(true);
    const files = loadCorpus();
    expect(files.length).toBeGreaterThan(400);
    const results = [];
    for (const { label, raw } of files) results.push({ label, result: await classifyInbound(raw) });
    const a = tally(results);
    const show = `\n${a.disagreements.join('\n')}`;
    expect(a.kindAgree / a.files, `kind agreement${show}`).toBeGreaterThanOrEqual(0.97);
    expect(a.hardAgree / a.bounces, `hard/soft agreement${show}`).toBeGreaterThanOrEqual(0.9);
    expect(a.recipientAgree / a.bounces, `recipient agreement${show}`).toBeGreaterThanOrEqual(0.95);
  });
});
