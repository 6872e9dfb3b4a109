import { scoreEmail } from '../../shared/score/score-email';
import { htmlToPlain } from '../../shared/html-plain';
import type { KeyValueStore } from '../state/kv';
import { composeKey, conflictsKey, draftKey, saveLocalDraft, sentKey, type ConflictCopy, type LocalDraft, type SentMark } from '../state/drafts';
import { createComposeStore, draftFingerprint, type ComposeState, type ComposeStore } from '../state/compose-store';
import { shortcutOf, type ShortcutAction } from '../ui/shortcuts';
import type { Ask } from '../state/runtime';
import { glowReducer, planAccept, type DraftText, type GlowEvent, type GlowResult } from '../../shared/glow';
import { threeWayMerge } from '../../shared/glow-merge';
import { textToHtml } from '../../shared/text-to-html';
import { suggestionResponse, type SuggestionResponse } from '../../shared/contracts/ai';
import type { AiStreamEvent } from '../../shared/messages';
import { describeError } from '../state/describe-error';
import { presendCheck } from '../ui/presend-check';
import { sendWords } from '../ui/send-words';
import type { Email } from '../../shared/contracts/emails';
import type { ComposeHandle } from './host';
import { SESSION_KEY } from '../state/session';

export const SAVE_DEBOUNCE_MS = 300;
/** Set once the rep dismissed the first-run card. */
export const INTRO_SEEN_KEY = 'introSeen';

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
  /**
   * The explicit accept: writes the suggestion into the compose — over exactly the text it
   * was computed from, or merged around the rep's later edits; never over them. `option`:
   * which of the subject lines.
   */
  accept(option?: number): void;
  /** Re-runs the last request on the draft as it is now (a stale suggestion's way forward). */
  askAgain(): void;
  /** Puts back the rep's own text after an accept (also Ctrl/Cmd+Z in the compose). */
  undo(): void;
  reject(): void;
  /** A Glow keyboard shortcut (see ui/shortcuts.ts); true when it did something. */
  shortcut(action: ShortcutAction): boolean;
  /** Handles a key press in the compose or the panel: ours are acted on and go no further. */
  onShortcutKey(e: KeyboardEvent): void;
  /** "Send with Lumina": warns first unless `confirmed`, then sends what the local draft holds. */
  send(confirmed: boolean): Promise<void>;
  /** Back to editing from the pre-send warnings. */
  cancelSend(): void;
  /** Cancels the accepted send while it still waits (a scheduled one). */
  cancelScheduled(): Promise<void>;
  /** Stops polling the sent email's state (the page is going away). */
  stopFollowing(): void;
  /** Hides the first-run card for good. */
  dismissIntro(): void;
  /** Opens Lumina's options page (sign-in, API address). */
  openOptions(): void;
  /** The API took the email: the compose can close, the status lives on outside it. */
  onSent(handler: (emailId: string) => void): void;
}

