/**
 * Whether a person's own words (quoted history already removed) ask to stop receiving
 * mail. A reply that only mentions an unsubscribe link, or asks not to be removed, is not
 * a request. `mentionsOptOut` marks replies worth a second opinion from the AI classifier.
 */
export function isUnsubscribeRequest(ownText: string): boolean {
  const text = ownText.replace(/\s+/g, ' ').trim();
  if (text === '') return false;
  if (BARE_REQUEST.test(text)) return true;
  for (const re of REQUESTS) {
    for (const m of text.matchAll(re)) {
      const before = text.slice(Math.max(0, m.index - 25), m.index);
      if (!NEGATION.test(before)) return true;
    }
  }
  return false;
}

/** Words around opting out that did not make a clear request. */
export function mentionsOptOut(ownText: string): boolean {
  return /unsubscrib|opt[ -]?out|remove|mailing list|stop|abmelden|désabonn|baja|elimin|borr|lista|liste|list\b|verteiler|entfern|lösch|retir|supprim|cancell|rimuov|verwijder|uitschrijv|remov|descadastr/i.test(ownText);
}

/** The whole message is the request ("Unsubscribe", "STOP", "remove me."). */
const BARE_REQUEST = /^(please[ ,]*)?(unsubscribe|remove|stop|opt[ -]?out|abmelden|austragen|désabonner|désinscription|baja|darse de baja|cancelar|uitschrijven|disiscrivi|cancella)( me| us)?( please)?[.!]*( thanks?( you)?[.!]*)?$/i;

const g = (source: string) => new RegExp(source, 'giu');

const REQUESTS = [
  g(String.raw`\b(unsubscribe|remove|delete|drop|take) (me|us|my (e-?mail|address|name|details|contact)|this (e-?mail|address))\b`),
  g(String.raw`\b(take|get) (me|us|my \w+) off\b`),
  g(String.raw`\b(off|from) (your|this|the) (mailing |e-?mail |contact |distribution )?(list|database|list)s?\b(?! (of|for|includes))`),
  g(String.raw`\b(stop|quit|cease) (e-?mailing|emailing|contacting|sending|writing|messaging|spamming|bothering)( me| us)?\b`),
  g(String.raw`\b(don'?t|do not|never) (e-?mail|contact|write to|message|send me|send us)\b`),
  g(String.raw`\bno (more|further) (e-?mails?|messages|contact|mail)\b`),
  g(String.raw`\b(i|we) (want|would like|wish|need|'d like) to (unsubscribe|be removed|opt[ -]?out|stop receiving)\b`),
  g(String.raw`\bunsubscribe\b(?! (link|button|page|option|footer|url|at the bottom|process))(?=[ .!,]*(me|us|please|from|now|thanks?|$))`),
  g(String.raw`\bopt(ing)?[ -]?out\b(?! (link|button|page))`),
  // Asking how or where to unsubscribe is asking to be unsubscribed (we do it for them).
  // ("Where is the unsubscribe button? Kidding" takes it back.)
  g(String.raw`\b(how|where)\b[^.?!]{0,30}\b(unsubscrib|opt[ -]?out)(?![^]{0,40}\b(kidding|joking|jk)\b)`),
  // German, French, Spanish, Italian, Dutch, Portuguese
  g(String.raw`\b(bitte )?(entfernen|löschen|streichen) sie (mich|meine)|\bmelden sie mich ab\b|\bkeine (weiteren )?(e-?mails|nachrichten|mails)\b|\bnicht mehr (kontaktieren|anschreiben|schreiben)\b|\babmelden\b`),
  g(String.raw`\b(désinscri|désabonn|retirez[- ]moi|me retirer de|ne (plus|pas) me (contacter|écrire|envoyer)|ne plus recevoir|supprimez[- ]moi)`),
  g(String.raw`\b(darme de baja|dar de baja|no me (envíen|envíes|escriban|contacten)|elimín(e|a)me|bórrenme|quitarme de)`),
  // A removal verb on "my address / my data" or "from your list / database", in the verb forms
  // people write (imperative, polite plural, infinitive): the family, not a fixed sentence.
  g(String.raw`\b(elimin|borr|quit|sac)\p{L}*\s+(mi|mis)\s+(correo|email|e-mail|dirección|direccion|datos|contacto)`),
  g(String.raw`\b(de|desde)\s+(su|sus|tu|la|vuestra)\s+(lista|base de datos|listado)\b`),
  g(String.raw`\b(remove|delete|erase|drop|take)\s+(my|our)\s+(e-?mail|address|name|data|details|contact)`),
  g(String.raw`\boff\s+(your|the|this|whatever|any)\s+(\w+\s+){0,3}list`),
  g(String.raw`\b(entfern|lösch|streich)\p{L}*\s+(sie\s+)?(mich|meine)`),
  g(String.raw`\b(cancellami|rimuovimi|non (contattarmi|scrivermi|inviatemi)|disiscriv)`),
  g(String.raw`\b(uitschrijven|verwijder (mij|me)|geen (e-?mails|mails|berichten) meer)\b`),
  g(String.raw`\b(descadastr|me remova|remover-me|não (me )?(envie|contate))`),
  // Wider families (added after the late-3 batch; each has a case in reply-families.test.ts).
  // French elided and polite forms: "ne plus m'écrire", "ne me contactez plus", "rayez-moi de votre fichier".
  g(String.raw`\bne (plus|pas) m['’](écrire|envoyer|solliciter)|\bne me (contactez|écrivez|sollicitez|envoyez) plus\b|\b(enlevez|rayez|effacez)[- ]moi|\bde (votre|vos) (liste|fichier|base)s?\b`),
  // Portuguese and Spanish removal verbs in every person: "me tirem da lista", "tire-me", "sáquenme", "no me vuelvan a escribir".
  g(String.raw`\bme (tir|retir|remov|exclu|apag)\p{L}*\b|\b(tir|retir|exclu|apag)\p{L}*-me\b|\bd[ao] (sua |vossa |de vocês )?lista\b|\bn[aã]o (me )?(mandem|enviem|contatem|escrevam|mande|escreva)( mais)?\b`),
  g(String.raw`\b(s[aá]quenme|s[aá]came|quitenme|qu[ií]tame)\b|\bno (me )?(vuelvan|vuelvas) a (escribir|contactar|enviar)|\bno quiero recibir\b`),
  // Italian "non contattatemi più", "toglietemi dalla lista", "non scrivetemi".
  g(String.raw`\bnon (mi )?(contatt|scriv|invi|mand)\p{L}*( pi[uù])?(?!\p{L})|\b(toglietemi|toglimi|cancellatemi|rimuovetemi)\b|\bdalla (vostra |tua )?(lista|mailing)`),
  // English: "no more of these", "I don't want these emails", "stop sending".
  g(String.raw`\b(stop|quit) (sending|these|the e-?mails)\b|\b(i|we) (don'?t|do not) want (to receive |any more |these )?(e-?mails|messages)\b`),
];

const NEGATION = /\b(don'?t|do not|never|not|no need to|why did you|please don't|no)\s*(\w+\s*){0,3}$/i;
