import { createStore } from 'zustand/vanilla';
import type { ScoreResult } from '../../shared/score/score-email';
import type { SuggestionResponse } from '../../shared/contracts/ai';

/** Glow states (DESIGN §3): a suggestion turns stale when the draft changes after the request. */
export type GlowState = 'idle' | 'thinking' | 'ready' | 'stale' | 'applied';

export interface GlowSlice {
  state: GlowState;
  action?: string;
  /** The draft fingerprint the suggestion was asked for. */
  requestedFor?: string;
  suggestion?: SuggestionResponse;
  message?: string;
  /** A streamed answer as it arrives, while thinking. */
  streamed?: string;
}

export interface ComposeState {
  draftId: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  to: string[];
  score: ScoreResult;
  saved: 'unsaved' | 'saved' | 'restored';
  version: number;
  glow: GlowSlice;
  track: { opens: boolean; clicks: boolean };
  sendAt: string;
  /** The sequence the recipient was added to from this compose: the email is sent under it. */
  sequence?: { campaignId: string; name: string };
  send: { state: 'idle' | 'checking' | 'sending' | 'sent' | 'error'; message?: string; warnings?: string[]; emailId?: string };
}

export type ComposeStore = ReturnType<typeof createComposeStore>;

export function createComposeStore(initial: Pick<ComposeState, 'draftId' | 'subject' | 'bodyText' | 'bodyHtml' | 'to' | 'score'>) {
  return createStore<ComposeState>(() => ({
    ...initial,
    saved: 'unsaved',
    version: 0,
    glow: { state: 'idle' },
    track: { opens: true, clicks: true },
    sendAt: '',
    send: { state: 'idle' },
  }));
}

/** The draft fingerprint a suggestion is tied to. */
export function draftFingerprint(s: { subject: string; bodyText: string }): string {
  return `${s.subject.length}:${s.bodyText.length}:${s.subject}\u0000${s.bodyText}`;
}

/** An edit after a suggestion arrived makes it stale; nothing else changes the Glow state. */
export function glowAfterEdit(glow: GlowSlice, fingerprint: string): GlowSlice {
  if (glow.state === 'ready' && glow.requestedFor !== fingerprint) return { ...glow, state: 'stale' };
  return glow;
}
