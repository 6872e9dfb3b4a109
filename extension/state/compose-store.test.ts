import { describe, expect, it } from 'vitest';
import { scoreEmail } from '../../shared/score/score-email';
import { presendWarnings } from '../ui/presend-check';
import { createComposeStore, draftFingerprint, glowAfterEdit } from './compose-store';

const draft = { subject: 'Onboarding at Acme', bodyText: 'Hi Ada, would Thursday work for a call?' };

describe('compose store', () => {
  it('turns a ready suggestion stale when the draft changes after the request', () => {
    const requestedFor = draftFingerprint(draft);
    const ready = { state: 'ready' as const, requestedFor };
    expect(glowAfterEdit(ready, requestedFor).state).toBe('ready');
    expect(glowAfterEdit(ready, draftFingerprint({ ...draft, bodyText: `${draft.bodyText}!` })).state).toBe('stale');
    expect(glowAfterEdit({ state: 'applied' }, 'anything').state).toBe('applied');
  });

  it('starts idle with tracking on and nothing saved', () => {
    const store = createComposeStore({ draftId: 'd1', ...draft, bodyHtml: '', to: [], score: scoreEmail({ subject: draft.subject, body: draft.bodyText }) });
    expect(store.getState()).toMatchObject({ glow: { state: 'idle' }, track: { opens: true, clicks: true }, saved: 'unsaved', send: { state: 'idle' } });
  });

  it('warns before a send with unfilled variables or no recipient, and stays quiet on a clean draft', () => {
    const body = 'Hi {{firstName}}, would Thursday work?';
    const warnings = presendWarnings({ to: [], subject: 'Hi', bodyText: body, score: scoreEmail({ subject: 'Hi', body }) });
    expect(warnings).toContain('No recipient yet.');
    expect(warnings.join(' ')).toContain('{{firstName}}');
    const clean = 'Hi Ada,\n\nI saw Acme is hiring three SDRs this quarter. Teams like yours use Lumina to halve ramp time.\n\nWould a 15-minute call on Thursday work?\n\nRita';
    const score = scoreEmail({ subject: 'Ramp time at Acme', body: clean });
    expect(presendWarnings({ to: ['ada@prospect.test'], subject: 'Ramp time at Acme', bodyText: clean, score }).filter((w) => !w.startsWith('The score'))).toEqual([]);
  });
});