export type AiAction = 'personalize' | 'rewrite' | 'subject-lines';
export type Tone = ComposeState['tone'];
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
  let saving: Promise<void> | undefined;
  const save = async () => {
    clearTimeout(timer);
    timer = undefined;
    const s = session.getState();
    const write = saveLocalDraft(store, draftId, { to: s.to, cc: [], subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, threadId: compose.threadId() });
    saving = write.then(() => undefined);
    const draft = await write;
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
  // Also waits for a save already under way, so whoever reads the local draft next reads the last keystroke.
  const flush = () => (timer ? save() : (saving ?? Promise.resolve()));
  // A reload or a closed tab inside the debounce must not drop the last keystrokes either.
  const onPageHide = () => void flush();
  window.addEventListener('pagehide', onPageHide);
  // First run (or signed out): say what Lumina does and where to sign in, instead of letting a button fail.
  void Promise.all([store.get(SESSION_KEY), store.get<boolean>(INTRO_SEEN_KEY)]).then(([signedIn, seen]) => {
    if (!signedIn) session.setState({ intro: 'signed-out' });
    else if (!seen) session.setState({ intro: 'first-run' });
  });
  // AI availability is known when the panel mounts: without a provider the AI buttons say why instead of failing.
  void ask({ type: 'capabilities.get' }).then((r) => {
    if (r.ok && r.data?.ai) session.setState({ ai: r.data.ai.configured ? { state: 'on' } : { state: 'off', hint: r.data.ai.hint ?? 'AI writing is off on this Lumina server.' } });
  });
  // The rep sent with Gmail's own Send: the mailbox's budget counts it (light mode has no other way to know).
  compose.onGmailSent((sent) => {
    const report = () =>
      ask({ type: 'manualSend.report', ...(sent.account ? { account: sent.account } : {}), report: { gmailMessageId: sent.messageId, ...(sent.threadId ? { threadId: sent.threadId } : {}) } });
    if (!sent.guessed) return void report();
    // An id of our own would be counted a second time by full mode's inbox sync, which reads Gmail's.
    void ask({ type: 'session.get' }).then((r) => {
      if (r.ok && r.data.session?.workspace.gmailMode === 'light') void report();
    });
  });
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
    const st = session.getState();
    glow({ type: 'REQUEST', requestId, task, draftHash: draftFingerprint(st), draft: { subject: st.subject, body: st.bodyText } });
    return requestId;
  };
  let lastRun: (() => void) | undefined;
  const runAi = async (action: AiAction, tone: Tone) => {
    lastRun = () => void runAi(action, tone);
    const { subject, bodyText } = session.getState();
    const requestId = request(action);
    const input = action === 'rewrite' ? { draft: { subject, body: bodyText }, tone } : { draft: { subject, body: bodyText } };
    const res = await ask({ type: 'ai.run', action, input });
    glow(res.ok ? { type: 'RESULT', requestId, ...glowResultOf(res.data) } : { type: 'FAIL', requestId, code: res.error.code, message: describeError(res.error) });
  };
  const generate = (goal: string, tone: Tone) => {
    lastRun = () => generate(goal, tone);
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
      // The stream's number is the heuristic score of the text, not the model's confidence: none is kept.
      glow({ type: 'RESULT', requestId, ...glowResultOf(parsed.data), confidence: null });
    });
  };
  const onScreen = (): DraftText => ({ subject: compose.getSubject(), body: compose.getBodyText() });
  const write = (text: DraftText) => {
    const now = onScreen();
    if (text.subject !== now.subject) compose.setSubject(text.subject);
    if (text.body !== now.body) compose.setBodyText(text.body);
    // Writing into the compose fires no input event everywhere: re-read, score and save it ourselves.
    edited();
  };
  const accept = (option?: number) => {
    glow({ type: 'ACCEPT', current: onScreen(), option });
    const g = session.getState().glow;
    if (g.status === 'applied') write(g.after);
  };
  const askAgain = () => lastRun?.();
  const undo = () => {
    const g = session.getState().glow;
    if (g.status !== 'applied') return;
    const now = onScreen();
    glow({ type: 'UNDO' });
    if (sameText(now, g.after)) return write(g.before);
    // The rep kept writing after the accept: take back only what the suggestion changed.
    const body = threeWayMerge(g.after.body, now.body, g.before.body);
    const subject = now.subject === g.after.subject ? g.before.subject : now.subject;
    if (body.ok) return write({ subject, body: body.text });
    // The later edits sit on the suggestion's own words: keep them as a copy, then restore.
    void keptCopies().then(async (kept) => {
      const s = session.getState();
      await store.set({ [conflictsKey(draftId)]: [...kept, { version: -Date.now(), subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, keptAt: Date.now() }] });
      write(g.before);
    });
  };
  const shortcut = (action: ShortcutAction): boolean => {
    const st = session.getState();
    const g = st.glow;
    switch (action) {
      case 'fold':
        session.setState({ folded: !st.folded });
        return true;
      case 'rewrite':
        if (st.ai.state === 'off' || g.status === 'thinking') return false;
        void runAi('rewrite', st.tone);
        return true;
      case 'accept': {
        if (g.status !== 'ready' && g.status !== 'stale') return false;
        // Subject lines: the first one, as its "Use" button would.
        const option = g.suggestion.options?.length ? 0 : undefined;
        if (planAccept(g, onScreen(), option).kind === 'apply') accept(option);
        else askAgain();
        return true;
      }
      case 'reject':
        if (g.status !== 'ready' && g.status !== 'stale') return false;
        reject();
        return true;
      case 'send':
        if (st.send.state === 'sending' || st.send.state === 'accepted') return false;
        void send(false);
        return true;
    }
  };
  const onShortcutKey = (e: KeyboardEvent) => {
    // Seen once: the compose listens in capture, the panel may sit inside the compose.
    if (e.defaultPrevented) return;
    const action = shortcutOf(e);
    if (!action || !shortcut(action)) return;
    e.preventDefault();
    e.stopPropagation();
  };
  const stopKeys = compose.onKeydown((e) => {
    onShortcutKey(e);
    if (e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return;
    const g = session.getState().glow;
    // Only right after an accept: any other Ctrl/Cmd+Z is Gmail's own undo.
    if (g.status !== 'applied' || !sameText(onScreen(), g.after)) return;
    e.preventDefault();
    e.stopPropagation();
    undo();
  });
  compose.onClosed(stopKeys);
  const reject = () => glow({ type: 'REJECT' });

  let sending = false;
  const sentHandlers: Array<(emailId: string) => void> = [];
  const send = async (confirmed: boolean) => {
    const st = session.getState();
    // Already with the API: a second click (or a reopened compose) never sends again.
    if (st.send.state === 'accepted' || sending) return;
    const [suppression, mailboxes] = await Promise.all([suppressionOf(st.to[0]), mailboxCount()]);
    const check = presendCheck({ ...st, suppression, mailboxes });
    // What the server would refuse is said, never offered as "Send anyway".
    if (check.blocking.length) return session.setState({ send: { state: 'checking', blocking: check.blocking, warnings: check.warnings } });
    if (!confirmed && check.warnings.length) return session.setState({ send: { state: 'checking', blocking: [], warnings: check.warnings } });
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
        bodyHtml: st.bodyHtml || textToHtml(st.bodyText),
        bodyText: st.bodyText,
        draftId: st.draftId,
        track: st.track,
        ...(st.sequence ? { campaignId: st.sequence.campaignId } : {}),
        ...(st.templateId ? { templateId: st.templateId } : {}),
        ...(st.sendAt ? { scheduledAt: new Date(st.sendAt).toISOString() } : {}),
      },
    });
    sending = false;
    if (!res.ok) return session.setState({ send: { state: 'error', message: describeError(res.error) } });
    await store.set({ [sentKey(draftId)]: { emailId: res.data.id, at: Date.now() } satisfies SentMark });
    const scheduledAt = st.sendAt ? new Date(st.sendAt).toISOString() : null;
    accepted(res.data.id, { status: 'PENDING_SEND', scheduledAt, nextAttemptAt: null, sentAt: null, failureReason: null });
    for (const h of sentHandlers) h(res.data.id);
  };
  const cancelSend = () => session.setState({ send: { state: 'idle' } });

  // ---- following the email after the API took it --------------------------------------
  let follow: ReturnType<typeof setTimeout> | undefined;
  const accepted = (emailId: string, email?: EmailState) => {
    session.setState({ send: { state: 'accepted', emailId, ...(email ? { email } : {}) } });
    clearTimeout(follow);
    follow = setTimeout(() => void poll(emailId, 0), 500);
  };
  /** Polls the email until nothing more will happen to it: quickly while it goes out, slowly while it waits for its time. */
  const poll = async (emailId: string, round: number) => {
    const res = await ask({ type: 'email.get', emailId });
    if (res.ok) session.setState((s) => ({ send: { ...s.send, email: res.data } }));
    const email = session.getState().send.email;
    if (email && sendWords(email).final) return;
    const waiting = email?.status === 'PENDING_SEND' && email.scheduledAt && Date.parse(email.scheduledAt) > Date.now() + 60_000;
    follow = setTimeout(() => void poll(emailId, round + 1), waiting ? 30_000 : Math.min(5_000, 700 + round * 300));
  };
  const cancelScheduled = async () => {
    const { emailId } = session.getState().send;
    if (!emailId) return;
    const res = await ask({ type: 'email.cancel', emailId });
    if (res.ok) session.setState((s) => ({ send: { ...s.send, email: res.data } }));
    else session.setState((s) => ({ send: { ...s.send, message: describeError(res.error) } }));
  };
  const stopFollowing = () => clearTimeout(follow);
  // A compose reopened on a draft Lumina already sent shows that email, not a second Send.
  const mark = await store.get<SentMark>(sentKey(draftId));
  if (mark) accepted(mark.emailId);

  /** Connected mailboxes, or undefined when the list could not be read (then the server decides). */
  const mailboxCount = async (): Promise<number | undefined> => {
    const res = await ask({ type: 'mailboxes.list' });
    return res.ok && Array.isArray(res.data?.data) ? res.data.data.length : undefined;
  };

  /** The recipient's suppression (null: none), or why the list could not be checked. */
  const suppressionOf = async (email: string | undefined): Promise<{ reason: string } | null | string> => {
    if (!email) return null;
    const res = await ask({ type: 'suppression.check', email });
    return res.ok ? res.data.suppression : describeError(res.error);
  };

  const dismissIntro = () => {
    session.setState({ intro: undefined });
    void store.set({ [INTRO_SEEN_KEY]: true });
  };
  const openOptions = () => void ask({ type: 'options.open' });

  return {
    store: session, dismissIntro, openOptions, edited, flush, keptCopies, restoreKept, runAi, generate, accept, askAgain, undo, reject, shortcut, onShortcutKey, send, cancelSend, cancelScheduled, stopFollowing,
    onSent: (h) => void sentHandlers.push(h),
  };
}

type EmailState = Pick<Email, 'status' | 'scheduledAt' | 'nextAttemptAt' | 'sentAt' | 'failureReason'>;

/** Same text for the rep: Gmail's compose trims and folds blank lines when text becomes paragraphs. */
function sameText(a: DraftText, b: DraftText): boolean {
  const norm = (t: string) => t.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return a.subject === b.subject && norm(a.body) === norm(b.body);
}

/** The Idempotency-Key of a draft's send. */
export function sendKeyOf(draftId: string): string {
  return `lumina-send-${draftId}`;
}

/** The API's suggestion in the Glow machine's terms. */
function glowResultOf(res: SuggestionResponse): GlowResult {
  return { suggestion: { ...res.suggestion, ...(res.options ? { options: res.options } : {}) }, confidence: res.confidence, inputHash: res.input_hash, model: res.model, cached: res.cached };
}
