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
  // Wider families (added after the late-3 batch; each has a case in reply-families.test.ts):
  // "not the right/best time", "not a priority", "on hold", "down the road", "we're mid-migration"
  "not (the|a) (right|best|ideal|good) time", 'not (a|our) (top )?priority', '(on|put (this|it) on) hold', 'down the (road|line)', "(we'?re|we are) (in the )?mid[- ]", 'not this (quarter|year|month)', 'in the new year', 'later (in|this) the year',
  // "come back / reach back out / try again then"; "drop me a line in March" (after late-4: an
  // invitation to write later, which the opt-out families now leave alone)
  '(drop|send|shoot) (me|us) an? (line|note|message|mail|e-?mail) (again )?(in|after|next|later|around|then|once|when)\\b',
  '(reach|circle|come) back (out )?(to (me|us) )?(then|in|after|next|later|around)', '(try|ask|ping|email|contact) (me|us) (again )?(after|then|later|next|in)\\b',
  // Seasons and a few months/weeks away, in the seven languages ("after the summer", "im Frühjahr", "à la rentrée")
  '(after|over) the (summer|holidays)', 'nach (dem sommer|den (feiertagen|ferien)|ostern)', 'im (fr[üu]hjahr|herbst|sommer|winter|neuen jahr)', "apr[eè]s l['’][ée]t[ée]", "[àa] la rentr[ée]e", '(au printemps|en automne|cet automne)',
  'despu[eé]s del verano', 'depois d[oa]s? (ver[aã]o|f[ée]rias)', 'na de (zomer|vakantie)', "dopo (l['’]estate|le (ferie|vacanze))",
  'in ein paar (wochen|monaten)', 'dans (quelques|deux|trois) (semaines|mois)', 'dentro de (unos|un par de|dos|tres) (meses|semanas)', 'daqui a (uns|alguns|dois|tr[eê]s) (meses|semanas)', 'over (een paar|enkele|twee|drie) (weken|maanden)', '(tra|fra) (qualche|due|tre) (mesi|settimane)',
  "(l['’]ann[ée]e prochaine|n[äa]chstes jahr|el a[ñn]o que viene|el pr[oó]ximo a[ñn]o|(no )?ano que vem|pr[oó]ximo ano|volgend jaar|(l['’]anno prossimo|il prossimo anno))",
  // "not now / for now, no" and "we have no capacity right now" in the other languages
  '(momentan|zurzeit|derzeit|aktuell|gerade) (leider )?(nicht|keine? (zeit|kapazit))', 'keine kapazit[äa]ten', 'pas (maintenant|tout de suite|en ce moment|cette ann[ée]e)', "pas pour l['’]instant",
  'por (ahora|el momento) no', 'no es (una )?prioridad', 'por enquanto n[aã]o', 'no momento n[aã]o', 'n[aã]o [eé] (uma )?prioridade', 'momenteel niet', 'geen prioriteit', '(mail|bel) (me|ons) (later|over)',
  'per (ora|il momento) no', 'non (ora|adesso)', 'non [eè] una priorit', 'ne riparliamo', 'risentiamoci (pi[uù] avanti|tra|fra|dopo)',
  // (after reading late-2's errors) "heads-down until", "try again in May", "pick this up after Easter"
  'heads[- ]down', '\\btry (again|back) (in|after|next|later|then|around)', '(pick|take) (this|it) (back )?up (again )?(after|in|next|later|once)', 'after (easter|christmas|xmas|thanksgiving|the new year|new year)',  // Wider families (added after the late-5 batch; each has a case in reply-families.test.ts):
  // busy until a date, then "circle back mid-July / the first week of February"
  '(busy|booked|swamped|slammed|tied up|occupied) (until|till|through)\\b', '\\b(circle|check|reach|come|get) back( out)? (to (me|us) )?(the (first|second|last|week|start|end|beginning)|mid|early|late|end of|beginning of|start of)\\b',
  // other priorities now, in the seven languages ("we have other priorities", "andere Prioritäten")
  '(other|different) priorities', 'andere priorit[äa]ten', "d['’]autres priorit[ée]s", 'otras prioridades', 'outras prioridades', 'andere prioriteiten', 'altre priorit[àa]',
  // try / ask again in a while ("probeer het over een tijdje nog eens", "dans quelque temps")
  '\\bin a (little )?while\\b', 'in einiger zeit', 'dans quelque temps', 'dentro de un tiempo', 'daqui a (um|algum) tempo', 'over een (tijdje|poosje|tijd)', "(tra|fra) (un po['’]|qualche tempo)",
  'probeer (het )?(later|over|na|in)\\b', '(versuchen|probieren) sie es (sp[äa]ter|in|nach)', "r[ée]essayez (plus tard|dans|apr[eè]s|en)", 'int[ée]ntalo (m[aá]s adelante|en|despu[eé]s)', 'tente (novamente|de novo) (mais tarde|em|depois)', 'riprova (pi[uù] avanti|tra|fra|dopo)',
  // not until / after an event of theirs / too early, in the seven languages ("not until after our
  // launch", "erst nach der Messe", "pas avant la rentrée", "no antes de", "todavía no estamos listos")
  '\\bnot (until|before|till)\\b', "after (we|our|the) (\\p{L}+ ){0,2}(launch|close|rollout|migration|hire|fiscal|audit|reorg|funding|raise|board|renewal|merger|go[- ]live)", '\\btoo (soon|early)\\b', 'premature', "not (quite )?(ready|there) yet", 'wait (until|till|for) (after|the|our|we|next)',
  "let'?s (talk|chat|reconnect|speak|revisit) (again )?(in|after|next|early|later|around|once)\\b", "(can|could) we (talk|speak|reconnect|revisit) (in|after|next|early|later)\\b", '(get|come) back to (me|us) (in|after|next|later|around|once)\\b',
  'erst (ab|im|nach|wieder|n[äa]chst)', 'nicht vor (dem|der|ende|anfang|mitte|\\d)', '(noch )?zu fr[üu]h', 'noch nicht so weit', 'gegen ende (des|dieses|n[äa]chst)', 'anfang (n[äa]chst|des (n[äa]chsten|kommenden))', 'melden sie sich (gerne |bitte )?(wieder|nochmal|noch einmal|sp[äa]ter)',
  'pas avant', 'trop t[ôo]t', 'pas encore pr[eê]ts?', "(reparlons|rediscutons)-en", 'on en (re)?parle (plus tard|en|apr[eè]s|dans|l[àa])', "d[ée]but (de l['’]ann[ée]e|(de |d['’])?(janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre))", 'reprenez contact',
  'no antes de', 'demasiado pronto', 'todav[ií]a no estamos', 'a[uú]n no estamos', 'hablamos (en|despu[eé]s|m[aá]s adelante|el (pr[oó]ximo|a[ñn]o))', 'a principios de', 'a partir del? (pr[oó]ximo|a[ñn]o que viene)',
  'n[aã]o antes d', 'cedo demais', 'muito cedo', 'ainda n[aã]o estamos', 'falamos (em|depois|mais (para|pra) frente|no (pr[oó]ximo|ano))', 'mais (para|pra) frente', 'no in[ií]cio d[oea]', 'a partir d[oa] (pr[oó]xim|ano que vem)',
  'niet voor (de|het|eind|begin|\\d)', 'te vroeg', 'nog niet zo ver', 'begin (volgend|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)', 'spreken we (elkaar )?(later|in|na|over)',
  'non prima d', 'troppo presto', 'non (siamo )?ancora pronti', "(ad |a |all['’])inizio (del|di|dell|d['’])", 'riparliamone', 'sentiamoci (a|ad|tra|fra|dopo|verso) ',
  // third round: remind me / closer to / when budgets open, in the seven languages
  'remind me (in|next|after|closer|around|once)', "(ask|check with) (me|us) (again )?(closer to|nearer)", 'when (the )?budgets? (open|reset|renew|get approved)', 'come (the )?new year',
  'erinnern sie mich (im|in|nach|n[äa]chst|sp[äa]ter)', 'wenn (das|unser) (neue )?budget', "rappelez-moi (dans|en|apr[eè]s|l['’]ann[ée]e|plus tard)", 'relancez-moi', "quand (le|notre) budget", 'recu[eé]rdamelo|recu[eé]rdame (en|m[aá]s|despu[eé]s|el)', 'cuando tengamos presupuesto',
  'me lembre (em|mais|depois|no)', 'quando tivermos or[çc]amento', 'herinner (me|ons) (in|na|over|later)', 'als (het|ons) (nieuwe )?budget', 'ricordamelo', 'quando avremo (il )?budget',
]);

