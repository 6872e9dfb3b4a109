import { header, type ParsedInbound } from './parse';

/**
 * An automatic answer written on a person's behalf (out of office, vacation, ticket
 * acknowledgement): RFC 3834 headers, the vendor headers of Exchange and others, or a
 * subject that says so in one of the languages our customers' prospects write in.
 */
export function isAutoReply(p: ParsedInbound): boolean {
  const submitted = header(p, 'auto-submitted').toLowerCase().trim();
  if (submitted && submitted !== 'no') return true;
  if (p.headers.has('x-autoreply') || p.headers.has('x-autorespond') || p.headers.has('x-autoresponder')) return true;
  if (/^auto[_-]?reply$/i.test(header(p, 'precedence').trim()) || /auto[_-]?repl/i.test(header(p, 'x-precedence'))) return true;
  // Exchange stamps mail its inbox rules generated, and asks others not to answer its own automatic mail.
  if (p.headers.has('x-ms-exchange-inbox-rules-loop') || /\b(all|oof)\b/i.test(header(p, 'x-auto-response-suppress'))) return true;
  return AUTO_SUBJECT.test(p.subject);
}

const AUTO_SUBJECT = new RegExp(
  [
    'auto(matic|matische|matique|mated)?[ -]?(reply|response|respons|answer|antwort|réponse|reponse|risposta|respuesta|resposta)',
    'auto ?reply', 'autoresponder', 'out of (the )?office', 'out-of-office', '\\bOOO\\b', 'on vacation', 'on leave', 'away (from|until|till|on)',
    'abwesenheit', 'nicht im büro', 'außer haus', 'réponse automatique', "absent(e)? du bureau", 'absence', 'fuera de la oficina',
    'respuesta automática', 'ausente', 'fuori sede', 'fuori ufficio', 'risposta automatica', 'afwezig', 'automatisch antwoord',
    'resposta automática', 'fora do escritório', 'frånvaro', 'fravær', 'poissa', 'nieobecność', 'автоответ', 'отсутств', '自動返信', '不在', '自动回复',
  ].join('|'),
  'i',
);
