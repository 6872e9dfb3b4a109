import { describe, expect, it } from 'vitest';
import { bounceReasons } from '../../../../../shared/contracts/replies';
import { classifyInbound } from './classify';
import { bounceReason, isHardBounce, reasonOfStatus, reasonOfWords } from './bounce-reason';

/** A Postfix-style RFC 3464 report we write ourselves: one recipient, one status, one diagnostic. */
function dsn(status: string, diagnostic: string, action = 'failed'): string {
  return [
    'From: MAILER-DAEMON@mx.lumina.test (Mail Delivery System)',
    'To: rep@lumina.test',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Tue, 03 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'I\'m sorry to have to inform you that your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.lumina.test',
    '',
    'Final-Recipient: rfc822; dana@acme.example',
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('hard or soft follows from the reason alone', () => {
  it('only userunknown, hostunknown, hasmoved (and a permanent notaccept) are hard', () => {
    const hard = bounceReasons.filter((r) => isHardBounce(r, '5.0.0'));
    expect(hard.sort()).toEqual(['hasmoved', 'hostunknown', 'notaccept', 'userunknown']);
    expect(isHardBounce('notaccept', '4.3.2')).toBe(false);
    expect(isHardBounce('mailboxfull', '5.2.2')).toBe(false);
  });
});

describe('a specific enhanced status code wins over the words', () => {
  it.each([
    ['5.2.2', '552 sorry, the user is unknown here', 'mailboxfull'],
    ['5.1.6', '550 no such user', 'hasmoved'],
    ['5.7.25', '550 message refused', 'requireptr'],
    ['5.7.23', '550 message refused', 'authfailure'],
    ['5.3.4', '552 rejected', 'mesgtoobig'],
    ['5.2.3', '552 rejected', 'exceedlimit'],
    ['5.1.10', '556 rejected', 'notaccept'],
    ['4.2.2', '452 try later', 'mailboxfull'],
  ])('%s with "%s" → %s', (status, words, reason) => {
    expect(bounceReason({ words, status })).toBe(reason);
  });

  it('a broad code is refined by the words: 5.7.1 from a blocklist is blocked, from a spam filter spamdetected', () => {
    expect(bounceReason({ words: '550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org', status: '5.7.1' })).toBe('blocked');
    expect(bounceReason({ words: '550 5.7.1 Message rejected as spam by content filtering', status: '5.7.1' })).toBe('spamdetected');
    expect(bounceReason({ words: '550 5.7.1 Delivery not authorized by local policy', status: '5.7.1' })).toBe('policyviolation');
    expect(bounceReason({ words: '550 5.7.1 refused', status: '5.7.1' })).toBe('securityerror');
  });

  it('a generic code (5.0.0) falls back to the words, then to the command', () => {
    expect(bounceReason({ words: '550 mailbox full', status: '5.0.0' })).toBe('mailboxfull');
    expect(bounceReason({ words: '550 no thanks', status: '5.0.0', command: 'MAIL' })).toBe('rejected');
    expect(bounceReason({ words: '554 no', status: '5.0.0', command: 'EHLO' })).toBe('blocked');
    expect(bounceReason({ words: '', status: '4.0.0', delayed: true })).toBe('expired');
    expect(bounceReason({ words: '550 something odd happened', status: '5.0.0' })).toBe('onhold');
    expect(bounceReason({ words: '', status: null })).toBe('undefined');
  });

  it('vendor details keep their subject: 5.1.351 is an address problem, 5.4.310 a routing one', () => {
    expect(reasonOfStatus('5.1.351')).toBe('userunknown');
    expect(reasonOfStatus('5.4.310')).toBe('networkerror');
    expect(reasonOfStatus('5.0.0')).toBeNull();
  });
});

describe('"user unknown" is believed only from X.1.x or the RCPT stage', () => {
  it('said to RCPT TO or under 5.1.1 → userunknown (hard)', () => {
    expect(bounceReason({ words: '550 <dana@acme.example>: User unknown in local recipient table', status: '5.0.0', command: 'RCPT' })).toBe('userunknown');
    expect(bounceReason({ words: '550 5.1.1 <dana@acme.example>... User unknown', status: '5.1.1', command: 'DATA' })).toBe('userunknown');
  });
  it('after DATA, or with neither code nor command → filtered (soft)', () => {
    expect(bounceReason({ words: '550 Unknown user dana@acme.example', status: '5.0.0', command: 'DATA' })).toBe('filtered');
    expect(bounceReason({ words: '550 No such user', status: null })).toBe('filtered');
  });
  it('a recipient directory\'s own words are the RCPT lookup whatever the report says', () => {
    expect(bounceReason({ words: 'User Dana (dana@acme.example) not listed in Domino Directory', status: null })).toBe('userunknown');
    expect(bounceReason({ words: "550 Requested action not taken: mailbox unavailable (-123:456)", status: '5.5.0' })).toBe('userunknown');
  });
  it('an answer to MAIL FROM is about our sender, not the address', () => {
    expect(bounceReason({ words: '550 5.1.0 sender unknown', status: '5.1.0', command: 'MAIL' })).toBe('rejected');
  });
});

describe('phrase families (each with words of our own)', () => {
  it.each([
    ['552 Requested mail action aborted: exceeded storage allocation', 'mailboxfull'],
    ['552 Message size exceeds fixed maximum message size', 'mesgtoobig'],
    ['550 This account has been suspended', 'suspend'],
    ['550 The mailbox has moved, no forwarding address', 'hasmoved'],
    ['554 Relay access denied', 'norelaying'],
    ['550 SPF check failed for sender domain', 'authfailure'],
    ['550 No such user here', 'userunknown'],
    ['550 Message rejected due to user rules: filtered', 'filtered'],
    ['550 Reverse DNS lookup failed for your IP', 'requireptr'],
    ['550 Message is not RFC 5322 compliant: multiple From headers', 'notcompliantrfc'],
    ['550 Poor IP reputation, please see our postmaster page', 'badreputation'],
    ['554 Improper use of 8-bit data in message header', 'contenterror'],
    ['553 Sender address rejected: domain not found', 'rejected'],
    ['550 Host or domain name not found', 'hostunknown'],
    ['550 Message looks like SPAM to us', 'spamdetected'],
    ['421 You are sending too fast; rate limited', 'ratelimited'],
    ['421 Too many concurrent connections from your host', 'toomanyconn'],
    ['554 Service unavailable; client host blocked using bl.example.org', 'blocked'],
    ['554 A virus was found in your message', 'virusdetected'],
    ['550 Delivery not allowed by local policy', 'policyviolation'],
    ['451 Connection timed out while talking to mx.acme.example', 'expired'],
    ['451 Temporary local problem - please try later: system error', 'systemerror'],
    ['451 Name service error for name=acme.example type=MX: Malformed or unexpected name server reply', 'networkerror'],
    ['452 Insufficient system storage: disk full', 'systemfull'],
    ['556 Domain does not accept mail (null MX)', 'notaccept'],
    ['530 Must issue a STARTTLS command first', 'failedstarttls'],
    ['554 procmail: unknown mailer error 1', 'mailererror'],
    ['500 Syntax error, command unrecognized', 'syntaxerror'],
  ])('"%s" → %s', (words, reason) => {
    expect(reasonOfWords(words)).toBe(reason);
  });
});

describe('read from a whole report', () => {
  it('a 5.2.2 DSN is a soft mailboxfull bounce; a 5.1.1 DSN a hard userunknown one', async () => {
    expect((await classifyInbound(dsn('5.2.2', '552 5.2.2 Mailbox full')))?.bounce).toMatchObject({ hard: false, reason: 'mailboxfull', status: '5.2.2' });
    expect((await classifyInbound(dsn('5.1.1', '550 5.1.1 <dana@acme.example>: Recipient address rejected: User unknown')))?.bounce).toMatchObject({ hard: true, reason: 'userunknown' });
  });
  it('"user unknown" at end of DATA is a filter, soft', async () => {
    const r = await classifyInbound(dsn('5.0.0', '550 Unknown user dana@acme.example (in reply to end of DATA command)'));
    expect(r.bounce).toMatchObject({ hard: false, reason: 'filtered' });
  });
  it('a delay notice with no words is expired, soft', async () => {
    const r = await classifyInbound(dsn('4.0.0', '', 'delayed'));
    expect(r.bounce).toMatchObject({ hard: false, reason: 'expired' });
  });
});

describe("Sisimai's first pass: a code naming userunknown / hostunknown against later reasons' words", () => {
  it('X.1.1 stands against the words of a reason Sisimai checks after it (spam), not against earlier ones (a full mailbox)', () => {
    expect(bounceReason({ words: '550 5.1.1 <a@b.example>: message looks like spam', status: '5.1.1' })).toBe('userunknown');
    expect(bounceReason({ words: '550 5.1.1 mailbox full', status: '5.1.1' })).toBe('mailboxfull');
  });
  it("X.1.1 gives way to Sisimai's named exceptions: a relay refusal", () => {
    expect(bounceReason({ words: '550 5.1.1 relaying denied', status: '5.1.1' })).toBe('norelaying');
  });
  it('X.4.4 stands against later words, and gives way to DNS trouble', () => {
    expect(bounceReason({ words: '554 5.4.4 no mail exchanger for that domain, spam', status: '5.4.4' })).toBe('hostunknown');
    expect(bounceReason({ words: '554 5.4.4 host name lookup failure', status: '5.4.4' })).toBe('networkerror');
  });
  it("a vendor's detail under the subject (5.1.351) is not the code itself: the words decide", () => {
    expect(bounceReason({ words: '550 5.1.351 message looks like spam', status: '5.1.351' })).toBe('spamdetected');
  });
});
