import type { ScoreSignal } from '../../shared/contracts/ai';

/** The text around a signal's span, cut to a readable line, with the span itself apart. */
export interface SignalExcerpt {
  field: 'subject' | 'body';
  before: string;
  match: string;
  after: string;
}

/**
 * What a signal points at, for the Glow panel's preview: `texts` are the analysed subject
 * and body (the score's own `text`, which body spans index into). Undefined when the signal
 * has no span, or the span no longer fits the text (the draft changed under it).
 */
export function signalExcerpt(signal: ScoreSignal, texts: { subject: string; body: string }, context = 40): SignalExcerpt | undefined {
  if (!signal.span || !signal.field) return undefined;
  const text = texts[signal.field];
  const { start, end } = signal.span;
  if (start < 0 || end > text.length || start >= end) return undefined;
  const from = wordStartBefore(text, Math.max(0, start - context));
  const to = wordEndAfter(text, Math.min(text.length, end + context));
  return {
    field: signal.field,
    before: (from > 0 ? '…' : '') + oneLine(text.slice(from, start)),
    match: oneLine(text.slice(start, end)),
    after: oneLine(text.slice(end, to)) + (to < text.length ? '…' : ''),
  };
}

/** Back to the start of the word `i` falls in, so the excerpt never opens mid-word. */
function wordStartBefore(text: string, i: number): number {
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

function wordEndAfter(text: string, i: number): number {
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}
