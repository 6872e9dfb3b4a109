import { createHash } from 'node:crypto';

export interface Variant {
  id: string;
  subject: string;
  bodyHtml: string;
  weight: number;
}

/**
 * The variant a lead gets for a step: a point in 0..99 read from a hash of (lead, step), walked
 * along the weights. The same lead and step always land on the same variant, so a retry, a
 * crash or a second scheduler never switches it.
 */
export function pickVariant<V extends { weight: number }>(leadId: string, stepId: string, variants: V[]): V | undefined {
  if (variants.length === 0) return undefined;
  const point = createHash('sha256').update(`${leadId}:${stepId}`).digest().readUInt32BE(0) % 100;
  let edge = 0;
  for (const v of variants) {
    edge += v.weight;
    if (point < edge) return v;
  }
  return variants[variants.length - 1];
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; error < 1.5e-7, plenty for a p < 0.05 call). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of the two-proportion z-test (pooled), or 1 when it cannot tell (no hits, or all hits). */
export function twoProportionP(hitsA: number, nA: number, hitsB: number, nB: number): number {
  if (nA === 0 || nB === 0) return 1;
  const pooled = (hitsA + hitsB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (se === 0) return 1;
  const z = (hitsA / nA - hitsB / nB) / se;
  return 2 * (1 - normalCdf(Math.abs(z)));
}

export const MIN_SENDS_PER_VARIANT = 30;
export const SIGNIFICANCE = 0.05;

export interface VariantCounts {
  id: string;
  sent: number;
  opened: number;
  replied: number;
}

/**
 * Names a winner only when it is significant: the best variant against the runner-up on replies
 * (p < 0.05), else on human opens; never before every variant has 30 sends. The answer carries
 * the counts and p-value it rests on, winner or not.
 */
export function abVerdict(variants: VariantCounts[]) {
  if (variants.length < 2) return null;
  const short = variants.filter((v) => v.sent < MIN_SENDS_PER_VARIANT);
  let last: { metric: 'reply' | 'open'; p: number; compared: Array<{ id: string; sent: number; hits: number }> } | undefined;
  for (const metric of ['reply', 'open'] as const) {
    const hits = (v: VariantCounts) => (metric === 'reply' ? v.replied : v.opened);
    const ranked = [...variants].sort((a, b) => hits(b) / Math.max(1, b.sent) - hits(a) / Math.max(1, a.sent));
    const [best, next] = ranked as [VariantCounts, VariantCounts];
    const p = twoProportionP(hits(best), best.sent, hits(next), next.sent);
    const compared = [best, next].map((v) => ({ id: v.id, sent: v.sent, hits: hits(v) }));
    last ??= { metric, p, compared };
    if (short.length === 0 && p < SIGNIFICANCE) {
      return { winner: best.id, metric, pValue: round(p), compared, reason: `${best.id} beats ${next.id} on ${metric === 'reply' ? 'replies' : 'human opens'} (p = ${round(p)})` };
    }
  }
  const reason = short.length
    ? `not enough sends yet: every variant needs ${MIN_SENDS_PER_VARIANT} (${short.map((v) => `${v.id} has ${v.sent}`).join(', ')})`
    : 'no significant difference on replies or human opens (p ≥ 0.05)';
  return { winner: null, metric: last!.metric, pValue: round(last!.p), compared: last!.compared, reason };
}

const round = (p: number) => Math.round(p * 10_000) / 10_000;
