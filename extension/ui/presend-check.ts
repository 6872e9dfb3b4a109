import { listVariables } from '../../shared/template-vars';
import { GMAIL_CLIP_BYTES, type ScoreResult } from '../../shared/score/score-email';

/**
 * What the rep should know before "Send with Lumina": warnings only — the rep decides.
 * (Suppressed recipients are refused by the API itself, with a message the panel shows.)
 */
export function presendWarnings(input: { to: string[]; subject: string; bodyText: string; score: ScoreResult }): string[] {
  const warnings: string[] = [];
  if (input.to.length === 0) warnings.push('No recipient yet.');
  if (input.to.length > 1) warnings.push(`Lumina sends to one recipient at a time; only ${input.to[0]} gets this tracked email.`);
  if (!input.subject.trim()) warnings.push('The subject is empty.');
  if (input.score.score < 60) warnings.push(`The score is ${input.score.score}/100.`);
  if (input.score.stats.bytes > GMAIL_CLIP_BYTES) warnings.push('Over 102 KB: Gmail will clip this message.');
  if (input.score.stats.links > 3) warnings.push(`${input.score.stats.links} links: many links hurt deliverability.`);
  const unresolved = [...new Set([...listVariables(input.subject), ...listVariables(input.bodyText)].map((v) => v.name))];
  if (unresolved.length) warnings.push(`Unfilled variables: ${unresolved.map((v) => `{{${v}}}`).join(', ')}.`);
  return warnings;
}
