import * as chrono from 'chrono-node';
import type { ReplyMeaning } from '../../../../../shared/contracts/replies';
import { detectLanguage, type Language } from './language';

export interface Meaning {
  meaning: ReplyMeaning;
  referral?: { name?: string; email?: string };
  /** not_now: the day the person asked to be contacted again (YYYY-MM-DD), when they said. */
  followUpDate?: string;
}

export interface MeaningContext {
  /** When the reply was written (its Date header); relative dates are read from it. */
  sentAt: Date | null;
  /** The zone offset of that Date header, in minutes. */
  offsetMinutes?: number;
  /** Addresses and names that are not a referred person: the sender, our rep. */
  own?: string[];
}

/**
 * What a person's own words (quoted history and signature already removed) ask the rep to do.
 * Phrase families per language, checked in order: a referral names someone else, "not now"
 * defers, an objection refuses or pushes back, interest asks for the next step. Anything else
 * is `other` (and is what the AI classifier, when configured, is asked about).
 */
export function replyMeaning(own: string, context: MeaningContext | Date | null = null): Meaning {
  const ctx: MeaningContext = context instanceof Date || context === null ? { sentAt: context } : context;
  const text = own.replace(/\s+/g, ' ').trim();
  if (!text) return { meaning: 'other' };
  const referral = referralIn(text, ctx.own ?? []);
  if (referral) return { meaning: 'referral', referral };
  if (NOT_NOW.test(text)) {
    const followUpDate = followUpDay(text, detectLanguage(text), ctx);
    return followUpDate ? { meaning: 'not_now', followUpDate } : { meaning: 'not_now' };
  }
  if (OBJECTION.test(text)) return { meaning: 'objection' };
  if (INTERESTED.test(text)) return { meaning: 'interested' };
  return { meaning: 'other' };
}

const re = (parts: string[]) => new RegExp(parts.join('|'), 'iu');

/** A deferral, often with a time ("ping me in Q3", "after the holidays"), in the seven languages. */
const NOT_NOW = re([
  // English
  'not (right )?now', 'not at (this|the) (moment|time)', 'bad time', "timing (is|isn'?t) (not )?(right|great|ideal)", 'not a priority (right now|at the moment|this (quarter|year))',
  '(circle|check|follow|touch|get) (back|up|base)( with me)?( again)? (in|next|after|later|on|around)', '(reach|ping|contact|email) (me|us) (again )?(in|next|after|later|on|around)',
  '(reach out|try (me|us)|ask (me|us)) again', 'maybe (later|next (year|quarter|month))', 'revisit (this |it )?(in|next|later|after)', 'later this year', 'next (quarter|year)', '\\bin q[1-4]\\b',
  'after (the )?(holidays|summer|new year|our planning)', 'budget freeze', 'reconnect (then|later|in|after|next)', 'once we(\'ve| have) ', 'freeze until', 'no budget (until|before|this)', 'too early for us', 'in a (couple|few) (of )?(weeks|months)', 'heads down', 'swamped',
  // German
  'im moment (passt es|leider nicht|nicht)', 'derzeit (haben wir )?(kein|keine|nicht)', 'gerne wieder im', 'aktuell (kein|nicht)', 'zu einem späteren zeitpunkt', '(melden|kommen) sie (sich )?(gerne |bitte )?(im|in|nach|nächst)', 'nächsten quartal', 'später (wieder|noch einmal)',
  // French
  "(ce n['’]est|c['’]est) pas le bon moment", 'pas pour le moment', 'recontacte[rz]?[- ]moi', 'plus tard', "revenez vers moi",
  // Spanish
  'no es (un )?buen momento', 'por ahora no', 'a finales de', 'quiz[aá]s (m[aá]s adelante|a finales|el pr[oó]ximo)', 'ahora (mismo )?no', '(escr[ií]beme|cont[aá]ctame|vuelve a escribirme) (de nuevo|otra vez|m[aá]s adelante|en)', 'm[aá]s adelante', 'pr[oó]ximo trimestre', 'tercer trimestre',
  // Portuguese
  'n[aã]o [eé] (um )?bom momento', 'agora n[aã]o', 'volte a falar comigo', 'mais tarde', 'pr[oó]ximo trimestre',
  // Dutch
  'op dit moment niet', 'nu (even )?niet', 'neem (later|na|over|in) .{0,30}contact op', 'later (nog eens|opnieuw)', 'volgend kwartaal',
  // Italian
  'non [eè] il momento giusto', 'al momento no', 'ricontattami', 'pi[uù] avanti', 'prossimo trimestre',
]);

