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
  return /unsubscrib|opt[ -]?out|remove|mailing list|stop|abmelden|désabonn|baja|elimin|borr|lista|liste|list\b|verteiler|entfern|lösch|retir|supprim|cancell|rimuov|verwijder|uitschrijv|remov|descadastr|austrag|afmeld|desuscrib|disiscriv|werbung|reclame|mailinglijst|lijst|keine \p{L}+ mehr|plus de (mails|messages|courriels)|no más|não quero receber/iu.test(ownText);
}

/** The whole message is the request ("Unsubscribe", "STOP", "remove me."). */
const BARE_REQUEST = /^(please[ ,]*)?(unsubscribe|remove|stop|opt[ -]?out|abmelden|austragen|désabonner|désinscription|baja|darse de baja|cancelar|uitschrijven|disiscrivi|cancella)( me| us)?( please)?[.!]*( thanks?( you)?[.!]*)?$/i;

const g = (source: string) => new RegExp(source, 'giu');

const REQUESTS = [
  // "Drop me a line / a note" is an invitation, and "take me through it" a demo request: "drop"
  // and "take" only count with a removal target (off / from / out of), the others on their own.
  g(String.raw`\b(unsubscribe|remove|delete|erase) (me|us|my (e-?mail|address|name|details|contact)|this (e-?mail|address))\b`),
  g(String.raw`\b(drop|take|strike|scratch|cross) (me|us|my (e-?mail|address|name|details|contact)|this (e-?mail|address)) (off|from|out of)\b`),
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
  // Wider families (added after the late-4 batch: a missed request is a compliance failure, so
  // these favour recall; each has a message of its own in reply-families.test.ts).
  //
  // 1. Take / remove / delete me from (your) (mailing) list, database, distribution: the target
  //    named in each language, whoever the verb is ("haal mij van jullie mailinglijst", "nehmen
  //    Sie mich aus dem Verteiler", "cancellatemi dal vostro database").
  //    A bare "from the newsletter / database" is where someone heard of us or what they pull
  //    data from: "the" counts only before a mailing or distribution list, possessives before any.
  g(String.raw`\b(off|from|out of) (your|this|any|all|whatever|every) (\w+ ){0,2}(mailing|mailings|database|databases|distribution|contact list|send list|marketing list)\b(?! (of|for)\b)|\b(off|from|out of) the (mailing|distribution|marketing|contact) list\b`),
  g(String.raw`\b(aus|von) (ihrer|ihrem|ihren|eurer|eurem|deiner|deinem) (\p{L}*liste|\p{L}*verteiler|datenbank|kartei|adressbestand|mailings?)(?!\p{L})|\b(aus|von) (dem|diesem) \p{L}*verteiler\b|\b(aus|von) (der|dieser) (mailing|verteiler|e-?mail|kontakt|adress)\p{L}*liste\b`),
  g(String.raw`\bde (votre|vos|cette|ta|tes|la) (liste de diffusion|mailing|newsletter|base de données|fichier client|liste d['’]envoi)`),
  g(String.raw`\b(de|desde) (su|sus|tu|tus|la|vuestra|esta) (lista de (correo|distribución|envío)|base de datos|mailing)`),
  g(String.raw`\b(d[ao]|desta|dessa) (sua |vossa |tua |de vocês )?(lista|base de dados|mailing|newsletter|cadastro)\b`),
  g(String.raw`\b(van|uit) (jullie|uw|je|jouw) (\p{L}*lijst|\p{L}*bestand|database|mailings?)(?!\p{L})(?! (van|met|voor)\b)|\b(van|uit) (de|het|deze|dit) (mailing|verzend|adressen|e-?mail)\p{L}*(lijst|bestand)\b`),
  g(String.raw`\b(haal|verwijder|schrap) (mij|me|ons|mijn (e-?mail|adres|gegevens))\b`),
  g(String.raw`\b(dalla|dal) (vostra |vostro |tua |tuo |sua |suo )?(lista|mailing|database|banca dati|elenco|indirizzario)(?!\p{L})`),
  g(String.raw`\b(rimuov|cancell|elimin)\p{L}* (il mio|i miei|la mia) (indirizzo|dati|e-?mail|contatto|nominativo)`),
  g(String.raw`\b(remov|exclu|apag|delet)\p{L}*-me\b|\b(remov|exclu|apag)\p{L}* (o )?meu (e-?mail|endereço|contato|cadastro)|\b(remov|exclu|apag)\p{L}* (os )?meus dados`),
  // 2. No more emails / mails / messages / advertising / newsletters (from you): the negative and
  //    "more" wherever each language puts them ("keine Werbung mehr", "geen reclame meer", "plus
  //    de mails", "no más correos", "não quero receber mais", "non voglio più ricevere").
  g(String.raw`\bno (more|further) (\w+ )?(e-?mails?|mails?|messages|contact|newsletters?|marketing|advertising|ads|promotions?|outreach|solicitations?|spam)\b`),
  g(String.raw`\b(i|we) (don'?t|do not|no longer) (want|wish|need) (to (receive|get) )?(any )?(more |further |these |your |the )?(e-?mails|mails|messages|newsletters|marketing|advertising|promotions)\b|\b(i|we) (don'?t|do not|no longer) (want|wish) to (receive|get|hear)\b[^.!?]{0,30}\b(from you|anything|more|again)\b`),
  g(String.raw`\bkeine (\p{L}+ ){0,2}(werbung|werbe\p{L}*|e-?mails?|mails?|nachrichten|post|newsletter|zuschriften|angebote|infos?|informationen|kontaktaufnahmen?)(?!\p{L})([^.!?]{0,40}\bmehr\b)|\bkeine weiteren (\p{L}+ )?(werbung|werbe\p{L}*|e-?mails?|mails?|nachrichten|post|newsletter|zuschriften|angebote)(?!\p{L})`),
  g(String.raw`\bnicht (mehr|länger) (\p{L}+ ){0,3}(kontaktieren|anschreiben|schreiben|anmailen|mailen|zuschicken|zusenden|erhalten|bekommen|belästigen|anrufen)\b|\b(nichts|nie) mehr (\p{L}+ ){0,3}(erhalten|bekommen|zusenden|schicken|senden)\b`),
  g(String.raw`\bgeen (\p{L}+ ){0,2}(e-?mails?|mails?|reclame|berichten|nieuwsbrie\p{L}*|post|mailings?|aanbiedingen|informatie)(?!\p{L})[^.!?]{0,40}\bmeer\b|\bniet (meer|langer) (\p{L}+ ){0,3}(mailen|e-?mailen|benaderen|contacteren|ontvangen|sturen|toesturen|lastigvallen)\b`),
  g(String.raw`(^|[.!?,;:] ?|\b(svp|merci|stp) )plus de (mails?|e-?mails?|courriels?|messages?|pubs?|publicités?|sollicitations?|newsletters?|prospection)\b|\bplus de (mails?|e-?mails?|courriels?|messages?|publicités?|sollicitations?|newsletters?) de (votre|ta) part\b|\bne (veux|voulons|souhaite|souhaitons|désire|désirons) plus (\p{L}+ ){0,2}(recevoir|être contacté|être sollicité|entendre parler)`),
  g(String.raw`\bno m[aá]s (correos|e-?mails|mails|mensajes|publicidad|propaganda|newsletters?|boletines)\b|\bno (quiero|deseo|queremos|deseamos) (seguir )?recibir\b|\bno (quiero|queremos) saber nada m[aá]s de (ustedes|vosotros|usted|ti)\b`),
  g(String.raw`\bn[aã]o (quero|desejo|queremos|desejamos) (mais )?receber\b|\bchega de (e-?mails|mensagens|mails|propaganda)\b|\bmais nenhum (e-?mail|contato|contacto)\b`),
  g(String.raw`\bnon (voglio|desidero|vogliamo|desideriamo) (pi[uù] )?(ricevere|essere (pi[uù] )?contattat)|\bbasta (con )?(le )?(e-?mail|mail|messaggi|newsletter|pubblicità)(?!\p{L})|\bnessun['’]?altr[ao] (e-?mail|mail|messaggio)`),
  // 3. Stop emailing / contacting me, in every language's "stop doing" form.
  g(String.raw`\b(stop|quit|cease) (e-?mailing|mailing|contacting|sending|writing|messaging|spamming|bothering|reaching out|pitching)\b|\bplease stop\b(?! (by|in)\b)`),
  g(String.raw`\bh[öo]ren sie (bitte )?auf,? (mich|mir|uns)|\bschreiben sie mir nicht mehr\b`),
  g(String.raw`\b(arrêtez|arrête|cessez|merci d['’]arrêter) (de |d['’])(m['’]|me |nous )?(envoyer|écrire|contacter|solliciter|spammer|relancer)`),
  g(String.raw`\b(dejen|deja|dejad|paren|para|dejar) de (enviar|escribir|contactar|mandar|molestar)\p{L}*`),
  g(String.raw`\b(parem|pare|deixem|deixe|parar) de (me )?(enviar|mandar|contatar|contactar|escrever|incomodar)\p{L}*`),
  g(String.raw`\b(stop|stopt|stoppen|hou op|houd op)( (alstublieft|aub|a\.u\.b\.|nu))? met (\p{L}+ ){0,2}(mailen|e-?mailen|sturen|benaderen|contacteren)\b`),
  g(String.raw`\bsmett\p{L}* di (scriver|contattar|inviar|mandar|disturbar)\p{L}*`),
  // 4. The unsubscribe verbs themselves, any person ("abmelden", "tragen Sie mich aus",
  //    "afmelden", "schrijf me uit", "désinscrire", "desuscribirme", "descadastrar", "disiscrivere").
  g(String.raw`\b(austragen|abbestellen|abmelden)(?!\p{L})|\btragen sie (mich|uns) (\p{L}+ ){0,3}aus\b|\bmelden sie (mich|uns) (\p{L}+ ){0,3}ab\b`),
  g(String.raw`\b(afmelden|uitschrijven)(?!\p{L})|\bschrijf (mij|me|ons) (\p{L}+ ){0,3}uit\b|\bmeld (mij|me|ons) (\p{L}+ ){0,3}af\b`),
  g(String.raw`\b(désinscri|désabonn|desinscri)\p{L}*`),
  g(String.raw`\b(desuscrib|desinscrib|darme de baja|darnos de baja|quiero la baja|solicito la baja|cancelar (mi|la) suscripci)\p{L}*`),
  g(String.raw`\b(descadastr|cancelar (a|minha) inscri|cancelar (a|minha) assinatura)\p{L}*`),
  g(String.raw`\b(disiscriv|cancellare l['’]iscrizione|annullare l['’]iscrizione|cancellatemi)\p{L}*`),
  // 5. Opting out, with the person in the middle ("opt me out") or the noun.
  g(String.raw`\bopt (me|us) out\b|\bi('?m| am) opting out\b`),
  // Wider families (added after the late-5 batch, which missed "Merci de retirer mon adresse de
  // vos envois"; each has a message of its own in reply-families.test.ts).
  //
  // 6. A removal verb in any form on "my address / my details / my data", and the same with the
  //    noun first ("mijn gegevens verwijderen", "meine Daten löschen", "o meu e-mail removido"):
  //    French and Dutch/German word orders the earlier families did not cover.
  g(String.raw`\b(retir|supprim|effac|enlev|ray)\p{L}* (mon|mes|notre|nos) (adresse|e-?mail|mail|courriel|coordonn[ée]es|donn[ée]es|contact|nom)s?\b`),
  g(String.raw`\bmijn (e-?mail(adres)?|adres|gegevens|contactgegevens|naam) (\p{L}+ ){0,3}(verwijderen|wissen|schrappen|weghalen)\b`),
  g(String.raw`\bmeine (daten|e-?mail-?adresse|adresse|kontaktdaten|angaben) (\p{L}+ ){0,3}(löschen|entfernen|streichen)\b`),
  //    French "de vos envois / communications / campagnes": removal from what you send.
  g(String.raw`\b(retir|supprim|enlev|ray|sort)\p{L}*\b[^.!?]{0,40}\bde (vos|tes) (envois|communications|campagnes|e-?mailings?|mailings?|listes?|fichiers?)\b`),
];

// French "ne pas" negates the infinitive after it ("merci de ne pas retirer mon adresse").
const NEGATION = /\b(don'?t|do not|never|not|no need to|why did you|please don't|no|ne pas)\s*(\w+\s*){0,3}$/i;
