import { describe, expect, it } from 'vitest';
import { scoreEmail } from '../../shared/score/score-email';
import { presendCheck, presendWarnings } from '../ui/presend-check';
import { glowReducer, type GlowState } from '../../shared/glow';
import { createComposeStore, draftFingerprint } from './compose-store';

const draft = { subject: 'Onboarding at Acme', bodyText: 'Hi Ada, would Thursday work for a call?' };

describe('compose store', () => {
  it('turns a ready suggestion stale when the draft changes after the request', () => {
    const requestedFor = draftFingerprint(draft);
    const result = { suggestion: { body: 'Hi' }, confidence: 0.8, inputHash: 'h', model: 'm', cached: false };
    const ready: GlowState = { status: 'ready', requestId: 'r1', task: 'rewrite', draftHash: requestedFor, ...result };
    const edit = (glow: GlowState, draftHash: string) => glowReducer(glow, { type: 'DRAFT_CHANGED', draftHash });
    expect(edit(ready, requestedFor).status).toBe('ready');
    expect(edit(ready, draftFingerprint({ ...draft, bodyText: `${draft.bodyText}!` })).status).toBe('stale');
    const text = { subject: draft.subject, body: draft.bodyText };
    expect(edit({ ...ready, status: 'applied', before: text, after: text, merged: false }, 'anything').status).toBe('applied');
  });

  it('starts idle with tracking on and nothing saved', () => {
    const store = createComposeStore({ draftId: 'd1', ...draft, bodyHtml: '', to: [], score: scoreEmail({ subject: draft.subject, body: draft.bodyText }) });
    expect(store.getState()).toMatchObject({ glow: { status: 'idle' }, track: { opens: true, clicks: true }, saved: 'unsaved', send: { state: 'idle' } });
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

  it('warns about sequence mail without an unsubscribe line, and about a suppressed recipient', () => {
    const body = 'Hi Ada,\n\nI saw Acme is hiring three SDRs this quarter. Teams like yours use Lumina to halve ramp time.\n\nWould a 15-minute call on Thursday work?\n\nRita';
    const base = { to: ['ada@prospect.test'], subject: 'Ramp time at Acme', bodyText: body, score: scoreEmail({ subject: 'Ramp time at Acme', body }) };
    const relevant = (w: string[]) => w.filter((x) => !x.startsWith('The score'));
    expect(relevant(presendWarnings({ ...base, sequence: { name: 'Q4 SDR' } }))).toEqual([expect.stringContaining('without an unsubscribe line')]);
    const withOptOut = `${body}\n\nNot for you? Reply "unsubscribe" and I will stop.`;
    expect(relevant(presendWarnings({ ...base, bodyText: withOptOut, sequence: { name: 'Q4 SDR' } }))).toEqual([]);
    expect(relevant(presendWarnings({ ...base, suppression: { reason: 'hard_bounce' } }))).toEqual(['ada@prospect.test is suppressed (hard bounce): Lumina will not send to this address.']);
    // A list that could not be read is said, not taken as "not suppressed".
    expect(relevant(presendWarnings({ ...base, suppression: 'Not available yet on this Lumina server.' }))).toEqual([expect.stringContaining('Could not check the suppression list')]);
    expect(relevant(presendWarnings({ ...base, suppression: null }))).toEqual([]);
  });

  it('warns past Gmail\'s 102 KB clip and on many links', () => {
    const links = Array.from({ length: 6 }, (_, i) => `https://acme.example/${i}`).join('\n');
    const long = `Hi Ada,\n\n${'Lumina halves ramp time. '.repeat(4_500)}\n${links}`;
    const score = scoreEmail({ subject: 'Ramp', body: long });
    const warnings = presendWarnings({ to: ['ada@prospect.test'], subject: 'Ramp', bodyText: long, score });
    expect(warnings).toContain(`${Math.round(score.stats.bytes / 1024)} KB: Gmail clips messages over 102 KB, hiding the end (and the tracking pixel).`);
    expect(warnings.some((w) => /^\d+ links/.test(w))).toBe(true);
  });
});

describe('pre-send check: what the server refuses blocks, the rest warns', () => {
  const body = 'Hi {{firstName}}, would Thursday work?';
  const score = scoreEmail({ subject: 'Hi', body });
  it('unfilled variables, no recipient and a suppressed address are blocking, with the reason', () => {
    const check = presendCheck({ to: ['ada@prospect.test'], subject: 'Hi', bodyText: body, score, suppression: { reason: 'hard_bounce' }, mailboxes: 0 });
    expect(check.blocking).toEqual([
      'Fill in {{firstName}} first: the prospect would see the braces.',
      'ada@prospect.test is on the do-not-email list (hard bounce): Lumina will not send to this address.',
      'No Gmail mailbox is connected: connect one in Lumina’s options first.',
    ]);
    expect(check.warnings.join(' ')).not.toMatch(/firstName|suppressed/);
    expect(presendCheck({ to: [], subject: '', bodyText: 'Hi', score }).blocking.slice(0, 2)).toEqual(['Add a recipient first.', 'Add a subject first: Lumina does not send an email without one.']);
  });

  it('a low score or a list that could not be checked only warns', () => {
    const check = presendCheck({ to: ['ada@prospect.test'], subject: 'Hi', bodyText: 'Hi', score: scoreEmail({ subject: 'Hi', body: 'Hi' }), suppression: 'the server did not answer', mailboxes: 1 });
    expect(check.blocking).toEqual([]);
    expect(check.warnings.some((w) => w.startsWith('Could not check the suppression list'))).toBe(true);
  });
});
