import { describe, expect, it } from 'vitest';
import { bounceReason } from './bounce-reason';
import { classifyInbound } from './classify';
import { hostsNamedIn, providersOf, reasonOfRemoteHost } from './remote-host';

// Every message here is written for this test (addresses under example or provider domains,
// wording after each provider's published error pages); none is taken from the shared corpus.

interface Report {
  status: string;
  diagnostic: string;
  recipient?: string;
  remoteMta?: string;
  headers?: string[];
  notice?: string;
}

function report(r: Report): string {
  return [
    'From: MAILER-DAEMON@mx.lumina.test (Mail Delivery System)',
    'To: rep@lumina.test',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Tue, 03 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    ...(r.headers ?? []),
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    r.notice ?? 'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.lumina.test',
    '',
    `Final-Recipient: rfc822; ${r.recipient ?? 'dana@acme.example'}`,
    'Action: failed',
    `Status: ${r.status}`,
    ...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
    `Diagnostic-Code: smtp; ${r.diagnostic}`,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

async function bounceOf(r: Report) {
  const c = await classifyInbound(report(r));
  expect(c.kind).toBe('bounce');
  return c.bounce!;
}

describe('providers are recognised by the answering host, else by the recipient domain', () => {
  it('a Remote-MTA or "host X[ip]" names the provider; a domain it hosts does too', () => {
    expect(providersOf(['mx2.mail.orange.fr'], null).map((p) => p.name)).toEqual(['franceptt']);
    expect(providersOf(['mx.acme.example'], 'kim@icloud.com').map((p) => p.name)).toEqual(['apple']);
    expect(providersOf(['mx.acme.example'], 'kim@acme.example')).toEqual([]);
    // A suffix match is on a label boundary: "notorange.fr" is not Orange.
    expect(providersOf(['mx.notorange.fr'], null)).toEqual([]);
  });

  it('a provider table that says nothing leaves the decision to the generic rules', () => {
    expect(reasonOfRemoteHost({ hosts: ['smtp-in.orange.fr'], recipient: null, diagnostic: '550 5.1.1 no such user', status: '5.1.1' })).toBeNull();
  });
});

describe('au (KDDI): the same "User unknown" is a filter without the address, a missing mailbox with it', () => {
  it('"550 : User unknown" → filtered (soft)', async () => {
    const b = await bounceOf({ status: '5.0.0', remoteMta: 'lsean.ezweb.ne.jp', recipient: 'taro@ezweb.ne.jp', diagnostic: '550 : User unknown' });
    expect([b.reason, b.hard]).toEqual(['filtered', false]);
  });
  it('"550 <addr>: User unknown" → userunknown (hard)', async () => {
    const b = await bounceOf({ status: '5.0.0', remoteMta: 'lsean.ezweb.ne.jp', recipient: 'taro@ezweb.ne.jp', diagnostic: '550 <taro@ezweb.ne.jp>: User unknown' });
    expect([b.reason, b.hard]).toEqual(['userunknown', true]);
  });
});

describe('Orange / La Poste: the OFR_ / LPN_ code names the reason', () => {
  it.each([
    ['550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]', 'spamdetected'],
    ['550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. LPN007_416', 'userunknown'],
    ['552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]', 'mailboxfull'],
    ['421 mwinf ME Trop de connexions, veuillez verifier votre configuration. OFR005_104 [104]', 'toomanyconn'],
  ])('%s → %s', async (diagnostic, reason) => {
    const b = await bounceOf({ status: '5.0.0', recipient: 'lea@orange.fr', diagnostic: `host smtp-in.orange.fr[192.0.2.1] said: ${diagnostic}` });
    expect(b.reason).toBe(reason);
  });
});

describe('Spectrum, Facebook: provider codes', () => {
  it('Spectrum AUP#In-1310 is in the connection-limit range → toomanyconn', async () => {
    const b = await bounceOf({ status: '5.1.0', recipient: 'sam@charter.net', diagnostic: '550 5.1.0 <a@b.example> sender rejected. AUP#In-1310' });
    expect(b.reason).toBe('toomanyconn');
  });
  it('Facebook RCP-P2 (recipient preferences) → filtered, soft', async () => {
    const b = await bounceOf({ status: '5.0.0', remoteMta: 'mx.facebook.com', recipient: 'z@facebook.com', diagnostic: '550 5.0.0 RCP-P2 The attempted recipient\'s preferences prevent messages from being delivered.' });
    expect([b.reason, b.hard]).toEqual(['filtered', false]);
  });
});

describe('Gmail: a published message counts only under the code it is published with', () => {
  it('5.2.1 "account … is disabled" → suspend (soft, never suppressed)', async () => {
    const b = await bounceOf({ status: '5.2.1', remoteMta: 'gmail-smtp-in.l.google.com', recipient: 'ana@gmail.com', diagnostic: '550-5.2.1 The email account that you tried to reach is disabled. https://support.google.com/mail/?p=DisabledUser' });
    expect([b.reason, b.hard]).toEqual(['suspend', false]);
  });
  it('4.2.1 "receiving mail at a rate" → ratelimited', async () => {
    const b = await bounceOf({ status: '4.2.1', remoteMta: 'gmail-smtp-in.l.google.com', recipient: 'ana@gmail.com', diagnostic: '450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.' });
    expect(b.reason).toBe('ratelimited');
  });
  it('the same words under another code are not read by the Gmail table', () => {
    expect(reasonOfRemoteHost({ hosts: ['gmail-smtp-in.l.google.com'], recipient: null, diagnostic: 'The email account that you tried to reach is disabled.', status: '5.1.1' })).toBeNull();
  });
});

describe('Yahoo / AOL, iCloud, QQ: phrase tables', () => {
  it('Yahoo "This mailbox is disabled" → suspend', async () => {
    const b = await bounceOf({ status: '5.0.0', remoteMta: 'mta7.am0.yahoodns.net', recipient: 'joe@yahoo.com', diagnostic: '554 30 Sorry, your message to joe@yahoo.com cannot be delivered. This mailbox is disabled (554.30)' });
    expect([b.reason, b.hard]).toEqual(['suspend', false]);
  });
  it('iCloud, known by the recipient domain alone: "user is over quota" → mailboxfull', async () => {
    const b = await bounceOf({ status: '5.0.0', recipient: 'kim@icloud.com', diagnostic: '552 <kim@icloud.com>: user is over quota' });
    expect(b.reason).toBe('mailboxfull');
  });
  it('QQ "is a deactivated mailbox" → suspend', async () => {
    const b = await bounceOf({ status: '5.0.0', remoteMta: 'mx3.qq.com', recipient: 'li@qq.com', diagnostic: '550 Mailbox unavailable: li@qq.com is a deactivated mailbox' });
    expect(b.reason).toBe('suspend');
  });
});

describe('reporters that state their own verdict', () => {
  it('PowerMTA bad-mailbox under 5.2.1 → userunknown; quota-issues → mailboxfull', async () => {
    const notice = (category: string) => `Hello, this is the mail server on mta1.lumina.test.\r\n\r\nX-PowerMTA-BounceCategory: ${category}`;
    expect((await bounceOf({ status: '5.2.1', diagnostic: '550 5.2.1 <dana@acme.example>... rejected', notice: notice('bad-mailbox') })).reason).toBe('userunknown');
    expect((await bounceOf({ status: '5.0.0', diagnostic: '552 sorry', notice: notice('quota-issues') })).reason).toBe('mailboxfull');
  });

  it('McAfee "550 Unknown user a@b" → userunknown, while the generic rule (no RCPT named) says filtered', async () => {
    const r: Report = { status: '5.0.0', diagnostic: '550 Unknown user dana@acme.example' };
    expect((await bounceOf(r)).reason).toBe('filtered');
    expect((await bounceOf({ ...r, headers: ['X-NAI-Header: Modified by McAfee Email and Web Security Virtual Appliance'] })).reason).toBe('userunknown');
  });

  it('IMail "Unknown user:" → userunknown; "User mailbox exceeds allowed size" → mailboxfull', async () => {
    const headers = ['X-Mailer: <SMTP32 v8.22>'];
    expect((await bounceOf({ status: '5.0.0', diagnostic: 'Unknown user: dana@acme.example', headers })).reason).toBe('userunknown');
    expect((await bounceOf({ status: '5.0.0', diagnostic: 'User mailbox exceeds allowed size: dana@acme.example', headers })).reason).toBe('mailboxfull');
  });

  it('au EZweb: X-SPASIGN: NG is the carrier spam filter → filtered', async () => {
    const raw = report({ status: '5.0.0', recipient: 'taro@ezweb.ne.jp', diagnostic: '550 user unknown', headers: ['X-SPASIGN: NG'] }).replace('From: MAILER-DAEMON@mx.lumina.test (Mail Delivery System)', 'From: Postmaster@ezweb.ne.jp');
    const c = await classifyInbound(raw);
    expect([c.bounce?.reason, c.bounce?.hard]).toEqual(['filtered', false]);
  });
});

describe('"no such account" wording outside the provider that owns it follows the general rule', () => {
  it('without X.1.1 or RCPT it is a filter (soft); Yahoo\'s own "dd This user doesn\'t have a … account" is userunknown', async () => {
    const words = "This user doesn't have a acme.example account (dana@acme.example) [0]";
    expect((await bounceOf({ status: '5.0.0', diagnostic: words })).reason).toBe('filtered');
    const yahoo = await bounceOf({ status: '5.0.0', remoteMta: 'mta5.am0.yahoodns.net', recipient: 'joe@yahoo.com', diagnostic: "554 delivery error: dd This user doesn't have a yahoo.com account (joe@yahoo.com) [0]" });
    expect([yahoo.reason, yahoo.hard]).toEqual(['userunknown', true]);
  });
});

describe('Exchange Online: a message counts only under its exact code', () => {
  it('5.7.504 "Recipient address rejected: Access denied" → suspend (soft), where the generic phrase list would say userunknown', async () => {
    const b = await bounceOf({ status: '5.7.504', remoteMta: 'acme-example.mail.protection.outlook.com', diagnostic: '550 5.7.504 Recipient address rejected: Access denied' });
    expect([b.reason, b.hard]).toEqual(['suspend', false]);
  });
  it('5.5.0 "Requested action not taken: mailbox unavailable" at Outlook.com → userunknown', () => {
    expect(reasonOfRemoteHost({ hosts: [], recipient: 'kim@hotmail.com', diagnostic: '550 5.5.0 Requested action not taken: mailbox unavailable', status: '5.5.0' })).toBe('userunknown');
  });
});

describe('Exim free-text notices: the failed address is read from the notice', () => {
  const exim = (failedHeader: string, line: string) =>
    [
      'From: Mail Delivery System <Mailer-Daemon@mx.lumina.test>',
      'To: rep@lumina.test',
      'Subject: Mail delivery failed: returning message to sender',
      'Date: Tue, 03 Mar 2026 09:00:00 +0000',
      `X-Failed-Recipients: ${failedHeader}`,
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      line,
      '    SMTP error from remote mail server after RCPT TO:<dana@acme.example.org>:',
      '    host mx.acme.example.org [192.0.2.7]: 550 5.1.1 No such user',
      '',
    ].join('\r\n');

  it('the "address(es) failed:" block wins over an X-Failed-Recipients header that names another address', async () => {
    const c = await classifyInbound(exim('dana@acme.example', '  dana@acme.example.org'));
    expect(c.bounce?.recipient).toBe('dana@acme.example.org');
  });
  it('a trailing colon after the address is not part of it', async () => {
    const c = await classifyInbound(exim('dana@acme.example', '  dana@acme.example.org:'));
    expect(c.bounce?.recipient).toBe('dana@acme.example.org');
  });
});

describe('bounded time on hostile text', () => {
  it('host names and provider codes are found in linear time on long runs of look-alike text', () => {
    const hostile = ['host ' + 'a-'.repeat(50_000), 'host ' + 'ab.'.repeat(30_000), 'host: '.repeat(20_000), 'aup#' + '-'.repeat(100_000), 'ofr_'.repeat(25_000)];
    const start = performance.now();
    for (const text of hostile) {
      hostsNamedIn(text);
      reasonOfRemoteHost({ hosts: ['x.charter.net', 'smtp-in.orange.fr', 'mx.facebook.com', 'x.prod.outlook.com'], recipient: 'a@gmail.com', diagnostic: text, status: '5.1.1' });
    }
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('qmail names the SMTP stage in words (qmail-remote.c)', () => {
  const qmail = (stage: string) =>
    [
      'From: MAILER-DAEMON@mx.lumina.test',
      'To: rep@lumina.test',
      'Subject: failure notice',
      'Date: Tue, 03 Mar 2026 09:00:00 +0000',
      '',
      'Hi. This is the qmail-send program at mx.lumina.test.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.',
      '',
      '<dana@acme.example>:',
      `192.0.2.7 ${stage}`,
      'Remote host said: 550 User unknown',
      'Giving up on 192.0.2.7.',
      '',
    ].join('\r\n');

  it('"does not like recipient." is the RCPT answer: "User unknown" there is userunknown (hard)', async () => {
    const c = await classifyInbound(qmail('does not like recipient.'));
    expect([c.bounce?.reason, c.bounce?.hard]).toEqual(['userunknown', true]);
  });
  it('"failed after I sent the message" is after DATA: the same words are a filter (soft)', async () => {
    const c = await classifyInbound(qmail('failed after I sent the message.'));
    expect([c.bounce?.reason, c.bounce?.hard]).toEqual(['filtered', false]);
  });
});

describe("Sisimai's rejected and expired phrase families", () => {
  it.each([
    ['550 5.7.1 Sender verify failed', '5.7.1', 'rejected'],
    ['553 5.7.1 Null sender is not allowed', '5.7.1', 'rejected'],
    ['550 Returned mail not accepted here', null, 'rejected'],
    ["I'm not going to try again; this message has been in the queue too long.", null, 'expired'],
    ['Remote host was not reachable within the allowed queue period', null, 'expired'],
  ])('%s → %s', (words, status, reason) => {
    expect(bounceReason({ words, status })).toBe(reason);
  });
  it('a PTR refusal that also names the sender domain stays requireptr (the PTR family is read first)', () => {
    expect(bounceReason({ words: '550 5.7.1 Connections not accepted from servers without a valid sender domain. Fix reverse DNS for 192.0.2.9', status: '5.7.1' })).toBe('requireptr');
  });
});

describe("Sisimai's mailboxfull, suspend and userunknown lists", () => {
  it.each([
    ['552 mailfolder is full', 'mailboxfull'],
    ["552 the user's space has been used up", 'mailboxfull'],
    ['550 recipient rejected: temporarily inactive', 'suspend'],
    ['550 mailbox currently suspended', 'suspend'],
    ['550 mailbox is inactive', 'userunknown'],
    ['550 sorry, your envelope recipient has been denied', 'userunknown'],
    ['550 utilisateur inconnu !', 'userunknown'],
  ])('%s (answer to RCPT) → %s', (words, reason) => {
    expect(bounceReason({ words, status: null, smtpCode: '550', command: 'RCPT' })).toBe(reason);
  });
});

describe("Sisimai's blocked, spamdetected and hostunknown lists", () => {
  it.each([
    ['550 go away', null, 'blocked'],
    ['421 rejecting open proxy', null, 'blocked'],
    ['554 connection reset by peer', null, 'blocked'],
    ['550 message refused by MailMarshal SpamProfiler', 'DATA', 'spamdetected'],
    ['550 your message failed several antispam checks', 'DATA', 'spamdetected'],
    ['550 message filtered', 'DATA', 'spamdetected'],
    ['550 the account or domain may not exist', null, 'hostunknown'],
    ['550 mail domain mentioned in email address is unknown', null, 'hostunknown'],
  ])('%s (%s) → %s', (words, command, reason) => {
    expect(bounceReason({ words, status: null, smtpCode: '550', command })).toBe(reason);
  });
  it('spam words in an answer to RCPT are not spamdetected (content is only read after DATA)', () => {
    expect(bounceReason({ words: '550 5.7.1 rejected: listed on a spam blocklist', status: '5.7.1', command: 'DATA' })).toBe('spamdetected');
    expect(bounceReason({ words: '550 5.7.1 rejected: listed on a spam blocklist', status: '5.7.1', command: 'RCPT' })).toBe('blocked');
  });
});

describe("Sisimai's policyviolation, systemerror, norelaying, securityerror, notaccept and networkerror lists", () => {
  it.each([
    ['550 rejected: posted by non-member to a members-only list', 'DATA', 'policyviolation'],
    ['451 temporary local problem - please try later', null, 'systemerror'],
    ['421 timeout waiting for input', null, 'systemerror'],
    ["553 sorry, that domain isn't in my list of allowed rcpthosts", 'RCPT', 'norelaying'],
    ['550 account not subscribed to SES', null, 'securityerror'],
    ['554 SMTP protocol returned a permanent error', null, 'notaccept'],
    ['554 unrouteable mail domain "acme.example"', null, 'networkerror'],
  ])('%s → %s', (words, command, reason) => {
    expect(bounceReason({ words, status: null, smtpCode: words.slice(0, 3), command })).toBe(reason);
  });
  it('an unrouteable mail domain is a routing failure, so soft', async () => {
    const b = await bounceOf({ status: '5.0.0', diagnostic: '550 unrouteable mail domain "acme.example"' });
    expect([b.reason, b.hard]).toEqual(['networkerror', false]);
  });
});

describe("Sisimai's requireptr, toomanyconn, hasmoved, mesgtoobig and authfailure lists", () => {
  it.each([
    ['450 access denied. IP name lookup failed [192.0.2.9]', 'requireptr'],
    ['421 too many SMTP sessions for this host', 'toomanyconn'],
    ['550 address kim@acme.example has been replaced by kim@new.example', 'hasmoved'],
    ['552 message file too big', 'mesgtoobig'],
    ['550 see http://spf.pobox.com/why.html', 'authfailure'],
  ])('%s → %s', (words, reason) => {
    expect(bounceReason({ words, status: null, smtpCode: words.slice(0, 3) })).toBe(reason);
  });
  it('an address replaced by another has moved: hard, never retried', async () => {
    const b = await bounceOf({ status: '5.0.0', diagnostic: '550 address kim@acme.example has been replaced by kim@new.example' });
    expect([b.reason, b.hard]).toEqual(['hasmoved', true]);
  });
});
