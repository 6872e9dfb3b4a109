import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { InboundClassification, InboundKind } from '../../shared/contracts/replies';

/** The shared corpus of real inbound mail, beside the repository (never inside it). */
export const corpusDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/inbound');

const labelSchema = z.object({
  file: z.string(),
  kind: z.enum(['bounce', 'complaint', 'auto_reply', 'not_bounce']),
  hard: z.boolean().nullable().optional(),
  status: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  recipient: z.string().nullable().optional(),
});
export type CorpusLabel = z.infer<typeof labelSchema>;

export function corpusPresent(): boolean {
  return existsSync(join(corpusDir, 'labels.json'));
}

/**
 * Deterministic split of the corpus by a hash of the file name (FNV-1a): about one file in
 * four is held out. Rules are developed against the dev part only; the held-out part is
 * scored beside it so overfitting to the files we looked at shows as a gap.
 */
export function corpusPart(file: string): 'dev' | 'heldout' {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return h % 4 === 0 ? 'heldout' : 'dev';
}

export function loadCorpus(): Array<{ label: CorpusLabel; raw: Uint8Array }> {
  const labels = z.array(labelSchema).parse(JSON.parse(readFileSync(join(corpusDir, 'labels.json'), 'utf8')));
  return labels.map((label) => ({ label, raw: readFileSync(join(corpusDir, 'messages', label.file)) }));
}

/**
 * Which of Lumina's kinds agree with a Sisimai label. Sisimai only knows bounce, complaint
 * (ARF feedback), auto_reply (RFC 3834 vacation) and not_bounce:
 * - `complaint` also covers opt-out requests mailbox providers send for the user (Apple
 *   Mail's one-tap unsubscribe); Lumina calls those `unsubscribe_request`. Both suppress.
 * - `not_bounce` is "none of the above", i.e. a person's reply, an unsubscribe request or other mail.
 */
export const agreeingKinds: Record<CorpusLabel['kind'], InboundKind[]> = {
  bounce: ['bounce'],
  complaint: ['complaint', 'unsubscribe_request'],
  auto_reply: ['auto_reply'],
  not_bounce: ['reply', 'unsubscribe_request', 'other'],
};

export interface Agreement {
  files: number;
  kindAgree: number;
  bounces: number;
  hardAgree: number;
  /** Same Sisimai reason (`speeding` in the labels is Sisimai 5's earlier name for `ratelimited`). */
  reasonAgree: number;
  recipientAgree: number;
  /** Bounces whose label carries a real RFC 3463 code (Sisimai's own X.0.9xx codes left out). */
  statusLabelled: number;
  statusAgree: number;
  /** label kind → Lumina kind → count */
  confusion: Record<string, Record<string, number>>;
  disagreements: string[];
}

/** Tallies how far classifications agree with the labels. */
export function tally(results: Array<{ label: CorpusLabel; result: InboundClassification }>): Agreement {
  const a: Agreement = { files: 0, kindAgree: 0, bounces: 0, hardAgree: 0, reasonAgree: 0, recipientAgree: 0, statusLabelled: 0, statusAgree: 0, confusion: {}, disagreements: [] };
  for (const { label, result } of results) {
    a.files++;
    const row = (a.confusion[label.kind] ??= {});
    row[result.kind] = (row[result.kind] ?? 0) + 1;
    if (agreeingKinds[label.kind].includes(result.kind)) a.kindAgree++;
    else a.disagreements.push(`${label.file}: kind ${label.kind} → ${result.kind}`);
    if (label.kind !== 'bounce') continue;
    a.bounces++;
    if (result.bounce?.hard === label.hard) a.hardAgree++;
    else a.disagreements.push(`${label.file}: hard ${label.hard} (${label.reason}) → ${result.bounce?.hard} (${result.bounce?.reason})`);
    const labelReason = label.reason === 'speeding' ? 'ratelimited' : label.reason;
    if (result.bounce?.reason === labelReason) a.reasonAgree++;
    else a.disagreements.push(`${label.file}: reason ${labelReason} → ${result.bounce?.reason}`);
    if (result.bounce?.recipient && result.bounce.recipient === label.recipient?.toLowerCase()) a.recipientAgree++;
    else a.disagreements.push(`${label.file}: recipient ${label.recipient} → ${result.bounce?.recipient}`);
    if (label.status && !/^\d\.0\.9\d\d$/.test(label.status)) {
      a.statusLabelled++;
      if (result.bounce?.status === label.status) a.statusAgree++;
    }
  }
  return a;
}
