import { useState } from 'react';
import { useStore } from 'zustand';
import { diffWords } from 'diff';
import { glowAppearance, planAccept, shownConfidence, type GlowState } from '../../shared/glow';
import type { ComposeHandle } from '../content/host';
import type { ComposeSession, Tone } from '../content/compose-session';
import { TemplatePicker } from './template-picker';
import { SequencePicker } from './sequence-picker';
import { KeptCopies } from './kept-copies';
import { Signals } from './signals';
import { scoreBand } from '../../shared/score/score-band';
import type { ScoreResult } from '../../shared/score/score-email';
import { sendWords } from './send-words';
import { GLOW_SHORTCUTS, chordOf } from './shortcuts';

/** The Glow panel: composer toolbar, live score with its signals, AI suggestions, send. It renders; the session acts. */
export function GlowPanel({ session: composeSession, compose }: { session: ComposeSession; compose: ComposeHandle }) {
  const session = composeSession.store;
  const s = useStore(session);
  const [goal, setGoal] = useState('');
  const tone = s.tone;
  const setTone = (t: Tone) => session.setState({ tone: t });
  const small = s.folded;
  const setSmall = (folded: boolean) => session.setState({ folded });
  const g = s.glow;

  const aiOff = s.ai.state === 'off';
  const aiBusy = aiOff || g.status === 'thinking';
  // Intensity shows the model's confidence (a middling glow when it gave none); colour shows freshness.
  const { intensity } = glowAppearance(g);
  return (
    <section className={`panel${small ? ' small' : ''}`} data-testid="glow-panel" data-glow={g.status} onKeyDown={(e) => composeSession.onShortcutKey(e.nativeEvent)}>
      <header className="toolbar" data-testid="composer-toolbar">
        <strong>Lumina</strong>
        <ScoreBadge score={s.score} />
        <span className="saved" data-testid="saved" data-version={s.version} title="Kept on this computer, and synced to Lumina when online">
          {s.saved === 'restored' ? 'Restored your draft' : s.saved === 'saved' ? 'Saved' : 'Editing…'}
        </span>
        <button className="fold" data-testid="fold" aria-expanded={!small} title={small ? 'Open the Lumina panel (Alt+Shift+L)' : 'Fold the panel to a badge (Alt+Shift+L)'} onClick={() => setSmall(!small)}>{small ? '▸' : '▾'}</button>
      </header>
      {!small && <>
      {s.intro && (
        <div className="card intro" data-testid="intro">
          <p><b>Lumina scores this email as you write</b> (the badge above: what to fix is listed under it), suggests rewrites, and sends with open and reply tracking.</p>
          {s.intro === 'signed-out' ? (
            <p>Sign in to send, track and use AI: <button className="primary" onClick={composeSession.openOptions}>Open Lumina’s options</button></p>
          ) : (
            <p className="meta">Keyboard shortcuts are listed under the AI buttons. <button onClick={composeSession.dismissIntro}>Got it</button></p>
          )}
        </div>
      )}
      <TemplatePicker session={session} compose={compose} onInserted={composeSession.edited} />
      <SequencePicker session={session} />
      <KeptCopies session={composeSession} draftId={s.draftId} />
      <Signals score={s.score} subject={s.subject} />
      {aiOff && <p className="note ai-off" data-testid="ai-off">{s.ai.hint} The score still works.</p>}
      <div className="ai">
        <button onClick={() => composeSession.runAi('personalize', tone)} disabled={aiBusy}>Personalize</button>
        <button onClick={() => composeSession.runAi('rewrite', tone)} disabled={aiBusy}>Rewrite</button>
        <select aria-label="Tone" value={tone} onChange={(e) => setTone(e.target.value as Tone)}>
          {(['friendly', 'formal', 'concise', 'confident'] as const).map((t) => <option key={t}>{t}</option>)}
        </select>
        <button onClick={() => composeSession.runAi('subject-lines', tone)} disabled={aiBusy}>Subject lines</button>
      </div>
      <div className="ai generate">
        <input aria-label="Goal" data-testid="goal" placeholder="Goal, e.g. book a 15-minute call" value={goal} disabled={aiOff} onChange={(e) => setGoal(e.target.value)} />
        <button onClick={() => composeSession.generate(goal, tone)} disabled={aiBusy || !goal.trim()}>Generate</button>
      </div>
      <Shortcuts />
      <div className={`glow glow-${g.status}`} data-testid="glow" style={{ ['--intensity' as string]: intensity }}>
        {g.status === 'thinking' && <p>Thinking…</p>}
        {g.status === 'thinking' && s.streamed !== undefined && <pre className="stream" data-testid="stream">{s.streamed}</pre>}
        {g.status === 'idle' && g.error && <p className="note" data-testid="glow-message">{g.error.message}</p>}
        {(g.status === 'ready' || g.status === 'stale') && <Suggestion glow={g} current={{ subject: s.subject, body: s.bodyText }} session={composeSession} />}
        {g.status === 'applied' && (
          <p data-testid="applied">
            {g.merged ? 'Applied around your edits.' : 'Applied.'} <button data-testid="undo" onClick={composeSession.undo} title="Ctrl+Z (⌘Z) in the email does the same">Undo</button>
          </p>
        )}
      </div>
      <footer className="send">
        <label><input type="checkbox" checked={s.track.opens} onChange={(e) => session.setState({ track: { ...s.track, opens: e.target.checked } })} /> Track opens</label>
        <label><input type="checkbox" checked={s.track.clicks} onChange={(e) => session.setState({ track: { ...s.track, clicks: e.target.checked } })} /> Track clicks</label>
        <label className="later">Send later <input type="datetime-local" aria-label="Send later" value={s.sendAt} onChange={(e) => session.setState({ sendAt: e.target.value })} /></label>
        <button className="primary" data-testid="send-with-lumina" disabled={s.send.state === 'sending' || s.send.state === 'accepted'} onClick={() => void composeSession.send(false)}>
          {s.send.state === 'accepted' ? (s.send.email?.scheduledAt && s.send.email.status === 'PENDING_SEND' ? 'Scheduled with Lumina' : 'Sent with Lumina') : s.send.state === 'sending' ? 'Sending…' : s.sendAt ? 'Schedule with Lumina' : 'Send with Lumina'}
        </button>
      </footer>
      {s.send.state === 'checking' && (
        // Brought into view: on a narrow window the check would open below the fold of the panel.
        <div className={`presend${s.send.blocking?.length ? ' blocked' : ''}`} data-testid="presend" ref={(el) => el?.scrollIntoView?.({ block: 'nearest' })}>
          {!!s.send.blocking?.length && (
            <>
              <p className="presend-title">Lumina cannot send this yet:</p>
              <ul data-testid="presend-blocking">{s.send.blocking.map((w) => <li key={w} className="error">{w}</li>)}</ul>
            </>
          )}
          {!!s.send.warnings?.length && (
            <>
              <p className="presend-title">{s.send.blocking?.length ? 'Also worth a look:' : 'Before it goes:'}</p>
              <ul data-testid="presend-warnings">{s.send.warnings.map((w) => <li key={w}>{w}</li>)}</ul>
            </>
          )}
          {!s.send.blocking?.length && <button className="primary" onClick={() => void composeSession.send(true)}>Send anyway</button>}
          <button onClick={composeSession.cancelSend}>Back to editing</button>
        </div>
      )}
      {s.send.state === 'error' && <p className="note error" data-testid="send-error">Not sent: {s.send.message}</p>}
      <SendStatus session={composeSession} />
      </>}
    </section>
  );
}

