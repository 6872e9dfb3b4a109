import { useRef, useState } from 'react';
import { useStore } from 'zustand';
import { diffWords } from 'diff';
import { suggestionResponse, type SuggestionResponse } from '../../shared/contracts/ai';
import type { SendEmailResponse } from '../../shared/contracts/emails';
import type { ComposeHandle } from '../content/host';
import type { ComposeSession } from '../content/compose-session';
import { draftFingerprint } from '../state/compose-store';
import { ask } from '../state/runtime';
import { describeError } from '../state/describe-error';
import { streamGenerate } from '../state/ai-stream-client';
import { presendWarnings } from './presend-check';
import { TemplatePicker } from './template-picker';
import { SequencePicker } from './sequence-picker';
import { KeptCopies } from './kept-copies';
import { Signals } from './signals';

type AiAction = 'personalize' | 'rewrite' | 'subject-lines';

/** The Glow panel: composer toolbar, live score with its signals, AI suggestions, send. */
export function GlowPanel({ session: composeSession, compose }: { session: ComposeSession; compose: ComposeHandle }) {
  const session = composeSession.store;
  const s = useStore(session);
  const sending = useRef(false);
  const [tone, setTone] = useState<'friendly' | 'formal' | 'concise' | 'confident'>('concise');
  const [goal, setGoal] = useState('');

  const runAi = async (action: AiAction) => {
    const { subject, bodyText } = session.getState();
    const fingerprint = draftFingerprint({ subject, bodyText });
    session.setState({ glow: { state: 'thinking', action, requestedFor: fingerprint } });
    const input = action === 'rewrite' ? { draft: { subject, body: bodyText }, tone } : { draft: { subject, body: bodyText } };
    const res = await ask({ type: 'ai.run', action, input });
    const now = draftFingerprint(session.getState());
    if (!res.ok) return session.setState({ glow: { state: 'idle', message: describeError(res.error) } });
    session.setState({ glow: { state: now === fingerprint ? 'ready' : 'stale', action, requestedFor: fingerprint, suggestion: res.data } });
  };

  /** Generate from a goal, streamed: the text shows as the model writes it, then the suggestion is ready. */
  const runGenerate = () => {
    const requestedFor = draftFingerprint(session.getState());
    session.setState({ glow: { state: 'thinking', action: 'generate', requestedFor, streamed: '' } });
    const to = session.getState().to[0];
    streamGenerate({ goal: goal.trim(), tone, ...(to ? { prospect: { email: to } } : {}) }, (event) => {
      const glow = session.getState().glow;
      if (glow.action !== 'generate' || glow.state !== 'thinking') return;
      if (event.type === 'token') return session.setState({ glow: { ...glow, streamed: (glow.streamed ?? '') + event.delta } });
      if (event.type === 'error') return session.setState({ glow: { state: 'idle', message: describeError(event.error) } });
      const parsed = suggestionResponse.safeParse(event.data);
      if (!parsed.success) return session.setState({ glow: { state: 'idle', message: 'Unexpected answer from the AI stream' } });
      const now = draftFingerprint(session.getState());
      session.setState({ glow: { state: now === requestedFor ? 'ready' : 'stale', action: 'generate', requestedFor, suggestion: parsed.data } });
    });
  };

  const accept = () => {
    const sug = s.glow.suggestion?.suggestion;
    if (!sug) return;
    if (sug.subject !== undefined) compose.setSubject(sug.subject);
    if (sug.body !== undefined) compose.setBodyText(sug.body);
    session.setState({ glow: { ...s.glow, state: 'applied' } });
    // Writing into the compose fires no input event everywhere: re-read, score and save it ourselves.
    composeSession.edited();
  };

  const sendWithLumina = async (confirmed: boolean) => {
    const st = session.getState();
    if (!confirmed) {
      const warnings = presendWarnings({ ...st, suppression: await suppressionOf(st.to[0]) });
      if (warnings.length) return session.setState({ send: { state: 'checking', warnings } });
    }
    // A double click must not start a second request.
    if (sending.current) return;
    sending.current = true;
    session.setState({ send: { state: 'sending' } });
    // What is sent is what the local draft holds: a reload after the send restores exactly it.
    await composeSession.flush();
    const res = await ask({
      type: 'email.send',
      // One key per draft, derived rather than stored: a retry (after a reload, a crash, a
      // second click) replays the first send and can never send twice.
      idempotencyKey: sendKeyOf(st.draftId),
      payload: {
        to: st.to[0] ?? '',
        subject: st.subject,
        bodyHtml: st.bodyHtml || escapeHtml(st.bodyText),
        bodyText: st.bodyText,
        draftId: st.draftId,
        track: st.track,
        ...(st.sequence ? { campaignId: st.sequence.campaignId } : {}),
        ...(st.sendAt ? { scheduledAt: new Date(st.sendAt).toISOString() } : {}),
      },
    });
    sending.current = false;
    session.setState({ send: res.ok ? { state: 'sent', emailId: res.data.id, message: st.sendAt ? `Scheduled (${res.data.status}).` : `Queued to send (${res.data.status}).` } : { state: 'error', message: describeError(res.error) } });
  };

  const intensity = s.glow.suggestion ? 0.35 + 0.65 * s.glow.suggestion.confidence : 0.3;
  return (
    <section className="panel" data-testid="glow-panel" data-glow={s.glow.state}>
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
        <button onClick={() => runAi('personalize')} disabled={s.glow.state === 'thinking'}>Personalize</button>
        <button onClick={() => runAi('rewrite')} disabled={s.glow.state === 'thinking'}>Rewrite</button>
        <select aria-label="Tone" value={tone} onChange={(e) => setTone(e.target.value as typeof tone)}>
          {(['friendly', 'formal', 'concise', 'confident'] as const).map((t) => <option key={t}>{t}</option>)}
        </select>
        <button onClick={() => runAi('subject-lines')} disabled={s.glow.state === 'thinking'}>Subject lines</button>
      </div>
      <div className="ai generate">
        <input aria-label="Goal" data-testid="goal" placeholder="Goal, e.g. book a 15-minute call" value={goal} onChange={(e) => setGoal(e.target.value)} />
        <button onClick={runGenerate} disabled={s.glow.state === 'thinking' || !goal.trim()}>Generate</button>
      </div>
      <div className={`glow glow-${s.glow.state}`} data-testid="glow" style={{ ['--intensity' as string]: intensity }}>
        {s.glow.state === 'thinking' && <p>Thinking…</p>}
        {s.glow.state === 'thinking' && s.glow.streamed !== undefined && <pre className="stream" data-testid="stream">{s.glow.streamed}</pre>}
        {s.glow.message && s.glow.state === 'idle' && <p className="note" data-testid="glow-message">{s.glow.message}</p>}
        {s.glow.suggestion && (s.glow.state === 'ready' || s.glow.state === 'stale') && (
          <Suggestion glow={s.glow.suggestion} current={{ subject: s.subject, body: s.bodyText }} stale={s.glow.state === 'stale'} onAccept={accept} onReject={() => session.setState({ glow: { state: 'idle' } })} />
        )}
        {s.glow.state === 'applied' && <p>Applied.</p>}
      </div>
      <footer className="send">
        <label><input type="checkbox" checked={s.track.opens} onChange={(e) => session.setState({ track: { ...s.track, opens: e.target.checked } })} /> opens</label>
        <label><input type="checkbox" checked={s.track.clicks} onChange={(e) => session.setState({ track: { ...s.track, clicks: e.target.checked } })} /> clicks</label>
        <input type="datetime-local" aria-label="Send later" value={s.sendAt} onChange={(e) => session.setState({ sendAt: e.target.value })} />
        <button className="primary" data-testid="send-with-lumina" disabled={s.send.state === 'sending' || s.send.state === 'sent'} onClick={() => sendWithLumina(false)}>
          {s.sendAt ? 'Schedule with Lumina' : 'Send with Lumina'}
        </button>
      </footer>
      {s.send.state === 'checking' && (
        <div className="presend" data-testid="presend">
          <ul>{s.send.warnings?.map((w) => <li key={w}>{w}</li>)}</ul>
          <button onClick={() => sendWithLumina(true)}>Send anyway</button>
          <button onClick={() => session.setState({ send: { state: 'idle' } })}>Back to editing</button>
        </div>
      )}
      {s.send.message && <p className={`note ${s.send.state}`} data-testid="send-status" data-email-id={s.send.emailId}>{s.send.message}</p>}
    </section>
  );
}

function Suggestion(props: { glow: SuggestionResponse; current: { subject: string; body: string }; stale: boolean; onAccept(): void; onReject(): void }) {
  const { suggestion, confidence, options } = props.glow;
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

/** The recipient's suppression (null: none), or why the list could not be checked. */
async function suppressionOf(email: string | undefined): Promise<{ reason: string } | null | string> {
  if (!email) return null;
  const res = await ask({ type: 'suppression.check', email });
  return res.ok ? res.data.suppression : describeError(res.error);
}

/** The Idempotency-Key of a draft's send. */
export function sendKeyOf(draftId: string): string {
  return `lumina-send-${draftId}`;
}

function escapeHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc.split(/\n/).map((l) => `<div>${l || '<br>'}</div>`).join('');
}