/** A refusal or push-back. */
const OBJECTION = re([
  // English
  'not interested', 'hard pass', "didn'?t work (out )?for us", 'not buying', 'appreciate (it|the offer),? but', 'no thanks', 'no,? thank you', 'thanks,? but no', "we('re| are) (happy|good|all set|set|covered)", "(we'?re|we are|i'?m) all set", 'already (use|have|work with|built)', 'too (expensive|pricey)',
  'no (budget|need)', "(don'?t|do not) need", "doesn'?t (fit|make sense)", 'not a (fit|priority)', "\\b(we'?ll|we will|going to|i'?ll|i will) pass\\b(?! (it|this|that) (on|along|around|to))", 'pass on this', 'not for us', 'not something we want',
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
  // Wider families (added after the late-3 batch; each has a case in reply-families.test.ts):
  // price: "the price point is above what we can justify", "out of our budget", "trop cher"
  '(price|pricing|cost)( point)? (is|seems|looks) (too|way|a bit|well|far|much|out|above|more)', "can'?t (justify|afford)", '(out of|over|above|beyond) (our|my) (budget|price range)',
  'zu teuer', 'trop cher', 'demasiado caro', 'muito caro', '\\bte duur\\b', 'troppo caro', 'hors (de )?budget',
  // no budget: "we don't have budget for this", "kein Budget", "não temos orçamento"
  "(don'?t|do not) have (the |a |any )?budget", 'kein budget', "(pas|plus) de budget", '(no tenemos|sin) presupuesto', '(n[aã]o temos|sem) or[çc]amento', 'geen budget', '(non abbiamo|nessun) budget',
  // a contract or a competitor: "locked into a contract with Outreach", "we went with Apollo", "nous utilisons déjà"
  '(locked|tied) in(to)?\\b', '(under|in) (a )?contract with', '(went|going|gone) with (another|a different|\\p{Lu})', '(signed|renewed) with', 'already (signed|committed|using|invested)',
  '(nutzen|verwenden|haben) (schon|bereits)', '(utilisons|avons) d[ée]j[aà]', 'on a d[ée]j[aà]', 'ya (usamos|utilizamos|trabajamos con)', 'j[aá] (usamos|utilizamos|trabalhamos com)', '(gebruiken|werken) (al|reeds)', '(usiamo|utilizziamo) gi[aà]',
  // policy and security: "legal won't approve it", "a non-starter", "against our policy", "GDPR"
  'non-?starter', 'deal-?breaker', "(won'?t|wouldn'?t|will not|would not|doesn'?t|does not) (approve|allow|sign off)", 'not allowed to', 'against (our|company) polic', '\\b(gdpr|dsgvo|rgpd)\\b', 'datenschutz',
  // no need: "we don't need", "brauchen wir nicht", "não precisamos", "non ci serve"
  'no (necesitamos|lo necesitamos)', 'n[aã]o precisamos', 'non ci serve', 'hebben (we )?geen behoefte', "n['’]en avons pas besoin",
  // (after reading late-2's errors) "zero interest", "nee dank je", "we doen dit al zelf", "pas pour nous"
  '\\b(zero|no|little) interest\\b', 'nee,? (dank|bedankt)', '(doen|regelen) (dit|dat|het) (al )?zelf', "(ce n['’]est )?pas pour nous", 'no es para nosotros', 'n[aã]o [eé] para n[oó]s', 'nichts f[üu]r uns',  // Wider families (added after the late-5 batch; each has a case in reply-families.test.ts):
  // no need, seen from the sender ("I don't see the need", "não vejo necessidade", "sehe keinen Bedarf")
  "(don'?t|do not) see (the |a |any )?(need|point|value)", 'sehe? (hier )?(keinen|keine) (bedarf|notwendigkeit|mehrwert)', "(je )?ne (vois|voyons) pas (l['’]int[ée]r[eê]t|la n[ée]cessit[ée]|le besoin)", "pas besoin (de|d['’])",
  'no (veo|vemos) (la )?necesidad', 'n[aã]o (vejo|vemos) (a )?necessidade', 'n[aã]o (temos|h[aá]) necessidade', 'zie(n)? (de )?(noodzaak|meerwaarde) (er )?niet', 'geen (noodzaak|behoefte)', 'non (vedo|vediamo) (la )?(necessit|utilit)', 'non ne abbiamo bisogno',
  // not a fit with how they work ("dit past niet bij hoe wij werken", "passt nicht zu uns", "no encaja con")
  "(isn'?t|is not|not) (really )?(a (good )?fit|how we work)", 'passt nicht (zu|in) (uns|unser)', 'ne (correspond|colle|convient) pas (à|a|avec|pour)', 'no (encaja|se ajusta|cuadra) (con|a|en)', 'n[aã]o (se encaixa|combina|se adequa) (com|a|ao|à|no|na)', 'past niet (bij|in) ', 'non (si adatta|fa al caso nostro|fa per la nostra)',
  // never / not in the market / happy with what they have / staying with it / not worth it / not relevant
  "(we'?re|we are|i'?m|i am) not (in the market|going to (buy|switch|change|move))", 'no (appetite|plans to (change|switch|buy|add|move))', "(won'?t|will not) be (buying|switching|changing|moving)", '(happy|satisfied|content) with (our|what we|the current|the one|it)', 'stick(ing)? with', 'our (current|existing) (vendor|tool|provider|solution|setup)', 'not worth (it|the)', '\\bnot relevant\\b', "we (don'?t|do not) do (cold|outbound)",
  'kein thema f[üu]r uns', 'nicht relevant', '(sind|bin) (sehr )?zufrieden mit', 'bleiben bei', '(arbeiten|sind) (bereits|schon) mit', 'lohnt sich (f[üu]r uns )?nicht', 'rechnet sich (f[üu]r uns )?(einfach )?nicht', 'kommt (f[üu]r uns )?nicht in frage', 'keine verwendung',
  "(sommes|suis) (tr[eè]s )?(satisfaits?|contents?) (de|d['’]|avec)", '(nous restons|on reste) (avec|sur|chez)', 'pas pertinent', 'hors de question', 'ne nous concerne pas', 'aucun int[ée]r[eê]t', 'pas adapt[ée]',
  '(estamos|estoy) (muy )?(contentos?|satisfechos?|content[oa]) con', 'no es relevante', 'no aplica', 'no nos (sirve|hace falta)', 'seguimos con', 'no (vamos|pensamos) (a )?cambiar', 'no tenemos previsto', 'no (merece|vale) la pena',
  '(estamos|estou) (muito )?(satisfeit|content)[oa]s? com', 'n[aã]o [eé] relevante', 'n[aã]o se aplica', 'n[aã]o nos serve', 'n[aã]o vamos (mudar|trocar)', 'n[aã]o compensa', 'n[aã]o vale a pena', 'continuamos com', 'n[aã]o faz sentido (para|pra) n[oó]s',
  '(zijn|ben) (erg |heel )?tevreden (met|over)', 'blijven bij', 'niet relevant', 'niet van toepassing', 'loont (voor ons )?niet', 'niet (de moeite )?waard', 'gaan niet (over|wisselen|overstappen)', 'geen toegevoegde waarde',
  '(siamo|sono) (molto )?soddisfatt', 'ci troviamo (molto )?bene con', 'non [eè] rilevante', 'non ne vale la pena', 'non (cambieremo|cambiamo)', 'restiamo con', 'non ha senso per noi',
  // third round: they do it themselves / chose someone else / too small
  "we (handle|do|manage) (this|that|it) (internally|ourselves|in-house)", '(already|just) (bought|purchased|chose|selected|picked)', '(chose|picked|selected|went for) (another|a different|a competitor|someone else)', '(too small|too early-stage) (for|to)', 'no use for',
  'machen wir (intern|selbst)', 'haben uns (bereits |schon )?f[üu]r (\\p{L}+ ){1,3}entschieden', 'kein mehrwert', 'zu klein f[üu]r', "(nous le faisons|on le fait) en interne", "(nous avons|on a) (d[ée]j[àa] )?choisi", 'trop petits? pour',
  'lo (hacemos|gestionamos) (internamente|nosotros)', 'ya (elegimos|hemos elegido|escogimos)', 'optamos por', 'somos (demasiado|muy) peque[ñn]os', 'fazemos (isso )?internamente', 'j[aá] escolhemos', 'optamos por', 'somos (muito )?pequenos (demais )?para',
  'doen we (intern|zelf)', 'hebben (al )?gekozen voor', 'te klein voor', 'lo (facciamo|gestiamo) internamente', 'abbiamo (gi[aà] )?(scelto|optato)', 'siamo troppo piccoli',
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
  // Wider families (added after the late-3 batch; each has a case in reply-families.test.ts):
  // "worth a look", "timely", "open to it", "count me in", "makes sense for us"
  'worth a (look|chat|call|conversation|try|shot)', '\\btimely\\b', "(i'?m|we'?re|i am|we are) open to", 'count (me|us) in', 'makes? sense for (us|me)', "i'?d like to (see|learn|hear|know)",
  // asking for or offering times: "send over a couple of slots", "grab 20 minutes on my calendar", "when are you free"
  '(send|share|give) (me |us )?(over )?(a (couple|few) of |some |a few |your )?(times|slots|availability|options)', '(grab|pick|book|find|take) (a |some |\\d+ )?(min|minutes|time|slot)', '(on|via|through) my calendar',
  'when (are|would|will) you (be )?(free|available)', "let'?s (connect|find a time|hop on|speak)", 'how does \\w+ look',
  // German: "lassen Sie uns telefonieren", "können wir sprechen", "passt mir", "ich bin offen"
  '(lassen sie uns|lass uns|k[öo]nnen wir)\\b[^.?!]{0,30}\\b(telefonieren|sprechen|reden|austauschen)', 'passt (mir|uns) gut', 'bin offen', 'melden sie sich gerne',
  // French: "un créneau", "on peut en parler", "ça me parle", "je veux bien", "intéressant", "quand êtes-vous disponible"
  'un cr[ée]neau', 'on peut (en )?(parler|[ée]changer)', '[çc]a me parle', 'je veux bien', 'int[ée]ressant', 'quand (êtes-vous|seriez-vous|es-tu) disponible', 'montrer (l[\'’]outil|la solution)',
  // Spanish: "me encantaría", "hablemos", "¿qué tal el miércoles?", "podemos hablar", "tiene sentido"
  'me encantar[ií]a', 'hablemos', 'qu[eé] tal el (lunes|martes|mi[eé]rcoles|jueves|viernes)', 'podemos (hablar|quedar|vernos|conversar)', 'cu[aá]ndo (puedes|podr[ií]as|te viene bien)', 'tiene sentido para',
  // Portuguese: "faz sentido", "bora marcar", "vamos conversar", "gostaria de saber mais"
  'faz (todo o )?sentido', '\\bbora\\b', 'vamos (conversar|marcar|falar|agendar)', 'podemos (conversar|falar|nos falar)', 'gostaria de (saber|ver|conhecer|entender)', 'me interessa',
  // Dutch: "lijkt me interessant", "laten we bellen", "wanneer heb je tijd", "stuur maar wat tijden"
  'lijkt me (interessant|goed|nuttig)', 'laten we\\b[^.?!]{0,30}\\b(bellen|afspreken|praten)', 'wanneer (heb je|heeft u|kun je|kunt u)', 'stuur (me )?(maar )?(een paar |wat )?(tijden|data|momenten)', '\\binteressant\\b',
  // Italian: "mi piacerebbe", "saperne di più", "quando saresti disponibile", "sentiamoci", "interessante"
  'mi piacerebbe', 'saperne di pi[uù]', 'quando (saresti|sei|sareste) disponibil', 'sentiamoci', 'possiamo (sentirci|parlarne|fare una call)', '\\binteressante\\b',
  // (after reading late-2's errors) "send me something I can forward to my boss"
  'send (me|us|over) (something|anything|material|a one[- ]pager|a summary|an overview)',  // Wider families (added after the late-5 batch; each has a case in reply-families.test.ts):
  // asking for material that comes before buying: a case study, a trial, a quote, pricing
  'case stud(y|ies)', '\\bfree trial\\b', 'trial (period|account|version|licen[cs]e)', '(do|can|could) (you|we) (offer|have|get|do|start|run) (a |an )?(free )?(trial|pilot)\\b', '(rough|ballpark) (cost|price|pricing|figure)', 'per[- ](seat|user) (cost|price|pricing)',
  'fallstudie', '(testzugang|testversion|kostenlos testen|probeversion)', "([ée]tude de cas|essai gratuit|version d['’]essai|un devis)", '(caso de (estudio|[ée]xito)|prueba gratuita|periodo de prueba)',
  '(estudo de caso|caso de sucesso|teste gr[aá]tis|per[ií]odo de teste)', '(praktijkvoorbeeld|proefperiode|gratis (uit)?proberen|een offerte)', '(caso (di )?studio|prova gratuita|periodo di prova|un preventivo)',
  // the next step proposed in the first person plural ("fissiamo una videochiamata", "agendemos", "planifions")
  '(fissiamo|organizziamo|facciamo) (una |un )?(call|videochiamata|chiamata|incontro|riunione|demo)', '(agendemos|coordinemos|programemos|organicemos) (una )?(llamada|reuni[oó]n|demo)', '(planifions|calons|organisons|fixons) (un |une )?(appel|rendez-vous|d[ée]mo|r[ée]union|point)',
  '(vereinbaren|machen) wir (gerne )?(einen|ein) (termin|call|telefonat|gespr[äa]ch)', '(plannen|prikken) we (een )?(call|afspraak|demo|gesprek)', '(marcamos|agendamos) (uma )?(reuni[aã]o|chamada|call|demo|apresenta)',
  // curiosity that asks for more ("mi incuriosisce", "macht mich neugierig", "fiquei curioso")
  'mi incuriosisc', 'macht mich neugierig', 'maakt me nieuwsgierig', 'fiquei curios', 'me (da|genera) curiosidad', "[çc]a m['’]intrigue",
  // the price asked, material asked for, a call or a time proposed, in the seven languages
  "how much (is|does|would|will)", "what('?s| is| are| would be) (the |your )?(price|cost|pricing|rates?)", '(show|walk) (me|us) (through|how|around)', 'up for a (call|chat|demo)', "i'?m game", 'sounds promising', 'intrigued', "(we'?ve|we have) been looking for", 'looking for (something|a tool|a solution) like', "(set|put) something (up|in)", '\\b(mon|tue|wed|thu|fri|tomorrow|today|next week|how about|what about)\\p{L}*[^.?!]{0,20}\\b\\d{1,2}(:\\d\\d)? ?(am|pm)\\b',
  '(wie ?viel|was) kostet', 'schicken sie (mir |uns )?(gern |gerne |bitte )?(unterlagen|infos|informationen|ein angebot|details|material)', '(senden|schicken|mailen) sie (mir |uns )?(gern |gerne |bitte )?(\\p{L}+ )?unterlagen', 'zeigen sie (mir|uns)', 'vielversprechend', 'interessiert mich', 'mehr erfahren', 'h[äa]tte (grunds[äa]tzlich |durchaus )?interesse', 'rufen sie (mich|uns) (gern |gerne )?an', '\\bum \\d{1,2}([.:]\\d\\d)? uhr',
  'combien (ça|cela|ca) co[uû]te', 'quel (est|serait) (le|votre) (prix|tarif)', "envoyez-moi (plus d['’]infos|la doc|une doc|une brochure|les d[ée]tails|une pr[ée]sentation)", 'je suis (preneur|preneuse)', '(ça|cela) (peut|pourrait) nous int[ée]resser', 'appelez-moi', 'montrez-moi', 'prometteu(r|se)', '\\b[àa] \\d{1,2}h(\\d\\d)?\\b',
  'cu[aá]nto cuesta', 'qu[eé] precio', '(env[ií]ame|m[aá]ndame|enviadme) (m[aá]s )?(informaci[oó]n|detalles|la propuesta|una propuesta|el material)', 'll[aá]mame', 'me apunto', 'suena (bien|interesante|prometedor)', 'nos (puede|podr[ií]a) interesar', 'estamos buscando algo (as[ií]|parecido)', '\\ba las \\d{1,2}',
  'quanto custa', 'qual (o|[eé] o) (pre[çc]o|valor)', 'me (mande|envie|manda|envia) (mais )?(informa[çc][õo]es|detalhes|material|a proposta|uma proposta)', '(pode me ligar|me liga)', 'parece (interessante|bom|promissor)', 'estamos procurando algo (assim|parecido)', '\\b[àa]s \\d{1,2}(h|:)',
  'wat kost', 'wat zijn de (kosten|prijzen)', 'stuur (me |ons )?(gerust )?(meer )?(info|informatie|details|een voorstel)', 'bel (me|ons) gerust', 'klinkt (interessant|veelbelovend)', '\\bom \\d{1,2}([.:]\\d\\d)? uur', 'sta ik voor open', 'zijn we (naar )?op zoek',
  'quanto costa', 'qual [eè] il prezzo', '(mandami|inviami|mandatemi|inviatemi) (pi[uù] )?(informazioni|dettagli|materiale|una proposta|il listino)', 'chiamami', 'mi sembra interessante', 'promettente', 'stiamo cercando qualcosa (del genere|di simile)', '\\balle \\d{1,2}',
  // third round: next steps asked, "this could help us", "how do we get started"
  'what are (the )?next steps', '\\bnext steps\\?', '(how|when) (can|do|would) we (start|begin|get started|kick off)', 'where do i sign', '(this|that|it) (could|might|would) (really )?(help|be (useful|handy) (for|to)) (us|me|our)\\b', '(we|i) could use (something|a tool|help|this)',
  'wie geht es (jetzt )?weiter', 'n[äa]chsten? schritte', 'wie (k[öo]nnen|w[üu]rden) wir (starten|anfangen|beginnen)', '(das|es) k[öo]nnte uns (\\p{L}+ )?(helfen|n[üu]tzlich sein)', "(quelles sont les )?prochaines [ée]tapes", "comment (on d[ée]marre|d[ée]marrer|peut-on (d[ée]marrer|commencer))", "(ça|cela) pourrait nous (aider|[eê]tre utile)",
  '(pr[oó]ximos|siguientes) pasos', 'c[oó]mo (empezamos|arrancamos)', 'nos vendr[ií]a bien', 'podr[ií]a (sernos [uú]til|ayudarnos)', 'pr[oó]ximos passos', 'como (come[çc]amos|iniciamos)', '(pode|poderia) nos ajudar', 'seria (bem |muito )?[uú]til (para n[oó]s|pra gente|para a gente|para o nosso|para a nossa)',
  'volgende stappen', 'hoe (gaan we verder|beginnen we|starten we)', '(zou|kan) ons (goed )?(kunnen )?helpen', 'komt als geroepen', 'prossimi passi', 'come (partiamo|iniziamo|procediamo)', 'potrebbe (esserci utile|aiutarci)', 'ci farebbe comodo',
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
  // Wider families (added after the late-3 batch; each has a case in reply-families.test.ts):
  // someone else owns it: "Priya runs our SDR team", "I don't own this anymore", "X is your person"
  "(i )?(don'?t|do not|no longer) (own|handle|manage|run|look after) (this|that|it|sales|outbound)", '\\b(runs|manages|leads|owns|heads( up)?) (our|the) ', 'is (your|the) (person|contact|man|woman|guy)', "(copying|adding|looping|cc'?ing) (in )?(my|our|her|him|them)",
  // German: "kümmert sich darum", "leite ich weiter", "in Kopie", "ist dafür verantwortlich"
  'k[üu]mmert sich', 'leite (ich |es |das )?(gerne )?weiter', 'in kopie', 'verantwortlich',
  // French: "c'est X qui gère", "voyez avec", "je mets X en copie", "s'en occupe"
  'qui g[èe]re', 'voyez avec', 'en copie', "s['’]en occupe", 'responsable de',
  // Spanish / Portuguese: "te paso con", "que lleva ventas", "se encarga", "quem cuida", "em cópia"
  'te paso con', 'le paso con', 'que lleva', 'se encarga', 'encargad[oa] de', 'en copia', 'quem cuida', 'respons[aá]vel (por|pel)', 'em c[oó]pia', 'vou encaminhar',
  // Dutch: "dit ligt bij", "gaat hierover", "in de cc", "verantwoordelijk"
  'ligt bij', 'gaat (hier|daar)over', 'in (de )?cc', 'verantwoordelijk',
  // Italian: "se ne occupa", "rivolgiti a", "in copia", "responsabile"
  'se ne occupa', 'rivolg(iti|ersi|etevi) a', 'in copia', 'responsabile',
  // (after reading late-2's errors) "please direct this to Karin Holm instead"
  '(direct|redirect|send|forward|pass) (this|it|your (e-?mail|message|note)) (on )?to',  // Wider families (added after the late-5 batch; each has a case in reply-families.test.ts):
  // "ask / write to / try X", "X is who you want", "X makes the call", "passing you over to X"
  '\\b(ask|try|email|e-mail|ping|write to|hit up)\\s+(\\p{Lu}|my |our |him|her|them)', 'is (who|the one) you (want|need)', '(makes|decides|signs off on) (the|these|such) (call|decisions?|purchases?)', '(passing|handing|sending) you (over|on)( to)?', 'better (placed|suited) to',
  '(schreiben|fragen) sie (bitte |gerne |am besten )?(an |bei )?(\\p{Lu}|meine|meinen|unsere|unseren)', 'da (m[üu]ssten|sollten) sie', '\\b(leitet|betreut|entscheidet)\\b', 'stelle (den |einen )?kontakt her',
  "(écrivez|[ée]crire|adressez-vous|s['’]adresser) (plut[ôo]t )?(à|a)\\b", "c['’]est \\p{Lu}\\p{Ll}+ (\\p{Lu}\\p{Ll}+ )?qui", 'je (transmets|transf[èe]re)', 'je vous mets en (relation|contact)',
  'escr[ií]b(ele|ale|e|a) a\\b', 'contacta con', 'pregunt(a|e)le a', 'quien decide', 'lo lleva', 'te (pongo|pondr[ée]) en contacto', 'reenv[ií]o a',
  'escreva (para|ao|à)', 'procure (o|a)\\b', 'quem decide', 'vou repassar', '(te|o|a) coloco em contato',
  'mail (even |gerust )?naar', 'vraag (het )?(even )?(aan|bij)', 'stuur (het |dit )?(even )?(door )?naar', '\\bbeslist\\b', 'stuur (het|dit|je) door',
  'scriv(a|ere|ete|i) (pure )?a\\b', 'chied(i|a|ete) a\\b', '\\bdecide (lui|lei)\\b', 'inoltro a', '(ti|la|vi) metto in contatto',
]);

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Two or three capitalised words, Dutch/Portuguese/Italian particles allowed between them ("Joost de Boer"). */
const NAME = /\b(\p{Lu}[\p{Ll}'’-]+(?: (?:de|da|do|dos|van|von|der|den|di|del|la|le))?(?: \p{Lu}[\p{Ll}'’-]+){1,2})\b/gu;
/** Titles, role nouns and imperatives that precede a name (German capitalises every noun: "Kollege Markus Weber"; "Ask Noor Malik"). */
const TITLE = /^((Ask|Try|Email|Ping|Contact|Call|Write|Leiterin|Leiter|Chefin|Chef|Kolleginnen|Kollegin|Kollegen|Kollege|Colleague|Herr|Frau|Mr|Mrs|Ms|Dr|Monsieur|Madame|Señor|Señora|Senhor|Senhora|Signor|Signora|Collega|Collègue|Mevrouw|Meneer)\.? )+/u;
/** Greetings, role words, and a German verb with the formal "Sie" ("Wenden Sie sich an …"), which are no name. */
const NOT_NAMES = /^(Quick|Please|Thanks|Thank|Hello|Hi|Hey|Dear|Hallo|Bonjour|Hola|Olá|Hoi|Ciao|Sales|Head|Vice|Best|Kind|Regards|Sent|Sam Rivera|Lumina)\b|\b(Team|Inc|Ltd|GmbH|Sales|Ops|Support)$|\b(Sie|Ihnen|Ihr|Ihre)\b/u;

