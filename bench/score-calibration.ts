/**
 * Does the score mean something? On 60 cold emails labelled good or bad by the rubric in
 * bench/fixtures/cold-emails/README.md, the ROC AUC of `scoreEmail` (issue 16: ≥ 0.85) beside
 * the baseline in the same run: word count alone. Run: npx tsx bench/score-calibration.ts
 */
import { calibrate, loadColdEmails, type LabelledEmail } from './fixtures/cold-emails/load';
import { scoreBand } from '../shared/score/score-band';
import { scoreEmail } from '../shared/score/score-email';
import { rocAuc } from '../shared/score/roc-auc';
import { writeSection } from './results';

const TARGET = 0.85;
const emails = loadColdEmails();
const score = (e: LabelledEmail, withProspect: boolean) => {
  const r = scoreEmail({ subject: e.subject, body: e.body, prospect: withProspect ? { email: 'prospect@example.com', ...e.prospect } : null });
  return { score: r.score, words: r.stats.words };
};
const t0 = performance.now();
const result = calibrate(emails, score, rocAuc);
const ms = performance.now() - t0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const good = result.rows.filter((r) => r.positive);
const bad = result.rows.filter((r) => !r.positive);
const bandCount = (rows: typeof good, ids: string[]) => rows.filter((r) => ids.includes(scoreBand(r.withProspect.score).id)).length;
const lowestGood = [...good].sort((a, b) => a.withProspect.score - b.withProspect.score)[0]!;
const highestBad = [...bad].sort((a, b) => b.withProspect.score - a.withProspect.score)[0]!;
const f = (n: number) => n.toFixed(3);

const report = [
  `${emails.length} emails (${good.length} good, ${bad.length} bad, one pair per industry) from \`bench/fixtures/cold-emails/\`; scored in ${ms.toFixed(0)} ms.`,
  '',
  '| ranking good above bad | ROC AUC |',
  '|---|---:|',
  `| baseline: word count alone (distance from 50–125 words) | ${f(result.baseline)} |`,
  `| baseline: fewer words ranks higher | ${f(result.shorterIsBetter)} |`,
  `| \`scoreEmail\` without the prospect | ${f(result.scoreWithoutProspect)} |`,
  `| \`scoreEmail\` with the prospect (as the Glow panel scores) | ${f(result.score)} |`,
  '',
  `Median score: good ${median(good.map((r) => r.withProspect.score))}, bad ${median(bad.map((r) => r.withProspect.score))}. Bands: ${bandCount(good, ['good', 'great'])}/${good.length} good emails show "Good" or "Great"; ${bandCount(bad, ['needs-work', 'fair'])}/${bad.length} bad ones show "Fair" or "Needs work".`,
  `Closest call: lowest good ${lowestGood.e.id} at ${lowestGood.withProspect.score}, highest bad ${highestBad.e.id} at ${highestBad.withProspect.score}.`,
  '',
  `Target AUC ≥ ${TARGET} — ${result.score >= TARGET ? 'met' : 'NOT met'}. Before this set existed the spam list held "congratulations", which 4 of the good emails open with (AUC 0.992 then); it was dropped. The 2,000-word speed check is the \`scorer\` section.`,
].join('\n');

writeSection('score calibration', report);
console.log(report);
if (result.score < TARGET) process.exitCode = 1;
