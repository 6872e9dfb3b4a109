import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { glowAppearance, glowReducer, shownConfidence, initialGlow, planAccept, type DraftText, type GlowEvent, type GlowState } from './glow';

const result = { suggestion: { body: 'Hi Ada' }, confidence: 0.8, inputHash: 'h1', model: 'm', cached: false };
const run = (events: GlowEvent[], from: GlowState = initialGlow) => events.reduce(glowReducer, from);
const ask = (requestId = 'r1', draftHash = 'd1', draft?: DraftText): GlowEvent => ({ type: 'REQUEST', requestId, task: 'rewrite', draftHash, ...(draft ? { draft } : {}) });
const typed = { subject: 'Hi', body: 'Hello Ada' };
const accept = (current: DraftText = typed, option?: number): GlowEvent => ({ type: 'ACCEPT', current, ...(option !== undefined ? { option } : {}) });
const answer = (requestId = 'r1'): GlowEvent => ({ type: 'RESULT', requestId, ...result });

describe('glow state machine', () => {
  it('idle → thinking → ready → applied by an explicit accept', () => {
    const thinking = run([ask()]);
    expect(thinking.status).toBe('thinking');
    const ready = glowReducer(thinking, answer());
    expect(ready).toMatchObject({ status: 'ready', draftHash: 'd1', suggestion: { body: 'Hi Ada' }, confidence: 0.8 });
    const applied = glowReducer(ready, accept());
    expect(applied.status).toBe('applied');
    expect(glowReducer(applied, { type: 'DISMISS' })).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'accepted' } });
  });

  it('ready turns stale when the draft hash changes, and back when the edit is undone', () => {
    const stale = run([ask(), answer(), { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    expect(stale).toMatchObject({ status: 'stale', currentHash: 'd2' });
    expect(glowReducer(stale, { type: 'DRAFT_CHANGED', draftHash: 'd1' }).status).toBe('ready');
  });

  it('a stale suggestion cannot be applied over the edit; it must be asked for again', () => {
    const stale = run([ask(), answer(), { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    expect(glowReducer(stale, accept())).toBe(stale);
    expect(planAccept(stale, typed)).toMatchObject({ kind: 'ask-again' });
    expect(glowReducer(stale, ask('r2', 'd2')).status).toBe('thinking');
  });

  const base = { subject: 'Hi', body: 'Hi Ada, we help teams ramp. Would Thursday work?' };
  const suggestion = { ...result, suggestion: { body: 'Hi Ada, we help SDR teams ramp twice as fast. Would Thursday work?' } };

  it('a stale suggestion whose changes miss the rep\'s edit applies as a merge that keeps the edit', () => {
    const current = { subject: 'Hi', body: 'Hi Ada, we help teams ramp. Would Thursday at 10 work?' };
    const stale = run([ask('r1', 'd1', base), { type: 'RESULT', requestId: 'r1', ...suggestion }, { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    const applied = glowReducer(stale, accept(current));
    expect(applied).toMatchObject({
      status: 'applied',
      merged: true,
      before: current,
      after: { subject: 'Hi', body: 'Hi Ada, we help SDR teams ramp twice as fast. Would Thursday at 10 work?' },
    });
    // Undo goes back to idle; the session restores `before`.
    expect(glowReducer(applied, { type: 'UNDO' })).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'rejected' } });
  });

  it('a stale suggestion that rewrites the words the rep edited is not applicable', () => {
    const current = { subject: 'Hi', body: 'Hi Ada, we help sales teams ramp. Would Thursday work?' };
    const stale = run([ask('r1', 'd1', base), { type: 'RESULT', requestId: 'r1', ...suggestion }, { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    expect(planAccept(stale, current)).toEqual({ kind: 'ask-again', reason: 'You edited the same words this suggestion rewrites.' });
    expect(glowReducer(stale, accept(current))).toBe(stale);
  });

  it('each subject line applies, and only an existing one', () => {
    const ready = run([ask('r1', 'd1', base), { type: 'RESULT', requestId: 'r1', ...result, suggestion: { subject: 'A', options: ['A', 'B', 'C'] } }]);
    expect(glowReducer(ready, accept(base, 2))).toMatchObject({ status: 'applied', after: { subject: 'C', body: base.body } });
    expect(glowReducer(ready, accept(base, 5))).toBe(ready);
  });

  it('an answer to a draft that changed while thinking arrives stale', () => {
    expect(run([ask(), { type: 'DRAFT_CHANGED', draftHash: 'd2' }, answer()]).status).toBe('stale');
  });

  it('a late answer to a superseded request is ignored', () => {
    const second = run([ask('r1'), ask('r2')]);
    expect(glowReducer(second, answer('r1'))).toBe(second);
    expect(glowReducer(second, answer('r2')).status).toBe('ready');
  });

  it('reject and dismiss go back to idle and remember the outcome for feedback', () => {
    expect(run([ask(), answer(), { type: 'REJECT' }])).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'rejected' } });
    expect(run([ask(), answer(), { type: 'DISMISS' }])).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'dismissed' } });
    expect(run([ask(), { type: 'DISMISS' }])).toEqual({ status: 'idle' });
  });

  it('a failure goes back to idle with the error; typing never disturbs idle or applied', () => {
    const failed = run([ask(), { type: 'FAIL', requestId: 'r1', code: 'AI_TIMEOUT', message: 'slow' }]);
    expect(failed).toEqual({ status: 'idle', error: { code: 'AI_TIMEOUT', message: 'slow' } });
    expect(glowReducer(failed, { type: 'DRAFT_CHANGED', draftHash: 'x' })).toBe(failed);
    const applied = run([ask(), answer(), accept()]);
    expect(glowReducer(applied, { type: 'DRAFT_CHANGED', draftHash: 'x' })).toBe(applied);
  });

  it('intensity follows confidence and colour follows freshness', () => {
    const ready = run([ask(), answer()]);
    expect(glowAppearance(ready).tone).toBe('fresh');
    expect(glowAppearance(ready).intensity).toBeCloseTo(0.87); // confidence 0.8
    const unsure = glowReducer(run([ask()]), { type: 'RESULT', requestId: 'r1', ...result, confidence: 0 });
    expect(glowAppearance(unsure).intensity).toBeCloseTo(0.35); // still visible
    expect(glowAppearance(glowReducer(ready, { type: 'DRAFT_CHANGED', draftHash: 'd9' })).tone).toBe('stale');
    expect(glowAppearance(initialGlow)).toEqual({ intensity: 0, tone: 'none' });
  });

  it("shows the model's confidence only when the model gave one, and only while the suggestion is fresh", () => {
    const ready = run([ask(), answer()]);
    expect(shownConfidence(ready)).toBe(80);
    expect(shownConfidence(glowReducer(ready, { type: 'DRAFT_CHANGED', draftHash: 'd9' }))).toBeUndefined();
    const none = glowReducer(run([ask()]), { type: 'RESULT', requestId: 'r1', ...result, confidence: null });
    expect(none.status).toBe('ready');
    expect(shownConfidence(none)).toBeUndefined();
    // No confidence, no claim: a middling glow, not the brightest or the faintest.
    expect(glowAppearance(none).tone).toBe('fresh');
    expect(glowAppearance(none).intensity).toBeCloseTo(0.675); // halfway between the faintest (0.35) and the brightest (1)
  });

  it('property: nothing but ACCEPT from ready ever reaches applied', () => {
    const event = fc.oneof(
      fc.constantFrom<GlowEvent>(accept(), { type: 'REJECT' }, { type: 'DISMISS' }, { type: 'UNDO' }),
      fc.constantFrom('d1', 'd2', 'd3').map((draftHash): GlowEvent => ({ type: 'DRAFT_CHANGED', draftHash })),
      fc.tuple(fc.constantFrom('r1', 'r2'), fc.constantFrom('d1', 'd2')).map(([r, d]) => ask(r, d)),
      fc.constantFrom('r1', 'r2').map((r) => answer(r)),
      fc.constantFrom('r1', 'r2').map((r): GlowEvent => ({ type: 'FAIL', requestId: r, code: 'X', message: 'x' })),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let state = initialGlow;
        for (const e of events) {
          const next = glowReducer(state, e);
          if (next.status === 'applied' && state.status !== 'applied') {
            expect(e.type).toBe('ACCEPT');
            // Without the text it was asked for, only an untouched (ready) suggestion applies.
            expect(state.status).toBe('ready');
            expect(next.before).toEqual(typed);
          }
          if (next.status === 'ready' && state.status !== 'ready') expect(['RESULT', 'DRAFT_CHANGED']).toContain(e.type);
          state = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});
