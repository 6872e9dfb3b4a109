/**
 * The Glow state machine (DESIGN.md invariant 3): `idle → thinking → ready → stale | applied`,
 * and back to `idle` on reject or dismiss. A suggestion turns stale when the draft's hash
 * moves away from the one it was asked for, and is applied only by an explicit accept.
 * Pure: the extension keeps the state in its store and feeds events in.
 */

export interface GlowSuggestion {
  subject?: string;
  body?: string;
  options?: string[];
}

export interface GlowResult {
  suggestion: GlowSuggestion;
  confidence: number;
  inputHash: string;
  model: string;
  cached: boolean;
}

/** Kept on `idle` after a suggestion is accepted, rejected or dismissed, so the UI can send feedback once. */
export interface GlowOutcome {
  inputHash: string;
  action: 'accepted' | 'rejected' | 'dismissed';
}

export type GlowState =
  | { status: 'idle'; last?: GlowOutcome; error?: { code: string; message: string } }
  | { status: 'thinking'; requestId: string; task: string; draftHash: string; currentHash: string }
  | ({ status: 'ready'; requestId: string; task: string; draftHash: string } & GlowResult)
  | ({ status: 'stale'; requestId: string; task: string; draftHash: string; currentHash: string } & GlowResult)
  | ({ status: 'applied'; requestId: string; task: string; draftHash: string } & GlowResult);

export type GlowEvent =
  /** The rep asked for a suggestion on the draft whose hash is `draftHash`. */
  | { type: 'REQUEST'; requestId: string; task: string; draftHash: string }
  | ({ type: 'RESULT'; requestId: string } & GlowResult)
  | { type: 'FAIL'; requestId: string; code: string; message: string }
  /** The rep typed: the draft now hashes to `draftHash`. */
  | { type: 'DRAFT_CHANGED'; draftHash: string }
  | { type: 'ACCEPT' }
  | { type: 'REJECT' }
  | { type: 'DISMISS' };

export const initialGlow: GlowState = { status: 'idle' };

/**
 * Next state for an event. Events that do not apply in the current state (a late answer
 * to a superseded request, an accept while thinking) return the very same state object,
 * so a store can skip re-rendering.
 */
export function glowReducer(state: GlowState, event: GlowEvent): GlowState {
  switch (event.type) {
    case 'REQUEST':
      return { status: 'thinking', requestId: event.requestId, task: event.task, draftHash: event.draftHash, currentHash: event.draftHash };
    case 'RESULT': {
      if (state.status !== 'thinking' || state.requestId !== event.requestId) return state;
      const { type: _type, requestId, ...result } = event;
      const base = { requestId, task: state.task, draftHash: state.draftHash, ...result };
      // The rep kept typing while we were thinking: the answer is already out of date.
      return state.currentHash === state.draftHash ? { status: 'ready', ...base } : { status: 'stale', ...base, currentHash: state.currentHash };
    }
    case 'FAIL':
      if (state.status !== 'thinking' || state.requestId !== event.requestId) return state;
      return { status: 'idle', error: { code: event.code, message: event.message } };
    case 'DRAFT_CHANGED':
      return onDraftChanged(state, event.draftHash);
    case 'ACCEPT':
      if (state.status !== 'ready') return state;
      return { ...state, status: 'applied' };
    case 'REJECT':
      if (state.status !== 'ready' && state.status !== 'stale') return state;
      return { status: 'idle', last: { inputHash: state.inputHash, action: 'rejected' } };
    case 'DISMISS':
      if (state.status === 'idle') return state.error || state.last ? { status: 'idle' } : state;
      if (state.status === 'thinking') return { status: 'idle' };
      if (state.status === 'applied') return { status: 'idle', last: { inputHash: state.inputHash, action: 'accepted' } };
      return { status: 'idle', last: { inputHash: state.inputHash, action: 'dismissed' } };
  }
}

function onDraftChanged(state: GlowState, hash: string): GlowState {
  switch (state.status) {
    case 'thinking':
      return hash === state.currentHash ? state : { ...state, currentHash: hash };
    case 'ready':
      return hash === state.draftHash ? state : { ...state, status: 'stale', currentHash: hash };
    case 'stale':
      // Undoing the edits brings the suggestion back to life.
      if (hash === state.draftHash) {
        const { currentHash: _c, ...rest } = state;
        return { ...rest, status: 'ready' };
      }
      return hash === state.currentHash ? state : { ...state, currentHash: hash };
    default:
      // idle has nothing to age; applied changed the draft itself.
      return state;
  }
}

/**
 * How the panel glows: intensity follows confidence, colour follows freshness. `none`
 * means no glow at all.
 */
export function glowAppearance(state: GlowState): { intensity: number; tone: 'none' | 'pulse' | 'fresh' | 'stale' | 'applied' } {
  switch (state.status) {
    case 'idle':
      return { intensity: 0, tone: 'none' };
    case 'thinking':
      return { intensity: 0.5, tone: 'pulse' };
    case 'ready':
      return { intensity: clamp01(state.confidence), tone: 'fresh' };
    case 'stale':
      return { intensity: clamp01(state.confidence) * 0.5, tone: 'stale' };
    case 'applied':
      return { intensity: clamp01(state.confidence), tone: 'applied' };
  }
}

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);
