import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { replyMeanings, type InboundClassification, type ReplyMeaning } from '../../shared/contracts/replies';
import { corpusPart } from './inbound-corpus';

/** Lumina's own labelled replies (written for the project; see fixtures/replies/README.md). */
export const devsetDir = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/replies');

const entrySchema = z.object({
  file: z.string(),
  label: z.enum(replyMeanings),
  returnDate: z.string().optional(),
  followUpDate: z.string().optional(),
  referral: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  /** Written after the rules were frozen, and scored once without changing them. */
  late: z.boolean().optional(),
  /**
   * 2: a second late batch, written after the rules were widened on the first one; 3: a third,
   * written before the rules were widened in general phrase families (its errors were read
   * while widening); 4: written after that widening and scored without changing rules;
   * 5: written by an author who had not read the rules, scored once before any rule changed.
   */
  batch: z.number().optional(),
});
export type DevsetEntry = z.infer<typeof entrySchema>;

/**
 * `dev`: rules were tuned looking at its mistakes; `heldout`: written with it, scored but not
 * read while tuning; `late`: written after the rules were frozen, scored without changing them
 * (the rules were then widened on its mistakes); `late2`: written after that, scored once;
 * `late3`: written and scored before the general widening, then read while widening (so no
 * longer unseen); `late4`: written after the widening, scored with the rules left as they were;
 * `late5`: written before reading the rules, first scored with the rules as they stood.
 */
export type DevsetPart = 'dev' | 'heldout' | 'late' | 'late2' | 'late3' | 'late4' | 'late5';

function partOf(entry: DevsetEntry): DevsetPart {
  if (entry.batch === 2) return 'late2';
  if (entry.batch === 3) return 'late3';
  if (entry.batch === 4) return 'late4';
  if (entry.batch === 5) return 'late5';
  return entry.late ? 'late' : corpusPart(entry.file);
}

export function loadDevset(): Array<{ entry: DevsetEntry; raw: Uint8Array; part: DevsetPart }> {
  const entries = z.array(entrySchema).parse(JSON.parse(readFileSync(join(devsetDir, 'labels.json'), 'utf8')));
  // The same deterministic hash split as the bounce corpus: rules are tuned on `dev` only.
  return entries.map((entry) => ({ entry, raw: readFileSync(join(devsetDir, 'messages', entry.file)), part: partOf(entry) }));
}

/** The label a rep sees: `meaning`, or the kind's own name for callers that set none. */
export function labelOf(r: InboundClassification): ReplyMeaning {
  if (r.meaning) return r.meaning;
  return r.kind === 'reply' ? 'other' : r.kind === 'unsubscribe_request' ? 'unsubscribe_request' : (r.kind as ReplyMeaning);
}

export interface LabelScore {
  label: ReplyMeaning;
  support: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface DevsetScore {
  files: number;
  perLabel: LabelScore[];
  macroF1: number;
  /** Out-of-office messages with an expected return date: how many got exactly that day. */
  returnDates: { expected: number; right: number };
  followUpDates: { expected: number; right: number };
  referrals: { expected: number; right: number };
  mistakes: string[];
}

export function score(results: Array<{ entry: DevsetEntry; result: InboundClassification }>): DevsetScore {
  const perLabel: LabelScore[] = [];
  for (const label of replyMeanings) {
    const support = results.filter((r) => r.entry.label === label).length;
    const predicted = results.filter((r) => labelOf(r.result) === label).length;
    const correct = results.filter((r) => r.entry.label === label && labelOf(r.result) === label).length;
    if (support === 0 && predicted === 0) continue;
    const precision = predicted ? correct / predicted : 0;
    const recall = support ? correct / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel.push({ label, support, predicted, correct, precision, recall, f1 });
  }
  const present = perLabel.filter((s) => s.support > 0);
  const macroF1 = present.reduce((sum, s) => sum + s.f1, 0) / (present.length || 1);
  const mistakes: string[] = [];
  const returnDates = { expected: 0, right: 0 };
  const followUpDates = { expected: 0, right: 0 };
  const referrals = { expected: 0, right: 0 };
  for (const { entry, result } of results) {
    const got = labelOf(result);
    if (got !== entry.label) mistakes.push(`${entry.file}: ${entry.label} → ${got}`);
    if (entry.returnDate) {
      returnDates.expected++;
      if (result.returnDate?.slice(0, 10) === entry.returnDate) returnDates.right++;
      else mistakes.push(`${entry.file}: return date ${entry.returnDate} → ${result.returnDate ?? 'none'}`);
    }
    if (entry.followUpDate) {
      followUpDates.expected++;
      if (result.followUpDate === entry.followUpDate) followUpDates.right++;
      else mistakes.push(`${entry.file}: follow-up ${entry.followUpDate} → ${result.followUpDate ?? 'none'}`);
    }
    if (entry.referral) {
      referrals.expected++;
      const r = result.referral;
      if (r && (entry.referral.name ?? null) === (r.name ?? null) && (entry.referral.email ?? null) === (r.email ?? null)) referrals.right++;
      else mistakes.push(`${entry.file}: referral ${JSON.stringify(entry.referral)} → ${JSON.stringify(r ?? null)}`);
    }
  }
  return { files: results.length, perLabel, macroF1, returnDates, followUpDates, referrals, mistakes };
}
