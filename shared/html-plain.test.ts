import { describe, expect, it } from 'vitest';
import { htmlToPlain } from './html-plain';
import { textToHtml } from './text-to-html';

describe('htmlToPlain: HTML as the rep sees it (compose and score)', () => {
  it('reads Gmail\'s own shape: a div per line, a div with a br for a blank line', () => {
    expect(htmlToPlain('<div>Hi Ada,</div><div><br></div><div>Would Thursday work?</div><div><br></div><div>Rita</div>')).toBe('Hi Ada,\n\nWould Thursday work?\n\nRita');
  });

  it('reads back what Lumina writes, paragraphs and line breaks included', () => {
    const text = 'Hi Ada,\n\nTwo things:\n- ramp time\n- cost & time\n\nBest,\nRita';
    expect(htmlToPlain(textToHtml(text))).toBe(text);
  });

  it('folds source whitespace and decodes entities, as the screen shows them', () => {
    expect(htmlToPlain('Hi\n   Ada,&nbsp;<b>see</b> &lt;this&gt; &#8212; now')).toBe('Hi Ada, see <this> — now');
  });

  it('keeps a blank line between paragraphs and one line per list item', () => {
    expect(htmlToPlain('<p>Hi Ada,</p><p>Two things:</p><ul><li>ramp</li><li>cost</li></ul>Best')).toBe('Hi Ada,\n\nTwo things:\n\nramp\ncost\nBest');
  });

  it('drops scripts and styles and leaves an out-of-range numeric entity as written', () => {
    expect(htmlToPlain('<style>p{}</style>a<script>x()</script> &#99999999; &#128075;')).toBe('a &#99999999; 👋');
  });
});
