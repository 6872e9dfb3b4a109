import { describe, expect, it } from 'vitest';
import { listVariables, prospectVars, renderTemplate } from './template-vars';

const ana = prospectVars({ email: 'ana@acme.test', firstName: 'Ana', company: 'Acme', customFields: { industry: 'logistics' } });

describe('template variables', () => {
  it('fills fields, custom fields and fallbacks', () => {
    const r = renderTemplate('Hi {{firstName}}, how is {{ company }} in {{custom.industry}}? {{title|Friend}}', ana);
    expect(r).toEqual({ text: 'Hi Ana, how is Acme in logistics? Friend', missing: [] });
  });

  it('reports missing variables once each and keeps them visible', () => {
    const r = renderTemplate('{{lastName}} {{lastName}} {{custom.size}}', ana);
    expect(r.missing).toEqual(['lastName', 'custom.size']);
    expect(r.text).toBe('{{lastName}} {{lastName}} {{custom.size}}');
    expect(renderTemplate('a {{lastName}} b', ana, { keepMissing: false }).text).toBe('a  b');
  });

  it('lists variables with their spans', () => {
    expect(listVariables('Hi {{firstName|there}}!')).toEqual([{ name: 'firstName', fallback: 'there', start: 3, end: 22 }]);
  });

  it('leaves text without variables alone', () => {
    expect(renderTemplate('No {braces} here {{ }}', ana)).toEqual({ text: 'No {braces} here {{ }}', missing: [] });
  });
});