/**
 * A referral: a hand-off cue and, after it, the person (a name or an address other than the
 * sender's and ours), or a plain "I'm not the right person / no longer here".
 */
function referralIn(text: string, ownIds: string[]): Meaning['referral'] | null {
  const ids = ownIds.map((o) => o.toLowerCase());
  const cue = REFERRAL_CUE.exec(text);
  if (!cue) return namedAddress(text, ids);
  // A hand-off often names the person first and the cue after ("Priya Shah (priya@…) runs our
  // team now, loop her in"): an address that is neither the sender's nor ours, anywhere in the
  // reply, is the referred person, with the name written just before it.
  const third = [...text.matchAll(EMAIL)].find((m) => { const e = m[0].toLowerCase().replace(/\.$/, ''); return !ids.some((o) => o.includes(e)) && !e.endsWith('@lumina.test'); });
  if (third && third.index < cue.index) {
    const email = third[0].toLowerCase().replace(/\.$/, '');
    const lead = text.slice(Math.max(0, third.index - 60), third.index);
    const names = [...lead.matchAll(NAME)].map((m) => m[1]!.replace(TITLE, '')).filter((n) => n.includes(' ') && !NOT_NAMES.test(n));
    const name = names[names.length - 1];
    return { ...(name ? { name } : {}), email };
  }
  const after = text.slice(cue.index);
  const addresses = [...after.matchAll(EMAIL)].filter((m) => { const e = m[0].toLowerCase().replace(/\.$/, ''); return !ids.some((o) => o.includes(e)) && !e.endsWith('@lumina.test'); });
  const email = addresses[0]?.[0].toLowerCase().replace(/\.$/, '');
  const nameIn = (part: string) => [...part.matchAll(NAME)]
    .map((m) => m[1]!.replace(TITLE, ''))
    .filter((n) => n.includes(' ') && !NOT_NAMES.test(n) && !ids.some((o) => o.includes(n.toLowerCase())));
  // The name written just before the address ("an Giulia Ferri, responsabile vendite: giulia@…",
  // "meinen Kollegen Markus Weber (markus@…)") is the person's, even when the cue stands between
  // them or a capitalised verb comes first; else the first name after the cue.
  const at = addresses[0] ? cue.index + addresses[0].index : -1;
  const near = at >= 0 ? nameIn(text.slice(Math.max(0, at - 60), at)) : [];
  const name = near[near.length - 1] ?? nameIn(after)[0];
  if (!email && !name) {
    // "I'm not the right person" with nobody named is still a hand-off; a bare "contact" is not.
    return /i'?m not the (right|best)|not my area|no longer (with|at|work)|moved to a different role|pas la bonne personne|no soy la persona|n[aã]o sou a pessoa|niet de juiste persoon|non sono la persona/iu.test(text) ? {} : null;
  }
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/** Asking to be contacted again, in the seven languages (the follow-up date comes after it). */
const CONTACT_AGAIN = new RegExp([
  '\\b(circle|check|reach|get|come) back( out)?', '\\bfollow up', '\\breach out', '\\b(ping|contact|email|e-mail|call|try) (me|us)', '\\b(drop|send) (me|us) an? (line|note)',
  '\\bmelden sie sich', '\\bkommen sie', '\\bschreiben sie (mir|uns)', '\\brevenez', '\\brecontacte[zr]', '\\brelance[zr]', "\\b[ée]crivez[- ]moi",
  '\\bescr[ií]b(eme|anme|ame)', '\\bcont[aá]ct(ame|eme|enme)', '\\bvuelv(e|a|an) a', '\\bvolte a', '\\bfale comigo', '\\bme procure', '\\bentre em contato',
  '\\bneem contact op', '\\b(mail|bel) (me|ons)', '\\bprobeer', '\\bricontatt', '\\bscrivimi', '\\brisentiamoci', '\\bne riparliamo',
].join('|'), 'giu');

/**
 * A hand-off without any cue word: a person's full name with an address that is neither the
 * sender's nor ours right after it ("Marta Ruiz, marta@…", "Jon Hale (jon@…)"). Giving a rep
 * someone else's contact in a reply is handing the conversation over.
 */
function namedAddress(text: string, ids: string[]): Meaning['referral'] | null {
  for (const m of text.matchAll(EMAIL)) {
    const email = m[0].toLowerCase().replace(/\.$/, '');
    if (ids.some((o) => o.includes(email)) || email.endsWith('@lumina.test')) continue;
    const lead = text.slice(Math.max(0, m.index - 40), m.index);
    const names = [...lead.matchAll(NAME)].map((n) => n[1]!.replace(TITLE, '')).filter((n) => n.includes(' ') && !NOT_NAMES.test(n) && !ids.some((o) => o.includes(n.toLowerCase())));
    const name = names[names.length - 1];
    if (name) return { name, email };
  }
  return null;
}

const NOW_WORD = /^(now|right now|today|jetzt|heute|maintenant|aujourd['’]hui|ahora|hoy|agora|hoje|nu|vandaag|ora|adesso|oggi)$/iu;

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
    // "Pas maintenant", "ahora no": the word for "now" is the deferral itself, never the day to follow up.
    const usable = results.filter((r) => !/^(this|the)\b/i.test(r.text) && !NOW_WORD.test(r.text));
    // A date right after "circle back / melden Sie sich / revenez vers moi" is the day asked for,
    // over a busy-until date the deferral mentions first ("mid-migration until the end of
    // January. Circle back the first week of February").
    const again = [...text.matchAll(CONTACT_AGAIN)].map((m) => m.index + m[0].length);
    const asked = usable.find((r) => again.some((end) => r.index >= end && r.index - end <= 40));
    const found = asked ?? usable.find((r) => r.index > cue) ?? usable[0];
    if (!found) continue;
    const c = found.start;
    const y = c.get('year')!;
    if (!c.isCertain('month') && !c.isCertain('day') && /\b(next|nächst|próxim|prochain|prossim|volgend)\w*\s+(year|jahr|año|ano|année|anno|jaar)\b/iu.test(found.text)) return `${y}-01-01`;
    const m = c.get('month')!;
    const d = c.isCertain('day') ? c.get('day')! : 1;
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return monthAlone(text.slice(cue), year, month);
}

/**
 * A month named alone after the deferral ("recontactez-moi en janvier", "a ottobre", "em março"),
 * which chrono's French, Portuguese and Dutch parsers do not read without a day: its first day,
 * this year if still ahead, else next year.
 */
const MONTHS: string[][] = [
  ['january', 'januar', 'janvier', 'enero', 'janeiro', 'januari', 'gennaio'],
  ['february', 'februar', 'février', 'fevrier', 'febrero', 'fevereiro', 'februari', 'febbraio'],
  ['march', 'märz', 'maerz', 'mars', 'marzo', 'março', 'marco', 'maart'],
  ['april', 'avril', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'maio', 'mei', 'maggio'],
  ['june', 'juni', 'juin', 'junio', 'junho', 'giugno'],
  ['july', 'juli', 'juillet', 'julio', 'julho', 'luglio'],
  ['august', 'août', 'aout', 'agosto', 'augustus'],
  ['september', 'septembre', 'septiembre', 'setembro', 'settembre'],
  ['october', 'oktober', 'octobre', 'octubre', 'outubro', 'ottobre'],
  ['november', 'novembre', 'noviembre', 'novembro'],
  ['december', 'dezember', 'décembre', 'decembre', 'diciembre', 'dezembro', 'dicembre'],
];
const MONTH_WORD = new RegExp(`(?<!\\p{L})(${MONTHS.flat().join('|')})(?!\\p{L})`, 'iu');
function monthAlone(text: string, year: number, month: number): string | undefined {
  const m = MONTH_WORD.exec(text);
  if (!m) return undefined;
  // "may" is also an English verb: only a month when a preposition stands before it.
  if (/^may$/i.test(m[1]!) && !/\b(in|by|early|late|mid|until|after)\s*$/i.test(text.slice(0, m.index))) return undefined;
  const n = MONTHS.findIndex((names) => names.includes(m[1]!.toLowerCase())) + 1;
  return `${n > month ? year : year + 1}-${String(n).padStart(2, '0')}-01`;
}
