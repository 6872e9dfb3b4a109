import { describe, expect, it } from 'vitest';
import { composeText } from './compose-text';
import { textToHtml } from '../../shared/text-to-html';

describe('composeText: the compose body as the rep sees it', () => {
  it('reads Gmail\'s own shape: a div per line, a div with a br for a blank line', () => {
    expect(composeText('<div>Hi Ada,</div><div><br></div><div>Would Thursday work?</div><div><br></div><div>Rita</div>')).toBe('Hi Ada,\n\nWould Thursday work?\n\nRita');
  });

  it('reads back what Lumina writes, paragraphs and line breaks included', () => {
    const text = 'Hi Ada,\n\nTwo things:\n- ramp time\n- cost & time\n\nBest,\nRita';
    expect(composeText(textToHtml(text))).toBe(text);
  });

  it('folds source whitespace and decodes entities, as the screen shows them', () => {
    expect(composeText('Hi\n   Ada,&nbsp;<b>see</b> &lt;this&gt; &#8212; now')).toBe('Hi Ada, see <this> — now');
  });
});
