/**
 * How the DOM host tells a real Gmail send from everything else a compose window does, without
 * InboxSDK's `sent` event. Kept apart from the DOM (the host feeds it what it sees), so the rules
 * are tested on their own:
 *
 * - a send starts with Gmail's own Send: its button or Ctrl/⌘+Enter in the compose (`pressed`).
 *   Lumina's own send never presses it (it closes the compose instead), so it is never counted;
 * - it is confirmed by Gmail's "Message sent" notice, or by the compose going away soon after;
 * - Discard or Close pressed after it, or the compose still open a while later (Gmail refused:
 *   no recipient, a bad address), and it was no send;
 * - while the notice offers Undo, nothing is reported: Undo takes the send back;
 * - the notice's "View message" link names the message; without it, a made-up id (`fallbackId`)
 *   that stays the same for this send, so reporting it again counts it once.
 */
export interface SendWatchOptions {
  /** Called once per confirmed send. `guessed`: the id is ours, Gmail did not show its own. */
  report(sent: { messageId: string; guessed: boolean }): void;
  /** The id of this send when Gmail shows none (called once, when the send is confirmed). */
  fallbackId(): Promise<string>;
  /** How long after Send the compose may stay open and it still be a send (Gmail is checking). */
  confirmMs?: number;
  /** How long after the compose went the notice may take to show up (and name the message). */
  noticeMs?: number;
  /** The longest Gmail offers Undo (its setting goes up to 30 s). */
  undoMs?: number;
}

export interface SendWatch {
  /** Gmail's Send was pressed in this compose. */
  pressed(): void;
  /** Discard or Close was pressed: what follows is no send. */
  discarded(): void;
  /** The compose window left the page. */
  composeGone(): void;
  /** Gmail's "Message sent" notice, with the message's id when its link names one, and whether Undo is on offer. */
  notice(messageId: string | undefined, undoable: boolean): void;
  /** Undo is no longer on offer (its time ran out, or the notice went). */
  noticeSettled(): void;
  /** Undo was pressed: the message was not sent. */
  undone(): void;
  /** The page is going (a reload, the tab closed) while Undo is still offered: Gmail sends it anyway, report it now. */
  pageHidden(): void;
  /** Whether a send was pressed and is not yet settled (the host gives such a compose the notice). */
  waitingForNotice(): boolean;
  /** Stops for good (the compose was handed over to InboxSDK, which reports its sends itself). */
  stop(): void;
}

type State =
  | { kind: 'idle' }
  | { kind: 'pressed'; goneAt?: number }
  | { kind: 'noticed'; messageId?: string }
  | { kind: 'done' };

export function createSendWatch({ report, fallbackId, confirmMs = 8_000, noticeMs = 4_000, undoMs = 35_000 }: SendWatchOptions): SendWatch {
  let state: State = { kind: 'idle' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = (ms: number, then: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(then, ms);
  };
  const reset = () => {
    clearTimeout(timer);
    state = { kind: 'idle' };
  };
  const finish = (messageId: string | undefined) => {
    clearTimeout(timer);
    state = { kind: 'done' };
    if (messageId) report({ messageId, guessed: false });
    else void fallbackId().then((id) => report({ messageId: id, guessed: true }));
  };
  return {
    pressed() {
      if (state.kind !== 'idle') return; // a second click while Gmail is sending is the same send
      state = { kind: 'pressed' };
      // Still open after a while: Gmail refused it (and says why in the compose).
      wait(confirmMs, reset);
    },
    discarded() {
      if (state.kind === 'pressed' && state.goneAt === undefined) reset();
    },
    composeGone() {
      if (state.kind !== 'pressed' || state.goneAt !== undefined) return;
      state = { kind: 'pressed', goneAt: Date.now() };
      // Gone without a notice showing up (a Gmail in another language, a notice we cannot read): still a send.
      wait(noticeMs, () => finish(undefined));
    },
    notice(messageId, undoable) {
      if (state.kind !== 'pressed') return;
      if (!undoable) return finish(messageId);
      state = { kind: 'noticed', ...(messageId ? { messageId } : {}) };
      wait(undoMs, () => finish(messageId));
    },
    noticeSettled() {
      if (state.kind === 'noticed') finish(state.messageId);
    },
    pageHidden() {
      if (state.kind === 'noticed') finish(state.messageId);
    },
    undone() {
      if (state.kind === 'noticed' || state.kind === 'pressed') reset();
    },
    waitingForNotice: () => state.kind === 'pressed' || state.kind === 'noticed',
    stop() {
      clearTimeout(timer);
      state = { kind: 'done' };
    },
  };
}

/**
 * Gmail's id of the sent message (16 hex digits), from the "View message" link of the notice:
 * `param="#thread-f:…|msg-f:<decimal>"` (the decimal form of the same id), else a URL ending in
 * the hex id (`#sent/18f…`, `?th=18f…`). Undefined when neither is there.
 */
export function gmailIdFromLink(...texts: Array<string | null | undefined>): string | undefined {
  for (const text of texts) {
    const decimal = text?.match(/msg-f:(\d{1,20})/)?.[1];
    if (decimal) return BigInt(decimal).toString(16).padStart(16, '0');
  }
  for (const text of texts) {
    const hex = text?.match(/(?:[#/]|[?&](?:th|message_id)=)([0-9a-f]{16})(?:[?&#/]|$)/i)?.[1];
    if (hex) return hex.toLowerCase();
  }
  return undefined;
}

/**
 * Lumina's id for a send Gmail did not name: 24 hex digits (never one of Gmail's 16), the same
 * for the same draft of the same account (Gmail's draft id survives an Undo and a resend), else
 * for this compose window at the moment Send was pressed.
 */
export async function fallbackSendId(parts: { account?: string; draftId?: string; composeId?: string; pressedAt: number }): Promise<string> {
  const draft = parts.draftId && parts.draftId !== 'undefined' ? parts.draftId : undefined;
  const basis = draft ? `draft|${parts.account ?? ''}|${draft}` : `compose|${parts.account ?? ''}|${parts.composeId ?? ''}|${parts.pressedAt}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(basis));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
