import { describe, expect, it } from 'vitest';
import { scoreEmail } from '../../shared/score/score-email';
import { signalExcerpt } from './signal-excerpt';

describe('signal excerpt: what a Glow signal points at', () => {
  it('shows the very words the scorer flagged in the body, with whole words around them', () => {
    const subject = 'Quick question';
    const body = 'Hi Ada,\n\nThis is a limited time offer for Acme and your whole team. Would Thursday work?';
    const score = scoreEmail({ subject, body });
    const spam = score.signals.find((s) => s.id === 'spam-phrase')!;
    const excerpt = signalExcerpt(spam, { subject, body: score.text })!;
    expect(excerpt.field).toBe('body');
    expect(excerpt.match.toLowerCase()).toBe('limited time');
    expect(excerpt.before).toBe('Hi Ada, This is a ');
    expect(excerpt.after).toMatch(/^ offer for Acme .*…$/);
  });

  it('points into the subject for a subject signal', () => {
    const subject = 'Big news for Acme!';
    const score = scoreEmail({ subject, body: 'Hi Ada, would Thursday work for a short call about onboarding?' });
    const bang = score.signals.find((s) => s.id === 'exclamation' && s.field === 'subject')!;
    expect(signalExcerpt(bang, { subject, body: score.text })).toEqual({ field: 'subject', before: 'Big news for Acme', match: '!', after: '' });
  });

  it('has nothing to show for a signal without a span, or one the edited draft no longer holds', () => {
    const texts = { subject: 'Hi', body: 'short' };
    expect(signalExcerpt({ id: 'length', severity: 'warning', message: 'Too short', impact: 5 }, texts)).toBeUndefined();
    expect(signalExcerpt({ id: 'cta', severity: 'warning', message: 'x', impact: 2, field: 'body', span: { start: 3, end: 40 } }, texts)).toBeUndefined();
  });
});
