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
const late5 = score(results.filter((r) => r.part === 'late5'));
const all = score(results.filter((r) => r.part === 'dev' || r.part === 'heldout'));
const f2 = (v: number) => v.toFixed(2);
const ms = (v: number) => `${v.toFixed(1)} ms`;
const frac = (x: { expected: number; right: number }) => `${x.right}/${x.expected}`;

const row = (label: string, s: DevsetScore) => {
  const l = s.perLabel.find((p) => p.label === label);
  return l ? `${f2(l.precision)} / ${f2(l.recall)} (${l.support})` : '—';
};
const labels = all.perLabel.map((l) => l.label);
const parts = [dev, held, late, late2, late3, late4, late5];

const body = `
Dev set: ${files.length} messages written for Lumina (\`api/test/fixtures/replies/\`): ${dev.files} dev and ${held.files} held-out (by a hash of the file name), written together with the rules; ${late.files} **late** ones written after the rules were frozen, ${late2.files} **late-2** ones written after the rules were widened on the first late batch, ${late3.files} **late-3** ones written by another author before the rules were widened in general phrase families, ${late4.files} **late-4** ones written after that widening, and ${late5.files} **late-5** ones written before their author read the rules. Rules only, no AI. ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at the start.

The same person wrote the messages and the rules, so dev and held-out agree almost perfectly; the late part is the honest measure of how the phrase families generalise. Its first scoring, before any rule was changed after reading it: macro-F1 0.63, unsubscribe_request recall 1.00 (7/7), out_of_office precision 1.00, return dates 5/8, referrals 1/3 (human replies the rules could not place were \`other\`, i.e. left for the AI classifier). The rules were then widened on its mistakes. Late-2's first scoring: macro-F1 0.43, unsubscribe_request recall 0.80 (4/5: a Spanish "Eliminen mi correo de su base de datos" was missed), out_of_office precision 1.00, return dates 3/3; only the unsubscribe families were then widened (a missed request is a compliance failure), the other labels are left as measured. The phrase families place the wording they were written for; new wording falls to \`other\`, which is what the AI classifier is asked about. Late-3 (49 replies, seven languages, written and committed before any rule was read) at its first scoring: macro-F1 0.72, unsubscribe_request recall 0.57 (4/7: a French "ne plus m'écrire", a Portuguese "me tirem da lista" and an Italian "non contattatemi più" were missed), out_of_office precision 1.00, interested recall 0.57, not_now 0.86, objection 0.33, referral 0.50, return dates 5/8, follow-up dates 3/4, referred person 3/6. The rules were then widened in general families per label and language (interest: "worth a look", asking for times, a calendar link, "können wir … telefonieren", "on peut en parler", "hablemos", "vamos conversar", "laten we … bellen", "sentiamoci"; deferral: "not the right time", "on hold", seasons and "in a few months" in seven languages, a month named alone; objection: price, no budget, a contract or competitor, policy and security; hand-off: a third party's address anywhere with a hand-off cue before or after it, plus "kümmert sich", "te paso con", "ligt bij", "se ne occupa"; opt-out: French elided forms, Portuguese/Spanish/Italian removal verbs in every person; absences: a "back on" date before an "until" date, day-month dates without a year, "vuelvo"/"torno"; help desks: a vendor header with receipt words), each with a test of its own (\`reply-families.test.ts\`). Late-3 and late-2 were read while widening, so their current 1.00 no longer measures unseen wording; one dev label was corrected (110: "away until April 7. Back in the office on April 8" is back on the 8th). **Late-4** (37 replies) was then written (by the same author, who had read the rules by then and avoided their phrasings), committed and scored with the rules left unchanged: that first scoring is the honest figure for wording the rules were not written for — macro-F1 0.43, unsubscribe_request recall 0.60 (3/5: a German "keine Werbung mehr von Ihnen erhalten" and a Dutch "haal mij van jullie mailinglijst" missed, below the 0.99 floor), precision 0.75 (a not_now "drop me a line in March" read as "drop me"), out_of_office precision 1.00. Because a missed request is a compliance failure, the unsubscribe families were then widened (with one deferral phrase beside them, "drop me / us a line in <time>", so the invitation the opt-out rule now leaves alone reads as a deferral; the other labels' families were not touched), in general forms for all seven languages, after reading late-4's two misses and its false positive: removal from a list, database or distribution ("aus Ihrem Verteiler", "van jullie mailinglijst", "dal vostro elenco", "da vossa base de dados"); no more emails, mails, messages, advertising or newsletters ("keine … mehr", "keine weiteren", "nicht mehr erhalten", "geen … meer", "plus de … de votre part", "ne plus recevoir", "no más correos", "não quero receber mais", "non voglio più ricevere", "basta email"); stop emailing or contacting me ("hören Sie auf", "arrêtez de", "dejen de", "parem de", "stop met", "smettetela di"); the unsubscribe verbs in any person ("austragen", "abbestellen", "afmelden", "schrijf me uit", "désinscrire", "desuscribir", "descadastrar", "disiscrivere"); "opt me out". "Drop" and "take" now count only with a removal target (off, from, out of), so "drop me a line" and "take us through it" are no request, and "drop me a line in March" is a deferral. Each family has a message of its own in \`reply-families.test.ts\`. **Late-4 is therefore no longer unseen for unsubscribe requests**; its current unsubscribe column below measures wording the rules were fixed on, and so does 290 (its not_now recall went from 0.20 to 0.40, and macro-F1 from 0.43 to the current figure, on messages the rules were fixed on); the 0.43 / 0.60 above stays its unseen figure.

**Late-5** (38 replies: 6 interested, 5 not_now of which 3 with a date, 5 objection, 4 referrals with name and address, 7 unsubscribe requests, 5 absences with return dates, 3 automatic answers, 3 other; all seven languages) was written by an author who had not read the rules (only \`labels.json\`, and the headers of three late-4 files for the fixture format; the body of one, referral 300, was seen with them), committed, and scored once with the rules as they stood — the unsubscribe families widened on late-4 included. That first scoring is the honest figure: **macro-F1 0.88**; interested 1.00 / 0.83 (an Italian "mi incuriosisce … fissiamo una videochiamata" missed), not_now 1.00 / 0.80 (a Dutch "andere prioriteiten … probeer het over een tijdje nog eens" missed), objection 1.00 / 0.60 (a Portuguese "não vejo necessidade" and a Dutch "dit past niet bij hoe wij werken" missed), referral 1.00 / 1.00, **unsubscribe_request 1.00 / 0.86 (6/7: a French "Merci de retirer mon adresse de vos envois" missed — below the 0.99 floor)**, out_of_office 1.00 / 1.00, auto_reply 1.00 / 1.00, other 0.38 / 1.00 (8 predicted, 3 true); return dates 5/5, follow-up dates 2/3 (a busy-until date read before "circle back the first week of February"), referred person 2/4 (a German "Wenden Sie" and a missing Italian name). The rules were then widened in general families per language, each with messages of its own in \`reply-families.test.ts\` and look-alikes they must leave alone: opt-out — a removal verb on "my address / details / data" in French, and the noun-first Dutch and German orders ("mijn gegevens verwijderen", "meine Daten löschen"), removal from "vos envois / campagnes", and French "ne pas" as a negation; interest — material asked for before buying (case study, trial, quote, pricing), the price asked, a next step in the first person plural ("fissiamo", "agendemos", "planifions", "plannen we"), a call or a clock time proposed beside a day, next steps asked, "this could help us"; deferral — other priorities, "in a while", busy until, not until / after an event of theirs, too early, "let's talk again in", remind me in, when the budget opens; objection — no need as the sender sees it, not a fit, not in the market, happy with / staying with what they have, not worth it, not relevant, done in-house, chose someone else, too small; hand-off — "ask / write to / X is who you want / X makes the call" in seven languages, the name written just before the address, and a full name with someone else's address as a hand-off without any cue; a follow-up date right after "circle back / melden Sie sich / revenez" wins over a busy-until date. **Late-5 is therefore no longer unseen** (its current column measures wording the rules were fixed on). Late-4's bodies were not read for this round, so its change (macro-F1 0.51 before the round, now the figure below; referred person 0/4 → 4/4, where 300 was seen) is a second, smaller check of how these families generalise; no part lost a correct answer. Figures below are the current ones.

| label | dev: precision / recall (n) | held-out | late | late-2 | late-3 | late-4 (unseen but for unsubscribe and 290) | late-5 (first scoring 0.88, read since) |
|---|---:|---:|---:|---:|---:|---:|---:|
${labels.map((l) => `| ${l} | ${parts.map((p) => row(l, p)).join(' | ')} |`).join('\n')}
| **macro-F1** | ${parts.map((p) => `**${f2(p.macroF1)}**`).join(' | ')} |
| out-of-office return date exactly right | ${parts.map((p) => frac(p.returnDates)).join(' | ')} |
| not-now follow-up date exactly right | ${parts.map((p) => frac(p.followUpDates)).join(' | ')} |
| referred person (name and address) exactly right | ${parts.map((p) => frac(p.referrals)).join(' | ')} |

Floors (dev + held-out, asserted by \`api/src/modules/replies/classify/reply-devset.test.ts\`): unsubscribe_request recall ≥ 0.99, out_of_office precision ≥ 0.98, macro-F1 ≥ 0.90. Every part's unsubscribe requests, late-4's and late-5's included, must all be found (the same test); late-4 is also held at out-of-office precision ≥ 0.98 and macro-F1 ≥ 0.75 (its first figure was 0.43), late-5 at out-of-office precision ≥ 0.98 and macro-F1 ≥ 0.90.

Mistakes on late-4 (${late4.mistakes.length}; its bodies were not read while widening on late-5; the unsubscribe families were widened on late-4 already):

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