/** A refusal or push-back. */
const OBJECTION = re([
  // English
  'not interested', 'hard pass', "didn'?t work (out )?for us", 'not buying', 'appreciate (it|the offer),? but', 'no thanks', 'no,? thank you', 'thanks,? but no', "we('re| are) (happy|good|all set|set|covered)", "(we'?re|we are|i'?m) all set", 'already (use|have|work with|built)', 'too (expensive|pricey)',
  'no (budget|need)', "(don'?t|do not) need", "doesn'?t (fit|make sense)", 'not a (fit|priority)', "(we'?ll|we will|going to|i'?ll) pass", 'pass on this', 'not for us', 'not something we want',
  'built (something|it|this) (similar )?in-house', "wouldn'?t approve", 'not looking for',
  // German
  'kein interesse', 'nein,? danke', 'brauchen wir nicht', 'kein bedarf', 'nicht interessiert', 'nutzen bereits', 'haben bereits',
  // French
  'pas intéress', "ne nous intéresse pas", "ça ne m['’]intéresse pas", 'non merci', 'nous avons déjà',
  // Spanish / Portuguese
  'no (nos|me) interesa', 'no estamos interesados', 'ya tenemos', 'n[aã]o (temos|tenho) interesse', 'n[aã]o (nos|me) interessa', 'j[aá] temos',
  // Dutch
  'geen interesse', 'niet ge[iï]nteresseerd', 'hebben al',
  // Italian
  'non (siamo|sono) interessat', 'no,? grazie', 'non fa per noi', 'non (ci|mi) interessa', 'abbiamo gi[aà]',
]);

/** Asks for the next step. */
const INTERESTED = re([
  // English
  '\\binterested\\b', '\\bkeen\\b', 'could be useful', 'got my attention', 'what would (it|this) cost', 'do you have (\\d+|a few) ?min', '\\bi?nteresting\\b', 'sounds (good|great|interesting)', "let'?s (talk|chat|meet|set up|schedule|do it|do this|book)", '(book|schedule|set up|grab) (a |some )?(call|meeting|time|demo|slot)',
  'send (me|over|us) (the |more |some |a )?(info|details|deck|pricing|proposal|quote|case study)', 'tell me more', 'happy to (chat|talk|meet|jump)', '(works|work) for me', 'free (on|at|next|monday|tuesday|wednesday|thursday|friday)',
  'what (times|time) (work|suit)', '\\b(mon|tues|wednes|thurs|fri)day\\b[^.?!]{0,20}\\bworks\\b', 'calendar link', 'love to (learn|hear|see)', '(can|could) you (send|share)', 'would love', 'yes,? please', '^(yes|yeah|sure|ok(ay)?)\\b', 'could work for us',
  "what does (a pilot|onboarding|pricing)", 'how (does|is) (pricing|this different)', "(can|could) we (book|schedule|set up)", 'exactly (this|what we need)', 'demo',
  // German
  'klingt (interessant|gut)', 'h[öo]rt sich (spannend|gut|interessant) an', 'wann h[äa]tten sie zeit', 'spannend', 'gerne', 'termin', 'mehr informationen', 'preisliste',
  // French
  "ça m['’]intéresse", 'pourquoi pas', 'on peut en parler', 'avec plaisir', 'organiser un appel', 'vos tarifs', 'une présentation',
  // Spanish / Portuguese
  'me interesa', 'tenho interesse', 'agendar', 'marcar uma reuni', 'm[aá]s informaci[oó]n', 'podemos (agendar|marcar)',
  // Dutch
  'klinkt goed', 'inplannen', 'graag meer',
  // Italian
  'mi interessa', 'fissare una chiamata', 'volentieri',
]);

/** Words that hand the conversation to someone else. */
const REFERRAL_CUE = re([
  // English
  'reach out to', 'contact(ing)?\\b', 'speak (to|with)', 'talk to', 'get in touch with', 'loop(ing)? in', "\\bcc'?d\\b", '\\bcc(ing|ed)?\\b', 'wrong person', '\\blead is\\b', 'looks after', 'forward(ed|ing)? (this|you|it) to', 'you(\\s?\'ll| should| will| might)? want to (talk|speak)',
  'the (right|best) (person|contact)', 'best person', 'handles? (this|that|these)', 'in charge of', 'responsible for', 'owns this', "i'?m not the (right|best|decision)", 'not my area', 'no longer (with|at|work)', 'moved to a different role', 'try contacting',
  // German
  'zuständig', 'ansprechpartner', 'wenden sie sich an', 'kollegin', 'kollege',
  // French
  'pas la bonne personne', 'g[ée]r[ée]e? par', "s['’]occupe de", 'pas le bon interlocuteur', 'contactez', "adressez-vous",
  // Spanish / Portuguese
  'no soy la persona', 'habla con', 'hable con', 'n[aã]o sou a pessoa', 'fale com',
  // Dutch
  'niet de juiste persoon', 'neem contact op met',
  // Italian
  'non sono la persona', 'scrivi a', 'contatta',
]);

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Two or three capitalised words, Dutch/Portuguese/Italian particles allowed between them ("Joost de Boer"). */
const NAME = /\b(\p{Lu}[\p{Ll}'’-]+(?: (?:de|da|do|dos|van|von|der|den|di|del|la|le))?(?: \p{Lu}[\p{Ll}'’-]+){1,2})\b/gu;
/** Titles and role nouns that precede a name (German capitalises every noun: "Kollege Markus Weber"). */
const TITLE = /^((Kollegin|Kollege|Colleague|Herr|Frau|Mr|Mrs|Ms|Dr|Monsieur|Madame|Señor|Señora|Senhor|Senhora|Signor|Signora|Collega|Collègue|Mevrouw|Meneer)\.? )+/u;
const NOT_NAMES = /^(Quick|Please|Thanks|Thank|Hello|Hi|Hey|Dear|Hallo|Bonjour|Hola|Olá|Hoi|Ciao|Sales|Head|Vice|Best|Kind|Regards|Sent|Sam Rivera|Lumina)\b|\b(Team|Inc|Ltd|GmbH|Sales|Ops|Support)$/u;

