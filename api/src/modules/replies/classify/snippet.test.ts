import { describe, expect, it } from 'vitest';
import { snippetOwnWords } from './quoted';

describe('snippetOwnWords: the reply, without the history Gmail folds into its one-line snippet', () => {
  it.each([
    ['Thanks, Thursday at 3 works for me. On Wed, 02 Dec 2026 18:15:04 +0000, ana@acme.test wrote: > Quick question', 'Thanks, Thursday at 3 works for me.'],
    ['Danke! Am Mi., 2. Dez. 2026 um 18:15 schrieb Ana <ana@x.test>: > Hallo', 'Danke!'],
    ['Merci, ça marche. Le mer. 2 déc. 2026 à 18:15, Ana <ana@x.test> a écrit : > Bonjour', 'Merci, ça marche.'],
    ['Sounds good > quoted line', 'Sounds good'],
  ])('%s', (snippet, expected) => expect(snippetOwnWords(snippet)).toBe(expected));

  it('keeps a snippet that only starts like an attribution, and one that is all quote', () => {
    expect(snippetOwnWords('On it — will send the deck on Monday.')).toBe('On it — will send the deck on Monday.');
    expect(snippetOwnWords('> only the quote')).toBe('> only the quote');
  });
});
