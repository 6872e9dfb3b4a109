import { scoreEmail } from '../../shared/score/score-email';
import { htmlToPlain } from '../../shared/score/text-stats';
import type { KeyValueStore } from '../state/kv';
import { composeKey, conflictsKey, draftKey, saveLocalDraft, type ConflictCopy, type LocalDraft } from '../state/drafts';
import { createComposeStore, draftFingerprint, type ComposeStore } from '../state/compose-store';
import type { Ask } from '../state/runtime';
import { glowReducer, type GlowEvent, type GlowResult } from '../../shared/glow';
import { suggestionResponse, type SuggestionResponse } from '../../shared/contracts/ai';
import type { AiStreamEvent } from '../../shared/messages';
import { describeError } from '../state/describe-error';
import { presendWarnings } from '../ui/presend-check';
import type { ComposeHandle } from './host';

export const SAVE_DEBOUNCE_MS = 300;

/**
 * One compose window's life: find or create its local draft (restoring it after a
 * reload), score every keystroke synchronously, save ~300 ms after the rep stops, and
 * tell the service worker to sync. Typing never waits on the network.
 */
export interface ComposeSession {
  store: ComposeStore;
  /** Lumina itself wrote into the compose (accepted suggestion, template): re-read, score and save. */
  edited(): void;
  /** Writes a change still waiting for its debounce now (before a send, or as the page goes away). */
  flush(): Promise<void>;
  /** Copies of this draft that lost a sync conflict (written elsewhere), newest last. */
  keptCopies(): Promise<ConflictCopy[]>;
  /**
   * Puts a kept copy back into the compose. The text it replaces becomes a kept copy in
   * turn, so a swap never loses either side.
   */
  restoreKept(version: number): Promise<void>;
  /** Asks the AI for a suggestion on the draft as it is now; the Glow thinks, then is ready (or stale). */
  runAi(action: AiAction, tone: Tone): Promise<void>;
  /** Generate from a goal, streamed: the text shows as the model writes it, then the suggestion is ready. */
  generate(goal: string, tone: Tone): void;
  /** The explicit accept: writes a ready suggestion into the compose. */
  accept(): void;
  reject(): void;
  /** "Send with Lumina": warns first unless `confirmed`, then sends what the local draft holds. */
  send(confirmed: boolean): Promise<void>;
  /** Back to editing from the pre-send warnings. */
  cancelSend(): void;
}

export type AiAction = 'personalize' | 'rewrite' | 'subject-lines';
export type Tone = 'friendly' | 'formal' | 'concise' | 'confident';
/** How a streamed generate reaches the service worker (the extension's port; absent in unit tests). */
export type StreamGenerate = (input: Record<string, unknown>, onEvent: (event: AiStreamEvent) => void) => () => void;

