// Reply meaning on Lumina's own labelled dev set (api/test/fixtures/replies/): per-label
// precision and recall and macro-F1 of the rules alone, on the dev part (rules were tuned
// looking at it) and the held-out part (scored, never read while tuning); and the time to
// classify every file beside the time postal-mime alone takes to parse them.
import os from 'node:os';
import { loadDevset, score, type DevsetScore } from '../api/test/reply-devset';
import { percentile, writeSection } from './results';
import { classifyRounds } from './lib/classify-rounds';

const files = loadDevset();
const ROUNDS = 5;
const rounds = await classifyRounds(files, ROUNDS);
const { parseTotals, classifyTotals } = rounds;
const results = rounds.results.map(({ file, result }) => ({ entry: file.entry, part: file.part, result }));

const dev = score(results.filter((r) => r.part === 'dev'));
const held = score(results.filter((r) => r.part === 'heldout'));
const late = score(results.filter((r) => r.part === 'late'));
const late2 = score(results.filter((r) => r.part === 'late2'));
const late3 = score(results.filter((r) => r.part === 'late3'));
const late4 = score(results.filter((r) => r.part === 'late4'));
const all = score(results.filter((r) => r.part === 'dev' || r.part === 'heldout'));
const f2 = (v: number) => v.toFixed(2);
const ms = (v: number) => `${v.toFixed(1)} ms`;
const frac = (x: { expected: number; right: number }) => `${x.right}/${x.expected}`;

const row = (label: string, s: DevsetScore) => {
  const l = s.perLabel.find((p) => p.label === label);
  return l ? `${f2(l.precision)} / ${f2(l.recall)} (${l.support})` : '—';
};
const labels = all.perLabel.map((l) => l.label);
const parts = [dev, held, late, late2, late3, late4];

const body = `
Dev set: ${files.length} messages written for Lumina (\`api/test/fixtures/replies/\`): ${dev.files} dev and ${held.files} held-out (by a hash of the file name), written together with the rules; ${late.files} **late** ones written after the rules were frozen, ${late2.files} **late-2** ones written after the rules were widened on the first late batch, ${late3.files} **late-3** ones written by another author before the rules were widened in general phrase families, and ${late4.files} **late-4** ones written after that widening. Rules only, no AI. ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at the start.

The same person wrote the messages and the rules, so dev and held-out agree almost perfectly; the late part is the honest measure of how the phrase families generalise. Its first scoring, before any rule was changed after reading it: macro-F1 0.63, unsubscribe_request recall 1.00 (7/7), out_of_office precision 1.00, return dates 5/8, referrals 1/3 (human replies the rules could not place were \`other\`, i.e. left for the AI classifier). The rules were then widened on its mistakes. Late-2's first scoring: macro-F1 0.43, unsubscribe_request recall 0.80 (4/5: a Spanish "Eliminen mi correo de su base de datos" was missed), out_of_office precision 1.00, return dates 3/3; only the unsubscribe families were then widened (a missed request is a compliance failure), the other labels are left as measured. The phrase families place the wording they were written for; new wording falls to \`other\`, which is what the AI classifier is asked about. Late-3 (49 replies, seven languages, written and committed before any rule was read) at its first scoring: macro-F1 0.72, unsubscribe_request recall 0.57 (4/7: a French "ne plus m'écrire", a Portuguese "me tirem da lista" and an Italian "non contattatemi più" were missed), out_of_office precision 1.00, interested recall 0.57, not_now 0.86, objection 0.33, referral 0.50, return dates 5/8, follow-up dates 3/4, referred person 3/6. The rules were then widened in general families per label and language (interest: "worth a look", asking for times, a calendar link, "können wir … telefonieren", "on peut en parler", "hablemos", "vamos conversar", "laten we … bellen", "sentiamoci"; deferral: "not the right time", "on hold", seasons and "in a few months" in seven languages, a month named alone; objection: price, no budget, a contract or competitor, policy and security; hand-off: a third party's address anywhere with a hand-off cue before or after it, plus "kümmert sich", "te paso con", "ligt bij", "se ne occupa"; opt-out: French elided forms, Portuguese/Spanish/Italian removal verbs in every person; absences: a "back on" date before an "until" date, day-month dates without a year, "vuelvo"/"torno"; help desks: a vendor header with receipt words), each with a test of its own (\`reply-families.test.ts\`). Late-3 and late-2 were read while widening, so their current 1.00 no longer measures unseen wording; one dev label was corrected (110: "away until April 7. Back in the office on April 8" is back on the 8th). **Late-4** (37 replies) was then written (by the same author, who had read the rules by then and avoided their phrasings), committed and scored with the rules left unchanged: that is the honest figure for wording the rules were not written for — macro-F1 ${f2(late4.macroF1)}, unsubscribe_request recall ${f2(late4.perLabel.find((l) => l.label === 'unsubscribe_request')?.recall ?? 0)} (below the 0.99 floor), out_of_office precision ${f2(late4.perLabel.find((l) => l.label === 'out_of_office')?.precision ?? 0)}. Figures below are the current ones.

| label | dev: precision / recall (n) | held-out | late | late-2 | late-3 | late-4 (unseen) |
|---|---:|---:|---:|---:|---:|---:|
${labels.map((l) => `| ${l} | ${parts.map((p) => row(l, p)).join(' | ')} |`).join('\n')}
| **macro-F1** | ${parts.map((p) => `**${f2(p.macroF1)}**`).join(' | ')} |
| out-of-office return date exactly right | ${parts.map((p) => frac(p.returnDates)).join(' | ')} |
| not-now follow-up date exactly right | ${parts.map((p) => frac(p.followUpDates)).join(' | ')} |
| referred person (name and address) exactly right | ${parts.map((p) => frac(p.referrals)).join(' | ')} |

Floors (dev + held-out, asserted by \`api/src/modules/replies/classify/reply-devset.test.ts\`): unsubscribe_request recall ≥ 0.99, out_of_office precision ≥ 0.98, macro-F1 ≥ 0.90. Late-4 did not reach them; the test holds it only at what was measured (3 of its 5 unsubscribe requests found, out-of-office precision ≥ 0.98, macro-F1 ≥ 0.43).

Mistakes on late-4 (${late4.mistakes.length}; listed so the next widening starts from them, after which late-4 no longer counts as unseen):

${late4.mistakes.map((m) => `- ${m}`).join('\n') || '- none'}

| time, ${ROUNDS} rounds after a warm-up, all ${files.length} files | median round | best round |
|---|---:|---:|
| baseline: postal-mime parse only | ${ms(percentile(parseTotals, 50))} | ${ms(Math.min(...parseTotals))} |
| classifyInbound (parse + rules) | ${ms(percentile(classifyTotals, 50))} | ${ms(Math.min(...classifyTotals))} |

Mistakes on the dev part (${dev.mistakes.length}; the held-out part's are not listed):

${dev.mistakes.map((m) => `- ${m}`).join('\n') || '- none'}
`;
console.log(body);
writeSection('replies', body);
