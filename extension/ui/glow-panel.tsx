import { useState } from 'react';
import { useStore } from 'zustand';
import { diffWords } from 'diff';
import type { GlowResult } from '../../shared/glow';
import type { ComposeHandle } from '../content/host';
import type { ComposeSession, Tone } from '../content/compose-session';
import { TemplatePicker } from './template-picker';
import { SequencePicker } from './sequence-picker';
import { KeptCopies } from './kept-copies';
import { Signals } from './signals';

/** The Glow panel: composer toolbar, live score with its signals, AI suggestions, send. It renders; the session acts. */
export function GlowPanel({ session: composeSession, compose }: { session: ComposeSession; compose: ComposeHandle }) {
  const session = composeSession.store;
  const s = useStore(session);
  const [tone, setTone] = useState<Tone>('concise');
  const [goal, setGoal] = useState('');
  const g = s.glow;

  const intensity = 'confidence' in g ? 0.35 + 0.65 * g.confidence : 0.3;
  return (
    <section className="panel" data-testid="glow-panel" data-glow={g.status}>
      <header className="toolbar" data-testid="composer-toolbar">
        <strong>Lumina</strong>
        <span className="score" data-testid="score" title="Heuristic score">{s.score.score}</span>
        <span className="saved" data-testid="saved">{s.saved === 'restored' ? 'Restored draft' : s.saved === 'saved' ? `Saved v${s.version}` : 'Editing…'}</span>
      </header>
      <TemplatePicker session={session} compose={compose} onInserted={composeSession.edited} />
      <SequencePicker session={session} />
      <KeptCopies session={composeSession} draftId={s.draftId} />
      <Signals score={s.score} subject={s.subject} />
      <div className="ai">
        <button onClick={() => composeSession.runAi('personalize', tone)} disabled={g.status === 'thinking'}>Personalize</button>
        <button onClick={() => composeSession.runAi('rewrite', tone)} disabled={g.status === 'thinking'}>Rewrite</button>
        <select aria-label="Tone" value={tone} onChange={(e) => setTone(e.target.value as Tone)}>
          {(['friendly', 'formal', 'concise', 'confident'] as const).map((t) => <option key={t}>{t}</option>)}
        </select>
        <button onClick={() => composeSession.runAi('subject-lines', tone)} disabled={g.status === 'thinking'}>Subject lines</button>
      </div>
      <div className="ai generate">
        <input aria-label="Goal" data-testid="goal" placeholder="Goal, e.g. book a 15-minute call" value={goal} onChange={(e) => setGoal(e.target.value)} />
        <button onClick={() => composeSession.generate(goal, tone)} disabled={g.status === 'thinking' || !goal.trim()}>Generate</button>
      </div>
      <div className={`glow glow-${g.status}`} data-testid="glow" style={{ ['--intensity' as string]: intensity }}>
        {g.status === 'thinking' && <p>Thinking…</p>}
        {g.status === 'thinking' && s.streamed !== undefined && <pre className="stream" data-testid="stream">{s.streamed}</pre>}
        {g.status === 'idle' && g.error && <p className="note" data-testid="glow-message">{g.error.message}</p>}
        {(g.status === 'ready' || g.status === 'stale') && (
          <Suggestion glow={g} current={{ subject: s.subject, body: s.bodyText }} stale={g.status === 'stale'} onAccept={composeSession.accept} onReject={composeSession.reject} />
        )}
        {g.status === 'applied' && <p>Applied.</p>}
      </div>
      <footer className="send">
        <label><input type="checkbox" checked={s.track.opens} onChange={(e) => session.setState({ track: { ...s.track, opens: e.target.checked } })} /> opens</label>
        <label><input type="checkbox" checked={s.track.clicks} onChange={(e) => session.setState({ track: { ...s.track, clicks: e.target.checked } })} /> clicks</label>
        <input type="datetime-local" aria-label="Send later" value={s.sendAt} onChange={(e) => session.setState({ sendAt: e.target.value })} />
        <button className="primary" data-testid="send-with-lumina" disabled={s.send.state === 'sending' || s.send.state === 'sent'} onClick={() => void composeSession.send(false)}>
          {s.sendAt ? 'Schedule with Lumina' : 'Send with Lumina'}
        </button>
      </footer>
      {s.send.state === 'checking' && (
        <div className="presend" data-testid="presend">
          <ul>{s.send.warnings?.map((w) => <li key={w}>{w}</li>)}</ul>
          <button onClick={() => void composeSession.send(true)}>Send anyway</button>
          <button onClick={composeSession.cancelSend}>Back to editing</button>
        </div>
      )}
      {s.send.message && <p className={`note ${s.send.state}`} data-testid="send-status" data-email-id={s.send.emailId}>{s.send.message}</p>}
    </section>
  );
}

function Suggestion(props: { glow: GlowResult; current: { subject: string; body: string }; stale: boolean; onAccept(): void; onReject(): void }) {
  const { suggestion, confidence } = props.glow;
  const options = suggestion.options;
  const parts = suggestion.body !== undefined ? diffWords(props.current.body, suggestion.body) : [];
  return (
    <div className="suggestion" data-testid="suggestion">
      <p className="meta">{props.stale ? 'Stale: the draft changed since you asked.' : `Confidence ${Math.round(confidence * 100)}%`}</p>
      {suggestion.subject !== undefined && <p><b>Subject:</b> {suggestion.subject}</p>}
      {options && options.length > 1 && <ul>{options.map((o) => <li key={o}>{o}</li>)}</ul>}
      {parts.length > 0 && (
        <pre className="diff" data-testid="diff">
          {parts.map((p, i) => <span key={i} className={p.added ? 'add' : p.removed ? 'del' : ''}>{p.value}</span>)}
        </pre>
      )}
      <button className="primary" onClick={props.onAccept}>Accept</button>
      <button onClick={props.onReject}>Reject</button>
    </div>
  );
}
