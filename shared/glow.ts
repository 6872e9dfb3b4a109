import { threeWayMerge } from './glow-merge';

/**
 * The Glow state machine (DESIGN.md invariant 3): `idle → thinking → ready → stale | applied`,
 * and back to `idle` on reject, dismiss or undo. A suggestion turns stale when the draft's
 * hash moves away from the one it was asked for, and is applied only by an explicit accept.
 * Accept never overwrites an edit: a ready suggestion replaces exactly the text it was
 * computed from; a stale one applies only as a clean three-way merge around the rep's
 * edits, and otherwise must be asked for again. Pure: the extension keeps the state in
 * its store and feeds events in.
 */

/** A draft's text as the rep sees it. */
export interface DraftText {
  subject: string;
  body: string;
}

export interface GlowSuggestion {
  subject?: string;
  body?: string;
  options?: string[];
}

export interface GlowResult {
  suggestion: GlowSuggestion;
  /**
   * 0..1, the model's own confidence; null when the model gave none (a streamed generate is
   * plain text, and the number the API sends then is the heuristic score of the result,
   * which must not be shown as the model's).
   */
  confidence: number | null;
  inputHash: string;
  model: string;
  cached: boolean;
}

/** Kept on `idle` after a suggestion is accepted, rejected or dismissed, so the UI can send feedback once. */
export interface GlowOutcome {
  inputHash: string;
  action: 'accepted' | 'rejected' | 'dismissed';
}

/** The draft a request was computed from (absent on states restored from older builds). */
type Based = { base?: DraftText };

export type GlowState =
  | { status: 'idle'; last?: GlowOutcome; error?: { code: string; message: string } }
  | ({ status: 'thinking'; requestId: string; task: string; draftHash: string; currentHash: string } & Based)
  | ({ status: 'ready'; requestId: string; task: string; draftHash: string } & GlowResult & Based)
  | ({ status: 'stale'; requestId: string; task: string; draftHash: string; currentHash: string } & GlowResult & Based)
  /** `before`: the rep's text the accept replaced (what Undo restores); `after`: what it wrote. */
  | ({ status: 'applied'; requestId: string; task: string; draftHash: string; before: DraftText; after: DraftText; merged: boolean } & GlowResult & Based);

export type GlowEvent =
  /** The rep asked for a suggestion on the draft whose hash is `draftHash`. */
  | { type: 'REQUEST'; requestId: string; task: string; draftHash: string; draft?: DraftText }
  | ({ type: 'RESULT'; requestId: string } & GlowResult)
  | { type: 'FAIL'; requestId: string; code: string; message: string }
  /** The rep typed: the draft now hashes to `draftHash`. */
  | { type: 'DRAFT_CHANGED'; draftHash: string }
  /** `current`: the draft on screen now; `option`: which of the subject lines (subject-lines task). */
  | { type: 'ACCEPT'; current: DraftText; option?: number }
  /** Put the rep's own text back after an accept. */
  | { type: 'UNDO' }
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
      return { status: 'thinking', requestId: event.requestId, task: event.task, draftHash: event.draftHash, currentHash: event.draftHash, ...(event.draft ? { base: event.draft } : {}) };
    case 'RESULT': {
      if (state.status !== 'thinking' || state.requestId !== event.requestId) return state;
      const { type: _type, requestId, ...result } = event;
      const base = { requestId, task: state.task, draftHash: state.draftHash, ...result, ...(state.base ? { base: state.base } : {}) };
      // The rep kept typing while we were thinking: the answer is already out of date.
      return state.currentHash === state.draftHash ? { status: 'ready', ...base } : { status: 'stale', ...base, currentHash: state.currentHash };
    }
    case 'FAIL':
      if (state.status !== 'thinking' || state.requestId !== event.requestId) return state;
      return { status: 'idle', error: { code: event.code, message: event.message } };
    case 'DRAFT_CHANGED':
      return onDraftChanged(state, event.draftHash);
    case 'ACCEPT': {
      if (state.status !== 'ready' && state.status !== 'stale') return state;
      const plan = planAccept(state, event.current, event.option);
      if (plan.kind !== 'apply') return state;
      const { currentHash: _c, ...rest } = state as GlowState & { currentHash?: string };
      return { ...(rest as Extract<GlowState, { status: 'ready' }>), status: 'applied', before: event.current, after: plan.after, merged: plan.merged };
    }
    case 'UNDO':
      if (state.status !== 'applied') return state;
      return { status: 'idle', last: { inputHash: state.inputHash, action: 'rejected' } };
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

