import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { glowAppearance, glowReducer, initialGlow, type GlowEvent, type GlowState } from './glow';

const result = { suggestion: { body: 'Hi Ada' }, confidence: 0.8, inputHash: 'h1', model: 'm', cached: false };
const run = (events: GlowEvent[], from: GlowState = initialGlow) => events.reduce(glowReducer, from);
const ask = (requestId = 'r1', draftHash = 'd1'): GlowEvent => ({ type: 'REQUEST', requestId, task: 'rewrite', draftHash });
const answer = (requestId = 'r1'): GlowEvent => ({ type: 'RESULT', requestId, ...result });

describe('glow state machine', () => {
  it('idle → thinking → ready → applied by an explicit accept', () => {
    const thinking = run([ask()]);
    expect(thinking.status).toBe('thinking');
    const ready = glowReducer(thinking, answer());
    expect(ready).toMatchObject({ status: 'ready', draftHash: 'd1', suggestion: { body: 'Hi Ada' }, confidence: 0.8 });
    const applied = glowReducer(ready, { type: 'ACCEPT' });
    expect(applied.status).toBe('applied');
    expect(glowReducer(applied, { type: 'DISMISS' })).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'accepted' } });
  });

  it('ready turns stale when the draft hash changes, and back when the edit is undone', () => {
    const stale = run([ask(), answer(), { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    expect(stale).toMatchObject({ status: 'stale', currentHash: 'd2' });
    expect(glowReducer(stale, { type: 'DRAFT_CHANGED', draftHash: 'd1' }).status).toBe('ready');
  });

  it('a stale suggestion cannot be applied; it must be asked for again', () => {
    const stale = run([ask(), answer(), { type: 'DRAFT_CHANGED', draftHash: 'd2' }]);
    expect(glowReducer(stale, { type: 'ACCEPT' })).toBe(stale);
    expect(glowReducer(stale, ask('r2', 'd2')).status).toBe('thinking');
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
    const applied = run([ask(), answer(), { type: 'ACCEPT' }]);
    expect(glowReducer(applied, { type: 'DRAFT_CHANGED', draftHash: 'x' })).toBe(applied);
  });

  it('intensity follows confidence and colour follows freshness', () => {
    const ready = run([ask(), answer()]);
    expect(glowAppearance(ready)).toEqual({ intensity: 0.8, tone: 'fresh' });
    expect(glowAppearance(glowReducer(ready, { type: 'DRAFT_CHANGED', draftHash: 'd9' })).tone).toBe('stale');
    expect(glowAppearance(initialGlow)).toEqual({ intensity: 0, tone: 'none' });
  });

  it('property: nothing but ACCEPT from ready ever reaches applied', () => {
    const event = fc.oneof(
      fc.constantFrom<GlowEvent>({ type: 'ACCEPT' }, { type: 'REJECT' }, { type: 'DISMISS' }),
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
            expect(state.status).toBe('ready');
          }
          if (next.status === 'ready' && state.status !== 'ready') expect(['RESULT', 'DRAFT_CHANGED']).toContain(e.type);
          state = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});
