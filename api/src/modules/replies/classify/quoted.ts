import EmailReplyParser from 'email-reply-parser';

/**
 * What the person wrote in this message, without the history their mail client quoted:
 * `>` lines (Gmail, Apple Mail, bottom-posting), attribution lines ("On … wrote:" in
 * several languages), Outlook's "-----Original Message-----" / "From: … Sent: …" block
 * and everything after it, the signature after "-- " or after a sign-off line ("Best,",
 * "Viele Grüße", "Cordialement"…). email-reply-parser then takes what it recognises too
 * (mobile signatures, the quote headers of clients we do not list).
 */
export function ownWords(text: string): string {
  const ours = cutQuoted(text.slice(0, MAX_CHARS));
  if (!ours) return '';
  // email-reply-parser's cost grows fast with length (0.65 s for 100 kB); a reply longer than
  // this is already cut by our own rules and is not worth the wait.
  if (ours.length > PARSER_MAX_CHARS) return ours;
  let parsed = ours;
  try {
    parsed = new EmailReplyParser().parseReply(ours).trim();
  } catch {
    // the parser's failure leaves our own cut
  }
  // The parser sometimes takes a one-line reply for a signature; our cut is then the answer.
  return parsed || ours;
}

/** A reply is a few screens at most; the rest of a huge body is history or attachments. */
const MAX_CHARS = 100_000;
const PARSER_MAX_CHARS = 20_000;

function cutQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '-- ' || line === '--') break;
    if (kept.some((l) => l.trim() !== '') && SIGN_OFF.test(line)) break;
    if (OUTLOOK_BLOCK.test(line) || (FROM_LINE.test(line) && SENT_LINE.test(lines.slice(i + 1, i + 4).join('\n')))) break;
    if (/^\s*>/.test(line)) continue;
    // Gmail wraps long attribution lines, so a "wrote:" on the next line still closes one.
    if (ATTRIBUTION.test(line) || (ATTRIBUTION_START.test(line) && ATTRIBUTION_END.test(lines[i + 1] ?? ''))) {
      if (!ATTRIBUTION.test(line)) i++;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n').trim();
}

/** A closing line on its own: the signature follows it. */
const SIGN_OFF =
  /^\s*(best|best regards|kind regards|regards|warm regards|thanks|thank you|many thanks|cheers|sincerely|all the best|viele grüße|beste grüße|mit freundlichen grüßen|liebe grüße|gruß|cordialement|bien à vous|bonne journée|saludos|un saludo|atentamente|atenciosamente|abraços|obrigad[oa]|met vriendelijke groet|groeten|groetjes|cordiali saluti|saluti|un saluto|grazie)\s*[,.!]?\s*$/i;

const OUTLOOK_BLOCK = /^\s*(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original)\s*-{2,}|_{10,}\s*$|begin forwarded message:|-{5,} ?forwarded message ?-{5,})/i;
const FROM_LINE = /^\s*\**(from|von|de|da|van|från|od)\s*:\**\s/i;
const SENT_LINE = /^\s*\**(sent|date|gesendet|datum|envoyé|date|enviado|fecha|inviato|data|verzonden|skickat)\s*:/im;

/**
 * A quote header's opening word and its verb, language by language ("On … wrote:", "Am …
 * schrieb:", "Le … a écrit :"…): the one list both cuts below read, whole lines and snippets.
 */
const ATTRIBUTION_WORDS: Array<[opener: string, verb: string]> = [
  ['on', 'wrote'], ['am', 'schrieb'], ['le', 'a écrit'], ['el', 'escribió'], ['il', 'ha scritto'], ['op', 'schreef'], ['em', 'escreveu'], ['den', 'skrev'],
];
const OPENERS = ATTRIBUTION_WORDS.map(([opener]) => opener).join('|');
const VERBS = ATTRIBUTION_WORDS.map(([, verb]) => verb).join('|');
const ATTRIBUTION = new RegExp(`^\\s*(${ATTRIBUTION_WORDS.map(([opener, verb]) => `${opener}\\b.{4,200}\\b${verb}`).join('|')})\\s*:\\s*$`, 'i');
const ATTRIBUTION_START = new RegExp(`^\\s*(${OPENERS})\\s.{4,200}$`, 'i');
const ATTRIBUTION_END = new RegExp(`\\b(${VERBS})\\s*:\\s*$`, 'i');

/**
 * The same cut for Gmail's one-line snippet, where the quoted history follows the reply on
 * the same line ("Thanks, Thursday works. On Wed, 2 Dec 2026 … wrote: > Quick question").
 */
export function snippetOwnWords(snippet: string): string {
  const cut = snippet.replace(INLINE_ATTRIBUTION, '').replace(/\s>\s.*$/s, '').trim();
  return cut || snippet.trim();
}

// German puts the name after the verb ("… schrieb Ana <ana@…>:"), hence the few characters before the colon.
const INLINE_ATTRIBUTION = new RegExp(`\\s(?:${OPENERS})\\s.{4,200}?\\b(?:${VERBS})\\b[^:]{0,120}:.*$`, 'is');