export type AcceptPlan =
  | { kind: 'apply'; after: DraftText; merged: boolean }
  /** Applying would overwrite what the rep wrote since: the rep asks again on the current draft. */
  | { kind: 'ask-again'; reason: string }
  | { kind: 'none' };

/**
 * What Accept would write, decided before the click so the panel can say it: a ready
 * suggestion replaces the text it was computed from; a stale one is merged around the
 * rep's edits when they touch other words, and otherwise is not applicable.
 */
export function planAccept(state: GlowState, current: DraftText, option?: number): AcceptPlan {
  if (state.status !== 'ready' && state.status !== 'stale') return { kind: 'none' };
  const s = state.suggestion;
  const subject = option !== undefined ? s.options?.[option] : s.subject;
  if (option !== undefined && subject === undefined) return { kind: 'none' };
  const target: DraftText = { subject: subject ?? current.subject, body: s.body ?? current.body };
  const base = state.base;
  const untouched = base ? base.subject === current.subject && base.body === current.body : state.status === 'ready';
  if (untouched) return { kind: 'apply', after: target, merged: false };
  if (!base) return { kind: 'ask-again', reason: 'The draft changed since you asked.' };
  // Subject: one line, no partial merge — applying is safe only if the rep left it alone (or wrote the same).
  let mergedSubject = current.subject;
  if (subject !== undefined && subject !== base.subject && current.subject !== subject) {
    if (current.subject !== base.subject) return { kind: 'ask-again', reason: 'You changed the subject this suggestion rewrites.' };
    mergedSubject = subject;
  }
  let mergedBody = current.body;
  if (s.body !== undefined) {
    const m = threeWayMerge(base.body, current.body, s.body);
    if (!m.ok) return { kind: 'ask-again', reason: 'You edited the same words this suggestion rewrites.' };
    mergedBody = m.text;
  }
  return { kind: 'apply', after: { subject: mergedSubject, body: mergedBody }, merged: true };
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
 * How the panel glows (the panel's `--intensity` and its colour): intensity follows
 * confidence, colour follows freshness. A ready suggestion always glows a little, however
 * unsure the model is, so the rep sees there is one. `none` means no glow at all.
 */
export function glowAppearance(state: GlowState): { intensity: number; tone: 'none' | 'pulse' | 'fresh' | 'stale' | 'applied' } {
  switch (state.status) {
    case 'idle':
      return { intensity: 0, tone: 'none' };
    case 'thinking':
      return { intensity: 0.5, tone: 'pulse' };
    case 'ready':
      return { intensity: shownIntensity(state.confidence), tone: 'fresh' };
    case 'stale':
      return { intensity: shownIntensity(state.confidence) * 0.5, tone: 'stale' };
    case 'applied':
      return { intensity: shownIntensity(state.confidence), tone: 'applied' };
  }
}

/** The model's confidence as a whole percentage, for a fresh suggestion that has one; undefined otherwise (nothing is shown). */
export function shownConfidence(state: GlowState): number | undefined {
  if (state.status !== 'ready' || state.confidence === null || !Number.isFinite(state.confidence)) return undefined;
  return Math.round(clamp01(state.confidence) * 100);
}

/** Without a confidence the glow is neither bright nor faint: it claims nothing. */
const NEUTRAL_INTENSITY = 0.5;
const intensityOf = (confidence: number | null) => (confidence === null ? NEUTRAL_INTENSITY : clamp01(confidence));
/** On screen even an unsure suggestion stays visible: 0.35 at confidence 0, 1 at confidence 1. */
const shownIntensity = (confidence: number | null) => 0.35 + 0.65 * intensityOf(confidence);

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);