export async function startComposeSession(compose: ComposeHandle, store: KeyValueStore, ask: Ask, streamGenerate?: StreamGenerate): Promise<ComposeSession> {
  const draftId = (await store.get<string>(composeKey(compose.key))) ?? crypto.randomUUID();
  await store.set({ [composeKey(compose.key)]: draftId });
  const local = await store.get<LocalDraft>(draftKey(draftId));
  const restored = local && (local.subject !== compose.getSubject() || local.bodyText !== compose.getBodyText());
  if (local && restored) {
    compose.setSubject(local.subject);
    compose.setBodyText(local.bodyText);
  }
  const read = () => ({ subject: compose.getSubject(), bodyText: compose.getBodyText(), bodyHtml: compose.getBodyHtml(), to: compose.getRecipients() });
  const now = read();
  const session = createComposeStore({ draftId, ...now, score: scoreEmail({ subject: now.subject, body: now.bodyText }) });
  if (local) session.setState({ saved: restored ? 'restored' : 'saved', version: local.version });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = async () => {
    clearTimeout(timer);
    timer = undefined;
    const s = session.getState();
    const draft = await saveLocalDraft(store, draftId, { to: s.to, cc: [], subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, threadId: compose.threadId() });
    session.setState({ saved: 'saved', version: draft.version });
    void ask({ type: 'draft.changed', id: draftId });
  };
  const edited = () => {
    const next = read();
    session.setState((s) => ({
      ...next,
      score: scoreEmail({ subject: next.subject, body: next.bodyText }),
      saved: 'unsaved',
      glow: glowReducer(s.glow, { type: 'DRAFT_CHANGED', draftHash: draftFingerprint(next) }),
    }));
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DEBOUNCE_MS);
  };
  const flush = () => (timer ? save() : Promise.resolve());
  // A reload or a closed tab inside the debounce must not drop the last keystrokes either.
  const onPageHide = () => void flush();
  window.addEventListener('pagehide', onPageHide);
  const stop = compose.onChange(edited);
  compose.onClosed(() => {
    stop();
    window.removeEventListener('pagehide', onPageHide);
    // Closing the window must not drop the last keystrokes.
    void flush();
  });
  const keptCopies = async () => (await store.get<ConflictCopy[]>(conflictsKey(draftId))) ?? [];
  const restoreKept = async (version: number) => {
    const kept = await keptCopies();
    const copy = kept.find((c) => c.version === version);
    if (!copy) return;
    const s = session.getState();
    // The text on screen has no server version: a negative one never collides with the server's.
    const replaced: ConflictCopy = { version: -Date.now(), subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, keptAt: Date.now() };
    await store.set({ [conflictsKey(draftId)]: [...kept.filter((c) => c !== copy), replaced] });
    compose.setSubject(copy.subject);
    compose.setBodyText(copy.bodyText ?? htmlToPlain(copy.bodyHtml));
    edited();
    await flush();
  };

  const glow = (event: GlowEvent) => session.setState((s) => ({ glow: glowReducer(s.glow, event) }));
  const request = (task: string) => {
    const requestId = crypto.randomUUID();
    session.setState({ streamed: undefined });
    glow({ type: 'REQUEST', requestId, task, draftHash: draftFingerprint(session.getState()) });
    return requestId;
  };
  const runAi = async (action: AiAction, tone: Tone) => {
    const { subject, bodyText } = session.getState();
    const requestId = request(action);
    const input = action === 'rewrite' ? { draft: { subject, body: bodyText }, tone } : { draft: { subject, body: bodyText } };
    const res = await ask({ type: 'ai.run', action, input });
    glow(res.ok ? { type: 'RESULT', requestId, ...glowResultOf(res.data) } : { type: 'FAIL', requestId, code: res.error.code, message: describeError(res.error) });
  };
  const generate = (goal: string, tone: Tone) => {
    const requestId = request('generate');
    session.setState({ streamed: '' });
    const to = session.getState().to[0];
    const fail = (code: string, message: string) => glow({ type: 'FAIL', requestId, code, message });
    if (!streamGenerate) return fail('NOT_AVAILABLE', 'Streaming is not available here');
    streamGenerate({ goal: goal.trim(), tone, ...(to ? { prospect: { email: to } } : {}) }, (event) => {
      const g = session.getState().glow;
      if (g.status !== 'thinking' || g.requestId !== requestId) return;
      if (event.type === 'token') return session.setState((s) => ({ streamed: (s.streamed ?? '') + event.delta }));
      if (event.type === 'error') return fail(event.error.code, describeError(event.error));
      const parsed = suggestionResponse.safeParse(event.data);
      if (!parsed.success) return fail('BAD_ANSWER', 'Unexpected answer from the AI stream');
      glow({ type: 'RESULT', requestId, ...glowResultOf(parsed.data) });
    });
  };
  const accept = () => {
    const g = session.getState().glow;
    if (g.status !== 'ready') return;
    if (g.suggestion.subject !== undefined) compose.setSubject(g.suggestion.subject);
    if (g.suggestion.body !== undefined) compose.setBodyText(g.suggestion.body);
    glow({ type: 'ACCEPT' });
    // Writing into the compose fires no input event everywhere: re-read, score and save it ourselves.
    edited();
  };
  const reject = () => glow({ type: 'REJECT' });

  let sending = false;
  const send = async (confirmed: boolean) => {
    const st = session.getState();
    if (!confirmed) {
      const warnings = presendWarnings({ ...st, suppression: await suppressionOf(st.to[0]) });
      if (warnings.length) return session.setState({ send: { state: 'checking', warnings } });
    }
    // A double click must not start a second request.
    if (sending) return;
    sending = true;
    session.setState({ send: { state: 'sending' } });
    // What is sent is what the local draft holds: a reload after the send restores exactly it.
    await flush();
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
        ...(st.templateId ? { templateId: st.templateId } : {}),
        ...(st.sendAt ? { scheduledAt: new Date(st.sendAt).toISOString() } : {}),
      },
    });
    sending = false;
    session.setState({ send: res.ok ? { state: 'sent', emailId: res.data.id, message: st.sendAt ? `Scheduled (${res.data.status}).` : `Queued to send (${res.data.status}).` } : { state: 'error', message: describeError(res.error) } });
  };
  const cancelSend = () => session.setState({ send: { state: 'idle' } });

  /** The recipient's suppression (null: none), or why the list could not be checked. */
  const suppressionOf = async (email: string | undefined): Promise<{ reason: string } | null | string> => {
    if (!email) return null;
    const res = await ask({ type: 'suppression.check', email });
    return res.ok ? res.data.suppression : describeError(res.error);
  };

  return { store: session, edited, flush, keptCopies, restoreKept, runAi, generate, accept, reject, send, cancelSend };
}

/** The Idempotency-Key of a draft's send. */
export function sendKeyOf(draftId: string): string {
  return `lumina-send-${draftId}`;
}

/** The API's suggestion in the Glow machine's terms. */
function glowResultOf(res: SuggestionResponse): GlowResult {
  return { suggestion: { ...res.suggestion, ...(res.options ? { options: res.options } : {}) }, confidence: res.confidence, inputHash: res.input_hash, model: res.model, cached: res.cached };
}

function escapeHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc.split(/\n/).map((l) => `<div>${l || '<br>'}</div>`).join('');
}
