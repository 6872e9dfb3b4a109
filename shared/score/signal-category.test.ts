import { describe, expect, it } from 'vitest';
import { scoreEmail } from './score-email';
import { groupSignals, signalCategory, SIGNAL_CATEGORIES } from './signal-category';

describe('signal categories', () => {
  it('puts each scorer signal under its heading', () => {
    expect(signalCategory({ id: 'word-count' })).toBe('length');
    expect(signalCategory({ id: 'personalization.company' })).toBe('personalization');
    expect(signalCategory({ id: 'variables.unresolved' })).toBe('personalization');
    expect(signalCategory({ id: 'reading-grade' })).toBe('clarity');
    expect(signalCategory({ id: 'cta' })).toBe('cta');
    expect(signalCategory({ id: 'spam-phrase' })).toBe('deliverability');
    expect(signalCategory({ id: 'all-caps' })).toBe('tone');
    expect(signalCategory({ id: 'llm.critique' })).toBe('clarity');
  });

  it('shows blocking errors first, then the costly signals under the six headings, and leaves out what is fine', () => {
    const r = scoreEmail({
      subject: 'LIMITED TIME offer for {{company}}!',
      body: 'Hi {{firstName}}, we are the best. We do it all. Our team is great and our product is great. Click here now!! Thanks',
    });
    const { fixFirst, groups } = groupSignals(r.signals);
    expect(fixFirst.map((s) => s.id)).toContain('variables.unresolved');
    expect(groups.map((g) => g.id)).toEqual(SIGNAL_CATEGORIES.map((c) => c.id));
    const at = (id: string) => groups.find((g) => g.id === id)!.signals.map((s) => s.id);
    expect(at('length')).toContain('word-count');
    expect(at('deliverability')).toContain('spam-phrase');
    expect(at('tone')).toEqual(expect.arrayContaining(['exclamation', 'all-caps']));
    expect(at('cta')).toContain('cta');
    for (const g of groups) for (const s of g.signals) expect(s.impact).toBeGreaterThan(0);
    // Every costly signal is shown exactly once.
    const shown = fixFirst.length + groups.reduce((n, g) => n + g.signals.length, 0);
    expect(shown).toBe(r.signals.filter((s) => s.impact > 0 || s.severity === 'error').length);
  });

  it('lists the cap a blocking error puts on an otherwise good draft under fix first', () => {
    const r = scoreEmail({
      subject: 'Detention fees at the Reno dock',
      body: 'Hi {{firstName}},\n\nYour Q3 update mentioned that detention fees at the Reno cross-dock doubled after the new carrier contracts. We help regional carriers book dock slots from the driver\'s phone, and Harbor Lines cut detention charges by 38% in two months.\n\nWould a one-page summary of how they set it up be useful to you?',
    });
    const { fixFirst, fine } = groupSignals(r.signals);
    expect(fixFirst.map((s) => s.id)).toEqual(['variables.unresolved', 'blocked']);
    // Length, call to action and tone were checked and cost nothing; personalization is not "fine": no prospect, not checked.
    expect(fine.map((c) => c.id)).toEqual(expect.arrayContaining(['length', 'cta']));
    expect(fine.map((c) => c.id)).not.toContain('personalization');
  });
});
