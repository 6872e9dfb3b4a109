/**
 * Reading SMTP facts out of a server's free-text answer the way Sisimai's `SMTP::Reply.find`,
 * `SMTP::Command.find` and `Fact` do, so that the reply code and the command our rules act on
 * are the ones the analyser our figures are measured against acts on.
 */

/**
 * The reply codes RFC 5321 (and RFC 4954, 7504, 5248) define, in the order Sisimai looks for
 * them: permanent first, then transient, then positive. Any other three digits (a time, a
 * phone number, a message size) are not a reply code.
 */
const REPLY_CODES: Record<'5' | '4' | '2', string[]> = {
  '5': ['550', '552', '553', '551', '521', '525', '523', '524', '530', '533', '534', '535', '538', '555', '556', '554', '500', '501', '502', '503', '504'],
  '4': ['421', '450', '451', '452', '422', '430', '432', '453', '454', '455', '458', '459'],
  '2': ['211', '214', '220', '221', '235', '250', '251', '252', '253'],
};

/**
 * The SMTP reply code in a server's answer: the first code of the list above (of the status
 * code's class when one is known) that stands alone, not inside a longer number.
 */
export function replyCodeIn(text: string, statusClass: string | null = null): string | null {
  if (text.length < 3 || /x-unix;/i.test(text)) return null;
  const padded = ` ${text} `;
  const lists = statusClass === '5' || statusClass === '4' || statusClass === '2' ? [REPLY_CODES[statusClass]] : [REPLY_CODES['5'], REPLY_CODES['4'], REPLY_CODES['2']];
  for (const list of lists) {
    for (const code of list) {
      for (let at = padded.indexOf(code); at !== -1; at = padded.indexOf(code, at + 3)) {
        // A digit, '.' or '/' next to it makes it part of something else (an IP address, a date, a status code).
        if (/[./0-9]/.test(padded[at - 1]!) || /[./0-9]/.test(padded[at + 3]!)) continue;
        return code;
      }
    }
  }
  return null;
}

/** The commands Sisimai detects, in the order of an SMTP session. */
const DETECTABLE = ['HELO', 'EHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH CRAM-', 'AUTH DIGEST-', 'MAIL F', 'RCPT', 'RCPT T', 'DATA', 'QUIT', 'XFORWARD'];

/**
 * The last SMTP command a transcript or an answer names (Sisimai's `Command.find`): commands
 * are written in capitals ("RCPT TO:<…>", "in reply to DATA"); of those named, the one latest in
 * the session is the one that failed. A word inside an address or a host name
 * (DATABASE@EXAMPLE.JP) is not a command.
 */
export function commandIn(text: string): string | null {
  if (!/HELO|EHLO|MAIL|RCPT|DATA|QUIT|RSET|NOOP|VRFY|ETRN|EXPN|HELP|AUTH|STARTTLS|XFORWARD|CONN/.test(text)) return null;
  const found: string[] = [];
  for (const e of DETECTABLE) {
    const at = text.indexOf(e);
    if (at === -1) continue;
    if (!e.includes(' ')) {
      const before = text[at - 1] ?? ' ';
      const after = text[at + e.length] ?? ' ';
      if (/[0-9A-Za-z@-Z`]/.test(before) || /[0-9A-Za-z@-Z`]/.test(after)) continue;
    }
    let command = e.slice(0, 4);
    if (found.some((f) => f.startsWith(command))) continue;
    if (command === 'STAR') command = 'STARTTLS';
    if (command === 'XFOR') command = 'XFORWARD';
    found.push(command);
  }
  const last = found.at(-1) ?? null;
  // Sisimai's `Fact` keeps only the commands its reason rules know.
  return last && ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'QUIT'].includes(last) ? last : null;
}
