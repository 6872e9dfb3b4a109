import { listVariables } from '../../shared/template-vars';
import type { ScoreResult } from '../../shared/score/score-email';
import { clipWarnings } from '../../shared/gmail-clip';

export interface PresendInput {
  to: string[];
  subject: string;
  bodyText: string;
  score: ScoreResult;
  /** Sequence mail must let the prospect opt out in the text itself. */
  sequence?: { name: string };
  /** The recipient's suppression, `null` when not suppressed, a message when the list could not be checked. */
  suppression?: { reason: string } | null | string;
  /** Connected mailboxes (undefined: not known); none means the server has nothing to send from. */
  mailboxes?: number;
}

/**
 * What the rep should know before "Send with Lumina". `blocking`: what the server will
 * refuse (no recipient or subject, an unfilled variable, a suppressed address, no mailbox) —
 * said plainly, with no "Send anyway". `warnings`: the rep decides.
 */
export function presendCheck(input: PresendInput): { blocking: string[]; warnings: string[] } {
  const blocking: string[] = [];
  if (input.to.length === 0) blocking.push('Add a recipient first.');
  if (!input.subject.trim()) blocking.push('Add a subject first: Lumina does not send an email without one.');
  const unresolved = [...new Set([...listVariables(input.subject), ...listVariables(input.bodyText)].map((v) => v.name))];
  if (unresolved.length) blocking.push(`Fill in ${unresolved.map((v) => `{{${v}}}`).join(', ')} first: the prospect would see the braces.`);
  if (input.suppression && typeof input.suppression !== 'string') {
    blocking.push(`${input.to[0]} is on the do-not-email list (${input.suppression.reason.replace(/_/g, ' ')}): Lumina will not send to this address.`);
  }
  if (input.mailboxes === 0) blocking.push('No Gmail mailbox is connected: connect one in Lumina’s options first.');
  const warnings = presendWarnings(input).filter((w) => !BLOCKING_WORDS.some((re) => re.test(w)));
  return { blocking, warnings };
}

/** The warnings below that presendCheck turns into blocking errors. */
const BLOCKING_WORDS = [/^No recipient yet\./, /^The subject is empty\./, /^Unfilled variables:/, / is suppressed \(/];

/** Every remark before a send, blocking or not, in one list. */
export function presendWarnings(input: PresendInput): string[] {
  const warnings: string[] = [];
  if (input.to.length === 0) warnings.push('No recipient yet.');
  if (input.to.length > 1) warnings.push(`Lumina sends to one recipient at a time; only ${input.to[0]} gets this tracked email.`);
  if (!input.subject.trim()) warnings.push('The subject is empty.');
  if (input.score.score < 60) warnings.push(`The score is ${input.score.score}/100.`);
  warnings.push(...clipWarnings(input.score.stats.bytes));
  if (input.score.stats.links > 3) warnings.push(`${input.score.stats.links} links: many links hurt deliverability.`);
  const unresolved = [...new Set([...listVariables(input.subject), ...listVariables(input.bodyText)].map((v) => v.name))];
  if (unresolved.length) warnings.push(`Unfilled variables: ${unresolved.map((v) => `{{${v}}}`).join(', ')}.`);
  if (input.sequence && !UNSUBSCRIBE.test(input.bodyText)) warnings.push(`Sequence mail (“${input.sequence.name}”) without an unsubscribe line: add a way to opt out.`);
  if (typeof input.suppression === 'string') warnings.push(`Could not check the suppression list: ${input.suppression}`);
  else if (input.suppression) warnings.push(`${input.to[0]} is suppressed (${input.suppression.reason.replace('_', ' ')}): Lumina will not send to this address.`);
  return warnings;
}

/** An opt-out the prospect can read in the text. */
const UNSUBSCRIBE = /unsubscribe|opt[ -]?out/i;
