/**
 * Phrases that spam filters and wary readers both punish. Kept free of pronouns, calls
 * to action and punctuation the other signals count, so a spam phrase is only ever
 * scored as spam (which is what makes "adding one never raises the score" hold).
 * Not "congratulations": congratulating a prospect on a launch or a hire is how good cold
 * emails open (4 of the 30 good ones in bench/fixtures/cold-emails do).
 */
export const SPAM_PHRASES = [
  '100% free', '100% satisfied', 'act immediately', 'act now', 'amazing deal', 'apply now', 'as seen on',
  'best price', 'buy direct', 'buy now', 'call now', 'cancel at any time', 'cash bonus', 'click below',
  'click here', "don't delete", 'earn extra cash', 'earn money', 'exclusive deal',
  'extra income', 'fast cash', 'free gift', 'free money', 'get paid', 'get rich', 'guaranteed',
  'incredible deal', 'instant access', 'limited offer', 'limited time', 'lowest price', 'make money',
  'miracle', 'money back', 'no catch', 'no cost', 'no obligation', 'no strings attached', 'not spam',
  'once in a lifetime', 'order now', 'pure profit', 'risk-free', 'risk free', 'special promotion',
  'this is not spam', 'urgent', 'while supplies last', 'winner', 'work from home',
] as const;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation, longest first, bounded so "winner" does not match inside "winners-only". */
export const SPAM_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...SPAM_PHRASES].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);