/**
 * A suggestion and what Accept would do. A stale one is never applied over the rep's
 * edits: it merges around them when they touch other words, otherwise it offers only
 * "Ask again" on the draft as it is now.
 */
function Suggestion(props: { glow: Extract<GlowState, { status: 'ready' | 'stale' }>; current: { subject: string; body: string }; session: ComposeSession }) {
  const g = props.glow;
  const { suggestion } = g;
  const options = suggestion.options;
  const stale = g.status === 'stale';
  const plan = planAccept(g, props.current);
  // The diff shows what Accept would write: after a merge, the rep's own edits are not "removed".
  const target = plan.kind === 'apply' ? plan.after.body : suggestion.body;
  const parts = suggestion.body !== undefined && target !== undefined ? diffWords(props.current.body, target) : [];
  // Only the model's own confidence, and only on a fresh suggestion; a streamed generate has none.
  const confidence = shownConfidence(g);
  return (
    <div className="suggestion" data-testid="suggestion" data-plan={plan.kind}>
      {stale && plan.kind === 'apply' && <p className="meta" data-testid="stale-note">You edited the draft since you asked. Accept keeps your edits and applies only the other changes.</p>}
      {stale && plan.kind === 'ask-again' && <p className="meta" data-testid="stale-note">{plan.reason} Ask again to get a suggestion for the draft as it is now.</p>}
      {confidence !== undefined && (
        <p className="meta confidence" data-testid="confidence" data-confidence={confidence} title="How sure the AI model is that this is better than your text">
          Model confidence {confidence}%<meter min={0} max={100} value={confidence} aria-label="Model confidence" />
        </p>
      )}
      {options && options.length > 0 ? (
        <ul className="options" data-testid="subject-options">
          {options.map((o, i) => (
            <li key={o}>
              <span>{o}</span> <button data-testid={`use-subject-${i}`} disabled={planAccept(g, props.current, i).kind !== 'apply'} onClick={() => props.session.accept(i)}>Use</button>
            </li>
          ))}
        </ul>
      ) : (
        suggestion.subject !== undefined && <p><b>Subject:</b> {suggestion.subject}</p>
      )}
      {parts.length > 0 && (
        <pre className="diff" data-testid="diff">
          {parts.map((p, i) => <span key={i} className={p.added ? 'add' : p.removed ? 'del' : ''}>{p.value}</span>)}
        </pre>
      )}
      {plan.kind === 'apply' && !options?.length && <button className="primary" data-testid="accept" onClick={() => props.session.accept()}>{stale ? 'Accept around my edits' : 'Accept'}</button>}
      {stale && <button className={plan.kind === 'apply' ? '' : 'primary'} data-testid="ask-again" onClick={props.session.askAgain}>Ask again</button>}
      <button onClick={props.session.reject}>{options?.length ? 'Close' : 'Reject'}</button>
    </div>
  );
}

