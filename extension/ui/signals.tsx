import { useState } from 'react';
import type { ScoreResult } from '../../shared/score/score-email';
import { signalExcerpt } from './signal-excerpt';
import { groupSignals } from '../../shared/score/signal-category';
import type { ScoreSignal } from '../../shared/contracts/ai';

/**
 * The score's signals that cost points, grouped under six headings (length, personalization,
 * clarity, call to action, deliverability, tone) after the blocking errors; pointing at one (hover, focus or click) shows the words it is about.
 *
 * The span is highlighted in a preview here, not inside Gmail's compose body: spans index
 * into the plain text the host reads (InboxSDK's getTextContent, the DOM host's innerText),
 * which does not map one-to-one onto the nodes of Gmail's contenteditable (block elements
 * and <br> become newlines), and marking up the body would move the rep's caret and could
 * end up in the sent mail. The host interface has no highlight method for that reason.
 */
export function Signals({ score, subject }: { score: ScoreResult; subject: string }) {
  const [pointed, setPointed] = useState<string>();
  const { fixFirst, groups, fine } = groupSignals(score.signals);
  const all = [...fixFirst, ...groups.flatMap((g) => g.signals)];
  const target = all.find((g) => keyOf(g) === pointed);
  const excerpt = target && signalExcerpt(target, { subject, body: score.text });
  const item = (g: ScoreSignal) => {
    const key = keyOf(g);
    const point = () => setPointed(key);
    return g.span ? (
      <li key={key} className={`${g.severity} spanned${key === pointed ? ' pointed' : ''}`} data-testid="signal" data-signal={g.id} tabIndex={0} role="button" onMouseEnter={point} onFocus={point} onClick={point}>
        {g.message}
      </li>
    ) : (
      <li key={key} className={g.severity} data-testid="signal" data-signal={g.id}>{g.message}</li>
    );
  };
  return (
    <div className="signals" data-testid="signals">
      {fixFirst.length > 0 && (
        <section className="signal-group fix-first" data-testid="signal-group" data-category="fix-first">
          <h4>Fix first</h4>
          <ul>{fixFirst.map(item)}</ul>
        </section>
      )}
      {groups.filter((g) => g.signals.length > 0).map((g) => (
        <section key={g.id} className="signal-group" data-testid="signal-group" data-category={g.id}>
          <h4>{g.label} <span className="cost">−{Math.round(g.signals.reduce((n, s) => n + s.impact, 0))}</span></h4>
          <ul>{g.signals.slice(0, PER_GROUP).map(item)}</ul>
          {g.signals.length > PER_GROUP && <p className="meta">and {g.signals.length - PER_GROUP} more like these</p>}
        </section>
      ))}
      {fine.length > 0 && <p className="signals-fine" data-testid="signals-fine">✓ {fine.map((c) => c.label).join(' · ')}</p>}
      {excerpt && (
        <p className="signal-preview" data-testid="signal-preview" data-field={excerpt.field}>
          <span className="meta">{excerpt.field === 'subject' ? 'Subject: ' : 'Body: '}</span>
          {excerpt.before}
          <mark data-testid="signal-span">{excerpt.match}</mark>
          {excerpt.after}
        </p>
      )}
    </div>
  );
}

/** Enough to act on; a draft full of capitals needs the first few pointed out, not all of them. */
const PER_GROUP = 3;

/** Stable while the span stays put; an edit that moves the span drops the preview. */
function keyOf(g: ScoreSignal): string {
  return g.span ? `${g.id}@${g.field}:${g.span.start}-${g.span.end}` : `${g.id}:${g.message}`;
}
