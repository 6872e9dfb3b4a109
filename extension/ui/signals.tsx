import { useState } from 'react';
import type { ScoreResult } from '../../shared/score/score-email';
import { signalExcerpt } from './signal-excerpt';

/**
 * The score's signals; pointing at one (hover, focus or click) shows the words it is about.
 *
 * The span is highlighted in a preview here, not inside Gmail's compose body: spans index
 * into the plain text the host reads (InboxSDK's getTextContent, the DOM host's innerText),
 * which does not map one-to-one onto the nodes of Gmail's contenteditable (block elements
 * and <br> become newlines), and marking up the body would move the rep's caret and could
 * end up in the sent mail. The host interface has no highlight method for that reason.
 */
export function Signals({ score, subject }: { score: ScoreResult; subject: string }) {
  const [pointed, setPointed] = useState<string>();
  const shown = score.signals.filter((g) => g.impact > 0).slice(0, 5);
  const target = shown.find((g, i) => keyOf(g, i) === pointed);
  const excerpt = target && signalExcerpt(target, { subject, body: score.text });
  return (
    <>
      <ul className="signals" data-testid="signals">
        {shown.map((g, i) => {
          const key = keyOf(g, i);
          const point = () => setPointed(key);
          return g.span ? (
            <li key={key} className={`${g.severity} spanned${key === pointed ? ' pointed' : ''}`} data-testid="signal" tabIndex={0} role="button" onMouseEnter={point} onFocus={point} onClick={point}>
              {g.message}
            </li>
          ) : (
            <li key={key} className={g.severity} data-testid="signal">{g.message}</li>
          );
        })}
      </ul>
      {excerpt && (
        <p className="signal-preview" data-testid="signal-preview" data-field={excerpt.field}>
          <span className="meta">{excerpt.field === 'subject' ? 'Subject: ' : 'Body: '}</span>
          {excerpt.before}
          <mark data-testid="signal-span">{excerpt.match}</mark>
          {excerpt.after}
        </p>
      )}
    </>
  );
}

/** Stable while the span stays put; an edit that moves the span drops the preview. */
function keyOf(g: ScoreResult['signals'][number], i: number): string {
  return g.span ? `${g.id}@${g.field}:${g.span.start}-${g.span.end}` : `${g.id}#${i}`;
}
