import { describe, expect, it } from 'vitest';
import { textToHtml } from './text-to-html';

describe('textToHtml', () => {
  it('keeps paragraphs, line breaks and list lines', () => {
    expect(textToHtml('Hi Ada,\n\nTwo things:\n- ramp time\n- cost\n\nBest,\nRita')).toBe(
      '<p>Hi Ada,</p><p>Two things:<br>- ramp time<br>- cost</p><p>Best,<br>Rita</p>',
    );
  });

  it('escapes markup and links bare URLs without their trailing punctuation', () => {
    expect(textToHtml('See https://acme.test/a?b=1&c=2. <b>now</b>')).toBe(
      '<p>See <a href="https://acme.test/a?b=1&amp;c=2">https://acme.test/a?b=1&amp;c=2</a>. &lt;b&gt;now&lt;/b&gt;</p>',
    );
  });

  it('an empty text is no paragraph at all', () => {
    expect(textToHtml('  \n\n ')).toBe('');
  });
});
