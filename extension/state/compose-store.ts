import { createStore } from 'zustand/vanilla';
import type { ScoreResult } from '../../shared/score/score-email';
import { initialGlow, type GlowState } from '../../shared/glow';
import type { Email } from '../../shared/contracts/emails';

export interface ComposeState {
  draftId: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  to: string[];
  score: ScoreResult;
  saved: 'unsaved' | 'saved' | 'restored';
  version: number;
  /** The Glow (DESIGN §3), driven only through shared/glow.ts's reducer by the compose session. */
  glow: GlowState;
  /** Whether the server has an AI provider (asked when the panel mounts); `unknown` until it answers. */
  ai: { state: 'unknown' | 'on' | 'off'; hint?: string };
  /** The first-run card: what Lumina does and where to sign in; shown until dismissed (or while signed out). */
  intro?: 'first-run' | 'signed-out';
  /** A streamed generate's text as it arrives, while the Glow is thinking. */
  streamed?: string;
  track: { opens: boolean; clicks: boolean };
  sendAt: string;
  /** The tone the AI buttons (and the Rewrite shortcut) ask for. */
  tone: 'friendly' | 'formal' | 'concise' | 'confident';
  /** Folded, the panel is a small badge (name and score) that never covers the compose. */
  folded: boolean;
  /** The sequence the recipient was added to from this compose: the email is sent under it. */
  sequence?: { campaignId: string; name: string };
  /** The template last inserted into this compose: the send names it, so its figures count the email. */
  templateId?: string;
  /**
   * "Send with Lumina": `checking` shows what blocks (no "Send anyway") or warns; `accepted`
   * means the API holds the email, and `email` is its latest known state, followed live.
   */
  send: { state: 'idle' | 'checking' | 'sending' | 'accepted' | 'error'; message?: string; blocking?: string[]; warnings?: string[]; emailId?: string; email?: Pick<Email, 'status' | 'scheduledAt' | 'nextAttemptAt' | 'sentAt' | 'failureReason'> };
}

export type ComposeStore = ReturnType<typeof createComposeStore>;

export function createComposeStore(initial: Pick<ComposeState, 'draftId' | 'subject' | 'bodyText' | 'bodyHtml' | 'to' | 'score'>) {
  return createStore<ComposeState>(() => ({
    ...initial,
    saved: 'unsaved',
    version: 0,
    glow: initialGlow,
    ai: { state: 'unknown' },
    track: { opens: true, clicks: true },
    sendAt: '',
    tone: 'concise',
    folded: false,
    send: { state: 'idle' },
  }));
}

/** The draft fingerprint a suggestion is tied to. */
export function draftFingerprint(s: { subject: string; bodyText: string }): string {
  return `${s.subject.length}:${s.bodyText.length}:${s.subject}\u0000${s.bodyText}`;
}