/** The keyboard shortcuts in plain words, under the buttons they press: they work in the email and in the panel. */
function Shortcuts() {
  return (
    <div className="shortcuts" data-testid="shortcuts">
      <p>Keyboard shortcuts, in the email or here:</p>
      <ul>
        {GLOW_SHORTCUTS.map((k) => <li key={k.action}><kbd>{chordOf(k.letter)}</kbd> {k.words}</li>)}
        <li><kbd>Ctrl+Z</kbd> or <kbd>⌘Z</kbd> Undo, right after an accept</li>
      </ul>
    </div>
  );
}

/** The score with what it means: a label and its band's colour; nothing to grade before the rep writes. */
function ScoreBadge({ score }: { score: ScoreResult }) {
  if (score.stats.words === 0) return <span className="score empty" data-testid="score" data-band="empty">Write a few lines first</span>;
  const band = scoreBand(score.score);
  return (
    <span className={`score band-${band.id}`} data-testid="score" data-band={band.id} data-score={score.score} title="Lumina's score of this draft, out of 100">
      <b>{score.score}</b> {band.label}
    </span>
  );
}

/** The sent email's state in words, followed live; a scheduled one can be cancelled. Also shown outside the compose once it closes. */
export function SendStatus({ session: composeSession, onDismiss }: { session: ComposeSession; onDismiss?: () => void }) {
  const send = useStore(composeSession.store, (s) => s.send);
  if (send.state !== 'accepted') return null;
  const words = send.email ? sendWords(send.email) : { text: 'Queued', tone: 'waiting' as const, cancellable: false, final: false };
  return (
    <p className={`send-status tone-${words.tone}`} data-testid="send-status" data-email-id={send.emailId} data-status={send.email?.status ?? 'PENDING_SEND'} role="status">
      <span>{words.text}</span>
      {words.cancellable && send.email?.scheduledAt && <button data-testid="cancel-send" onClick={() => void composeSession.cancelScheduled()}>Cancel send</button>}
      {send.message && <span className="note error"> {send.message}</span>}
      {onDismiss && words.final && <button data-testid="dismiss-send-status" onClick={onDismiss}>Dismiss</button>}
    </p>
  );
}
