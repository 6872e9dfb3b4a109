/**
 * Scorer speed: a 2,000-word email scored per call (target p99 < 16 ms, one frame, so
 * the extension can score on every keystroke), beside a baseline in the same run: a plain
 * word-count pass over the same text — the least any scorer must do.
 * Run: npx tsx bench/scorer.ts
 */
import { scoreEmail } from '../shared/score/score-email';
import { percentile, writeSection } from './results';

const TARGET_MS = 16;
const WARMUP = 200;
const RUNS = 2_000;

const vocabulary = 'team growth onboarding your you we our idea quickly Acme hiring operational the is a of to and managers laptop accounts training Lisbon week'.split(' ');
const paragraphs: string[] = [];
let words = 0;
for (let p = 0; words < 2_000; p++) {
  const sentences: string[] = [];
  for (let s = 0; s < 4; s++) {
    const n = 8 + ((p * 7 + s * 3) % 12);
    const ws = Array.from({ length: n }, (_, i) => vocabulary[(p * 31 + s * 17 + i * 5) % vocabulary.length]);
    words += n;
    sentences.push(`${ws.join(' ')}${s === 3 && p % 5 === 0 ? '?' : '.'}`);
  }
  paragraphs.push(sentences.join(' '));
}
const body = `Hi {{firstName}},\n\n${paragraphs.join('\n\n')}\n\nLimited time: https://lumina.example/demo\n\nUnsubscribe: {{unsubscribeUrl}}`;
const input = { subject: 'Quick idea for Acme onboarding', body, prospect: { firstName: 'Ada', company: 'Acme', customFields: { city: 'Lisbon' } }, campaign: true };

function measure(fn: () => unknown) {
  for (let i = 0; i < WARMUP; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

const baseline = measure(() => body.split(/\s+/).filter(Boolean).length);
const scorer = measure(() => scoreEmail(input));
const result = scoreEmail(input);
const fmt = (n: number) => n.toFixed(3);

const report = [
  `${RUNS} calls after ${WARMUP} warm-up on a ${result.stats.words}-word email (${(result.stats.bytes / 1024).toFixed(1)} KB, ${result.signals.length} signals, score ${result.score}).`,
  '',
  '| what | p50 ms | p95 ms | p99 ms |',
  '|---|---|---|---|',
  `| baseline: split on whitespace and count words | ${fmt(baseline.p50)} | ${fmt(baseline.p95)} | ${fmt(baseline.p99)} |`,
  `| \`scoreEmail\` (all signals) | ${fmt(scorer.p50)} | ${fmt(scorer.p95)} | ${fmt(scorer.p99)} |`,
  '',
  `Target: p99 under ${TARGET_MS} ms (one frame) — ${scorer.p99 < TARGET_MS ? 'met' : 'NOT met'}; the scorer costs ${(scorer.p50 / baseline.p50).toFixed(0)}× the bare word count at the median.`,
].join('\n');

writeSection('scorer', report);
console.log(report);
if (scorer.p99 >= TARGET_MS) process.exitCode = 1;
