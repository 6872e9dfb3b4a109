import { describe, expect, it } from 'vitest';
import { calibrate, loadColdEmails, type LabelledEmail } from '../../bench/fixtures/cold-emails/load';
import { rocAuc } from './roc-auc';
import { scoreEmail } from './score-email';

/**
 * The score means something: on the labelled cold emails (rubric in
 * bench/fixtures/cold-emails/README.md) it ranks good above bad (AUC ≥ 0.85, issue 16) and
 * clearly better than word count alone, so a scorer that lost its signals fails here.
 */
const emails = loadColdEmails();
const score = (e: LabelledEmail, withProspect: boolean) => {
  const r = scoreEmail({ subject: e.subject, body: e.body, prospect: withProspect ? { email: 'prospect@example.com', ...e.prospect } : null });
  return { score: r.score, words: r.stats.words };
};

describe('score calibration on labelled cold emails', () => {
  it('holds at least 60 emails, both labels, each with its public source', () => {
    expect(emails.length).toBeGreaterThanOrEqual(60);
    expect(emails.filter((e) => e.label === 'good').length).toBeGreaterThanOrEqual(25);
    expect(emails.filter((e) => e.label === 'bad').length).toBeGreaterThanOrEqual(25);
    for (const e of emails) {
      expect(e.source, e.id).toMatch(/^https?:\/\//);
      expect(e.body.length, e.id).toBeGreaterThan(40);
    }
    expect(new Set(emails.map((e) => e.id)).size).toBe(emails.length);
  });

  it('separates good from bad (AUC ≥ 0.85) and beats word count alone by a clear margin', () => {
    const result = calibrate(emails, score, rocAuc);
    expect(result.score).toBeGreaterThanOrEqual(0.85);
    expect(result.scoreWithoutProspect).toBeGreaterThanOrEqual(0.85);
    expect(result.score - result.baseline).toBeGreaterThanOrEqual(0.1);
  });

  it('puts every good email above the median bad one', () => {
    const result = calibrate(emails, score, rocAuc);
    const bad = result.rows.filter((r) => !r.positive).map((r) => r.withProspect.score).sort((a, b) => a - b);
    const medianBad = bad[Math.floor(bad.length / 2)]!;
    for (const r of result.rows.filter((x) => x.positive)) expect(r.withProspect.score, r.e.id).toBeGreaterThan(medianBad);
  });
});
