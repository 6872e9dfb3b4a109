import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { bounceReason, reasonOfWords } from './bounce-reason';

// Every message here is written for this test (addresses under example domains); none is
// taken from the shared corpus. Each case covers one status-code or phrase family, or one
// reporting MTA's layout.

const head = (from: string, subject: string, extra: string[] = []) => [
  `From: ${from}`,
  'To: rep@lumina.test',
  `Subject: ${subject}`,
  'Date: Tue, 03 Mar 2026 09:00:00 +0000',
  'MIME-Version: 1.0',
  ...extra,
];

function dsn(status: string, diagnostic: string, opts: { action?: string; type?: string; recipient?: string } = {}): string {
  return [
    ...head('MAILER-DAEMON@mx.lumina.test (Mail Delivery System)', 'Undelivered Mail Returned to Sender', ['Content-Type: multipart/report; report-type=delivery-status; boundary="b1"']),
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.lumina.test',
    '',
    `Final-Recipient: rfc822; ${opts.recipient ?? 'dana@acme.example'}`,
    `Action: ${opts.action ?? 'failed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: ${opts.type ?? 'smtp'}; ${diagnostic}`,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

const plain = (from: string, subject: string, body: string[]) => [...head(from, subject, ['Content-Type: text/plain']), '', ...body, ''].join('\r\n');

describe('temporary codes never make a hard reason', () => {
  it('a DNS "domain not found" under 4.0.0 in a delay notice is soft (Sisimai: Action delayed → expired), under 5.x a missing domain (hostunknown, hard)', async () => {
    const temporary = await classifyInbound(dsn('4.0.0', "DNS Error: DNS type 'mx' lookup of acme.example responded with code NXDOMAIN Domain name not found: acme.example", { action: 'delayed' }));
    expect(temporary.bounce).toMatchObject({ reason: 'expired', hard: false });
    const permanent = await classifyInbound(dsn('5.1.2', '550 5.1.2 Host or domain name not found'));
    expect(permanent.bounce).toMatchObject({ reason: 'hostunknown', hard: true });
  });
});

describe('families added from Sisimai\'s reason definitions', () => {
  it.each([
    // RFC 7505 null MX / RFC 7504 "does not accept mail"
    ["DNS Error: The domain acme.example doesn't receive email according to the administrator: returned Null MX", 'notaccept'],
    ['550 5.1.10 Recipient domain has a null MX (RFC 7505)', 'notaccept'],
    // RFC 3463 X.4.6 routing loops and hop counts
    ['554 5.4.6 Too many hops (25) - message probably in a routing loop', 'networkerror'],
    ['Hop count exceeded - possible mail loop', 'networkerror'],
    ["Sorry, I wasn't able to establish an SMTP connection to mx.acme.example", 'networkerror'],
    ['Network error on destination MXs', 'networkerror'],
    // explicit expiry beats the connection error beside it
    ['550 5.4.300 Message expired, connection refused by the next hop', 'expired'],
    // the sender's From domain / purported responsible address (Sender ID)
    ["550 5.7.1 can't determine Purported Responsible Address", 'rejected'],
    ['550 5.2.0 <rep@lumina.test> From: Domain is invalid. Please provide a valid From:', 'rejected'],
    ['Connected to 192.0.2.9 but sender was rejected. Remote host said: 553 sorry', 'rejected'],
    // SPF wording that names the record, not a failed check
    ["550 5.7.1 192.0.2.9 is not allowed to send from <lumina.test> per it's SPF Record", 'authfailure'],
    ['550 Bad SPF records for [lumina.test:192.0.2.9]', 'authfailure'],
    // SMTP AUTH is a security condition, not SPF/DKIM/DMARC
    ['550 Unauthenticated senders are refused here', 'securityerror'],
    // forward-confirmed reverse DNS
    ['550 HELO domain [lumina.test] mismatches client ip 192.0.2.9', 'requireptr'],
    // RFC 5322 §3.6.2: one From address unless Sender is given
    ['550-5.7.1 Messages with multiple addresses in From: header are not accepted', 'notcompliantrfc'],
    // Yahoo's TSS04 deferral and Outlook's IP reputation limit
    ['421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user complaints', 'badreputation'],
    ['451 4.7.650 The mail server [192.0.2.9] has been temporarily rate limited due to IP reputation', 'badreputation'],
    // RFC 5321 command syntax / sequence
    ['503 5.5.1 Improper sequence of commands', 'syntaxerror'],
    ['malformed address: <dana@acme.example> may not follow <ed@acme.example>', 'syntaxerror'],
    ['554 Mail from rep@lumina.test rejected for policy reasons', 'policyviolation'],
    ['mailbox exceeded the local limit of 500 messages', 'mailboxfull'],
  ])('"%s" → %s', (words, reason) => {
    expect(reasonOfWords(words)).toBe(reason);
  });

  it('the RFC 5321 reply code decides when the words say nothing known', () => {
    expect(bounceReason({ words: '556 acme.example', status: null, smtpCode: '556' })).toBe('notaccept');
    expect(bounceReason({ words: '501 huh', status: null, smtpCode: '501' })).toBe('syntaxerror');
  });

  it('"rejected by the recipient domain" is the domain\'s server, not the person\'s filter', () => {
    expect(reasonOfWords('Your message was rejected by the recipient domain')).not.toBe('filtered');
    expect(reasonOfWords('Your message was rejected by the recipient')).toBe('filtered');
  });

  it('"rfc822;" in a report field is syntax, not a complaint about compliance', () => {
    expect(reasonOfWords('Final-Recipient: rfc822; dana@acme.example')).toBeNull();
  });
});

describe('"user unknown" and directory lookups', () => {
  it('with neither an X.1.x code nor RCPT named, "user unknown" is a filter (soft)', () => {
    expect(bounceReason({ words: '550 <dana@acme.example>: User unknown', status: '5.0.0' })).toBe('filtered');
    expect(bounceReason({ words: '550 <dana@acme.example>: User unknown', status: '5.0.0', command: 'RCPT' })).toBe('userunknown');
  });
  it('Office 365\'s resolver naming the recipient as not found is believed over its 5.1.10', () => {
    expect(bounceReason({ words: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', status: '5.1.10' })).toBe('userunknown');
  });
});

describe('the stage of the SMTP dialogue', () => {
  it('a refusal at the greeting or at HELO is blocked, whatever the words name', async () => {
    const r = await classifyInbound(dsn('4.0.0', 'host mx.acme.example[192.0.2.7] refused to talk to me: 421 Service refused, please try later'));
    expect(r.bounce?.reason).toBe('blocked');
    const qmail = await classifyInbound(
      plain('MAILER-DAEMON@mail.lumina.test', 'failure notice', [
        'Hi. This is the qmail-send program at mail.lumina.test.',
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        '',
        '<dana@acme.example>:',
        'Connected to 192.0.2.7 but my name was rejected.',
        'Remote host said: 501 5.0.0 Invalid domain name',
        '',
      ]),
    );
    expect(qmail.bounce).toMatchObject({ reason: 'blocked', hard: false, recipient: 'dana@acme.example' });
  });
  it('after MAIL FROM, specific words still win (reverse DNS), plain refusals are about our sender', () => {
    expect(bounceReason({ words: '554 5.7.1 Reverse DNS failed', status: '5.7.1', command: 'MAIL' })).toBe('requireptr');
    expect(bounceReason({ words: '550 no thanks', status: '5.7.1', command: 'MAIL' })).toBe('rejected');
  });
});

describe('per-MTA readers', () => {
  it('an X-Unix diagnostic is the local mailer (mailererror) unless it names the quota', async () => {
    const pipe = await classifyInbound(dsn('5.1.1', 'procmail: Couldn\'t create "/var/mail/dana": No such user', { type: 'x-unix' }));
    expect(pipe.bounce).toMatchObject({ reason: 'mailererror', hard: false });
    const quota = await classifyInbound(dsn('4.3.0', '/home/dana/Maildir/tmp/123.host: Disk quota exceeded', { type: 'X-Unix', action: 'delayed' }));
    expect(quota.bounce?.reason).toBe('mailboxfull');
  });

  it('Gmail\'s own explanation is set aside for the answer it relays', async () => {
    const r = await classifyInbound(
      plain('Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'Delivery Status Notification (Failure)', [
        'Delivery to the following recipient failed permanently:',
        '',
        '     dana@acme.example',
        '',
        'Technical details of permanent failure:',
        'Google tried to deliver your message, but it was rejected by the recipient domain. The error that the other server returned was:',
        '550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org',
      ]),
    );
    expect(r.bounce).toMatchObject({ reason: 'blocked', recipient: 'dana@acme.example' });
  });

  it('Google Groups refusing a post is a refused sender, never a dead address', async () => {
    const r = await classifyInbound(
      plain('Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'Delivery Status Notification (Failure)', [
        'Hello rep@lumina.test,',
        '',
        "We're writing to let you know that the group you tried to contact (sales-team) may not exist, or you may not have permission to post messages to the group.",
      ]).replace('MIME-Version: 1.0', 'MIME-Version: 1.0\r\nX-Failed-Recipients: sales-team@googlegroups.com'),
    );
    expect(r.bounce).toMatchObject({ reason: 'rejected', hard: false, recipient: 'sales-team@googlegroups.com' });
  });

  it('qmail and OpenSMTPD: the first failed block names the recipient', async () => {
    const qmail = await classifyInbound(
      plain('MAILER-DAEMON@mail.lumina.test', 'failure notice', [
        'Hi. This is the qmail-send program at mail.lumina.test.',
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        '',
        '<full@acme.example>:',
        'From: <rep@lumina.test> RCPT: <full@acme.example> 192.0.2.7 does not like recipient.',
        'Remote host said: 552 5.2.2 <full@acme.example>: Mailbox full',
        '',
        '<gone@acme.example>:',
        'Remote host said: 550 5.1.1 <gone@acme.example>: User unknown',
        '',
      ]),
    );
    expect(qmail.bounce).toMatchObject({ recipient: 'full@acme.example', reason: 'mailboxfull', hard: false });
    const opensmtpd = await classifyInbound(
      plain('MAILER-DAEMON@mail.lumina.test', 'Delivery status notification: error', [
        'Hi!',
        '',
        'This is the MAILER-DAEMON, please DO NOT REPLY to this email.',
        '',
        '    An error has occurred while attempting to deliver a message for',
        '    the following list of recipients:',
        '',
        'full@acme.example: 552 5.2.2 <full@acme.example>... Mailbox Full',
        'gone@acme.example: 550 5.1.1 <gone@acme.example>... User Unknown',
      ]),
    );
    expect(opensmtpd.bounce).toMatchObject({ recipient: 'full@acme.example', reason: 'mailboxfull' });
  });
});

describe('Amazon SES notifications', () => {
  it('reads the bounced recipient from JSON a relay wrapped across lines', async () => {
    const json = JSON.stringify({
      notificationType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'dana@acme.example', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] },
      mail: { source: 'rep@lumina.test', destination: ['dana@acme.example'] },
    });
    const wrapped = json.match(/.{1,76}/g)!.join('\r\n');
    const r = await classifyInbound(plain('AWS Notifications <no-reply@sns.amazonaws.com>', 'AWS Notification Message', [wrapped]));
    expect(r.bounce).toMatchObject({ recipient: 'dana@acme.example', reason: 'userunknown', hard: true, status: '5.1.1' });
  });
});

describe('X.7.x codes are refined only by a named cause', () => {
  it('generic policy words keep securityerror; a named policy or a blocklist refines it', () => {
    expect(bounceReason({ words: '550 5.7.0 Recipient address rejected: Policy violation', status: '5.7.0' })).toBe('securityerror');
    expect(bounceReason({ words: '554 5.7.7 Email policy violation detected', status: '5.7.7' })).toBe('securityerror');
    expect(bounceReason({ words: '550 5.7.1 Delivery not authorized by local policy', status: '5.7.1' })).toBe('policyviolation');
    expect(bounceReason({ words: '554 5.7.1 Service unavailable; client host [192.0.2.1] blocked using bl.example.org', status: '5.7.1' })).toBe('blocked');
    // Without a code the same generic words still name the reason.
    expect(bounceReason({ words: '550 Policy violation', status: null })).toBe('policyviolation');
  });
});

describe("Sisimai's general decision inside readBounce", () => {
  it('a vendor detail under a subject (5.1.351) reads as that subject (5.1.0, userunknown)', async () => {
    const r = await classifyInbound(dsn('5.1.351', '550 5.1.351 Remote server returned an unknown recipient or mailbox unavailable'));
    expect(r.bounce).toMatchObject({ reason: 'userunknown', hard: true });
  });

  it("a recipient directory's answer with no command named is read as the answer to RCPT", async () => {
    const r = await classifyInbound(dsn('5.5.0', '550 Requested action not taken: mailbox unavailable'));
    expect(r.bounce).toMatchObject({ reason: 'userunknown', hard: true });
  });
});
