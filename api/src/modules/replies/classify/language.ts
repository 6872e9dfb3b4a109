/** The languages whose replies and out-of-office notices Lumina reads (chrono-node has a parser for each). */
export type Language = 'en' | 'de' | 'fr' | 'es' | 'pt' | 'nl' | 'it';

/**
 * Short, frequent function words of each language. A reply is a few lines, too short for
 * n-gram models; counting these is enough to tell seven languages apart, and a tie or an
 * empty text is English (the parser every other language falls back to).
 */
const STOP_WORDS: Record<Language, string[]> = {
  en: ['the', 'and', 'you', 'to', 'is', 'i', 'my', 'for', 'of', 'with', 'will', 'be', 'am', 'are', 'on', 'in', 'your', 'this', 'please', 'thanks', 'back', 'until', 'not'],
  de: ['und', 'ich', 'sie', 'der', 'die', 'das', 'nicht', 'ist', 'bin', 'mit', 'bis', 'im', 'zum', 'wir', 'bitte', 'ihre', 'vielen', 'dank', 'für', 'wieder', 'ab', 'auf', 'mich', 'uns', 'gerne', 'eine', 'einen'],
  fr: ['je', 'vous', 'le', 'la', 'les', 'et', 'de', 'des', 'est', 'suis', 'pas', 'pour', 'mon', 'votre', 'merci', 'du', 'au', 'une', 'avec', 'jusqu', 'retour', 'ne', 'plus', 'nous', 'ça', 'à'],
  es: ['el', 'la', 'los', 'las', 'y', 'de', 'que', 'estoy', 'no', 'por', 'para', 'con', 'hasta', 'su', 'mi', 'gracias', 'una', 'es', 'del', 'favor', 'nos', 'me', 'hola', 'ahora'],
  pt: ['o', 'a', 'os', 'as', 'e', 'de', 'do', 'da', 'que', 'estou', 'não', 'por', 'para', 'com', 'até', 'meu', 'obrigado', 'obrigada', 'uma', 'é', 'dia', 'no', 'na', 'olá', 'me', 'mais', 'sua'],
  nl: ['de', 'het', 'een', 'en', 'ik', 'ben', 'je', 'niet', 'van', 'met', 'tot', 'op', 'voor', 'mijn', 'bedankt', 'dank', 'weer', 'graag', 'geen', 'maar', 'neem', 'hoi', 'we', 'is'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'e', 'di', 'che', 'sono', 'non', 'per', 'con', 'fino', 'al', 'mio', 'grazie', 'una', 'è', 'del', 'della', 'ciao', 'mi', 'ti', 'ho', 'siamo'],
};

const LANGUAGES = Object.keys(STOP_WORDS) as Language[];
const SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(STOP_WORDS[l])])) as Record<Language, Set<string>>;

/** Letters that only some of the languages write. */
const MARKS: Array<[Language, RegExp]> = [
  ['de', /[äöüß]/i],
  ['fr', /[èêàçœù]|\bqu['’]/i],
  ['es', /[ñ¿¡]/i],
  ['pt', /[ãõ]|ção\b/i],
  ['it', /\b\w+zione\b|\bè\b|\p{L}[ìò](?!\p{L})/iu],
  ['nl', /\bij\w*|\w+ij\b/i],
];

export function detectLanguage(text: string): Language {
  const words = text.toLowerCase().slice(0, 4000).match(/[\p{L}']+/gu) ?? [];
  const counts = Object.fromEntries(LANGUAGES.map((l) => [l, 0])) as Record<Language, number>;
  for (const w of words) for (const l of LANGUAGES) if (SETS[l].has(w)) counts[l]++;
  for (const [l, re] of MARKS) if (re.test(text)) counts[l] += 1.5;
  let best: Language = 'en';
  for (const l of LANGUAGES) if (counts[l] > counts[best]) best = l;
  return best;
}