/**
 * A referral: a hand-off cue and, after it, the person (a name or an address other than the
 * sender's and ours), or a plain "I'm not the right person / no longer here".
 */
function referralIn(text: string, ownIds: string[]): Meaning['referral'] | null {
  const cue = REFERRAL_CUE.exec(text);
  if (!cue) return null;
  const after = text.slice(cue.index);
  const ids = ownIds.map((o) => o.toLowerCase());
  const email = [...after.matchAll(EMAIL)].map((m) => m[0].toLowerCase().replace(/\.$/, '')).find((e) => !ids.some((o) => o.includes(e)) && !e.endsWith('@lumina.test'));
  const name = [...after.matchAll(NAME)]
    .map((m) => m[1]!.replace(TITLE, ''))
    .filter((n) => n.includes(' '))
    .find((n) => !NOT_NAMES.test(n) && !ids.some((o) => o.includes(n.toLowerCase())));
  if (!email && !name) {
    // "I'm not the right person" with nobody named is still a hand-off; a bare "contact" is not.
    return /i'?m not the (right|best)|not my area|no longer (with|at|work)|moved to a different role|pas la bonne personne|no soy la persona|n[aã]o sou a pessoa|niet de juiste persoon|non sono la persona/iu.test(text) ? {} : null;
  }
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

const CHRONO: Record<Language, chrono.Chrono> = { en: chrono.en.casual, de: chrono.de.casual, fr: chrono.fr.casual, es: chrono.es.casual, pt: chrono.pt.casual, nl: chrono.nl.casual, it: chrono.it.casual };

/** Quarter names: "Q3", "third quarter", "tercer trimestre", "3. Quartal", "next quarter". */
const QUARTER = /\bq([1-4])\b|\b(first|second|third|fourth|primer|segundo|tercer|cuarto|premier|deuxième|troisième|quatrième|primo|secondo|terzo|quarto|primeiro|terceiro)\s+(quarter|trimestre)\b|\b([1-4])\.\s*quartal\b|\b(next|nächsten|próximo|proximo|prochain|prossimo|volgend)\s+(quarter|quartal|trimestre|kwartaal)\b/iu;
const ORDINAL: Record<string, number> = { first: 1, primer: 1, premier: 1, primo: 1, primeiro: 1, second: 2, segundo: 2, deuxième: 2, secondo: 2, third: 3, tercer: 3, troisième: 3, terzo: 3, terceiro: 3, fourth: 4, cuarto: 4, quatrième: 4, quarto: 4 };

/**
 * The day they asked to hear from us again, from the message's own date and zone: a named
 * day as given; a month, a quarter or "next year" alone means its first day (a rep follows up
 * when it opens, not on the day of the month the reply happened to be written).
 */
function followUpDay(text: string, language: Language, ctx: MeaningContext): string | undefined {
  const instant = ctx.sentAt ?? new Date();
  const offset = ctx.offsetMinutes ?? 0;
  const local = new Date(instant.getTime() + offset * 60_000);
  const [year, month] = [local.getUTCFullYear(), local.getUTCMonth() + 1];
  const q = QUARTER.exec(text);
  if (q) {
    const thisQuarter = Math.floor((month - 1) / 3) + 1;
    const n = q[1] ? Number(q[1]) : q[3] ? ORDINAL[q[2]!.toLowerCase()] : q[4] ? Number(q[4]) : thisQuarter + 1;
    const wanted = n ?? thisQuarter + 1;
    const y = wanted > 4 || wanted <= thisQuarter ? year + 1 : year;
    return `${y}-${String((((wanted - 1) % 4) * 3) + 1).padStart(2, '0')}-01`;
  }
  const ref = { instant, timezone: offset };
  // The date the deferral points at: the first one after the "not now" words ("not this
  // quarter — try me again in September" means September), else the first one.
  const cue = NOT_NOW.exec(text)?.index ?? 0;
  for (const parser of language === 'en' ? [CHRONO.en] : [CHRONO[language], CHRONO.en]) {
    const results = parser.parse(text, ref, { forwardDate: true });
    const found = results.find((r) => r.index > cue && !/^(this|the)\b/i.test(r.text)) ?? results.find((r) => !/^(this|the)\b/i.test(r.text));
    if (!found) continue;
    const c = found.start;
    const y = c.get('year')!;
    if (!c.isCertain('month') && !c.isCertain('day') && /\b(next|nächst|próxim|prochain|prossim|volgend)\w*\s+(year|jahr|año|ano|année|anno|jaar)\b/iu.test(found.text)) return `${y}-01-01`;
    const m = c.get('month')!;
    const d = c.isCertain('day') ? c.get('day')! : 1;
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return undefined;
}
