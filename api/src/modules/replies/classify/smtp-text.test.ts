import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { commandIn, replyCodeIn } from './smtp-text';

// Every message here is written for this test after the MTAs' documented output (qmail-remote.c,
// Sendmail's transcript, RFC 3464 reports); none is taken from the shared corpus.

function plain(headers: string[], body: string[]): string {
  return [...headers, 'To: rep@lumina.test', 'Date: Tue, 03 Mar 2026 09:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', ...body, ''].join('\r\n');
}

async function bounceOf(raw: string) {
  const c = await classifyInbound(raw);
  expect(c.kind).toBe('bounce');
  return c.bounce!;
}

/** An RFC 3464 report with one recipient, and free text (a transcript) before it. */
function report(fields: string[], text: string[] = ['Your message could not be delivered.']): string {
  return [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.lumina.test>',
    'To: rep@lumina.test',
    'Subject: Returned mail: see transcript for details',
    'Date: Tue, 03 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    ...text,
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.lumina.test',
    '',
    'Final-Recipient: rfc822; dana@acme.example',
    ...fields,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('the SMTP reply code (RFC 5321 codes only, as Sisimai reads them)', () => {
  it('takes a defined reply code and passes over other three-digit numbers', () => {
    expect(replyCodeIn('550 5.1.1 <dana@acme.example>... User unknown')).toBe('550');
    expect(replyCodeIn('Error 225 at 12:31, try again')).toBeNull();
    expect(replyCodeIn('Host 192.0.2.250 said: 451 try later')).toBe('451');
    expect(replyCodeIn('5.0.0')).toBeNull();
  });
  it('prefers a permanent code to a transient one, and both to a positive one', () => {
    expect(replyCodeIn('250 OK then 554 Transaction failed')).toBe('554');
    expect(replyCodeIn('250 2.1.5 Ok; 451 4.3.0 Error: queue file write error')).toBe('451');
  });
});

describe('the SMTP command an answer names (Sisimai Command.find)', () => {
  it('is the latest command of the session named in capitals, never a word inside an address or host', () => {
    expect(commandIn('MAIL FROM: <> 250 OK RCPT TO: <dana@acme.example> 550 Unknown')).toBe('RCPT');
    expect(commandIn('550 rejected after DATA')).toBe('DATA');
    expect(commandIn('550 mailbox DATABASE@ACME.EXAMPLE unknown')).toBeNull();
    expect(commandIn('550 refused, data not accepted')).toBeNull();
  });
  it('reads a 5xx that names RCPT in its own words as a refusal of the recipient', async () => {
    const b = await bounceOf(report(['Action: failed', 'Status: 5.5.0', 'Diagnostic-Code: smtp; 554 5.5.0 RCPT TO:<dana@acme.example> mailbox not found']));
    expect(b.reason).toBe('userunknown');
    expect(b.hard).toBe(true);
  });
});

describe('the status code of a failure', () => {
  it("is the server's specific code over a queue's 4.4.7 (4.4.5: its disk is full, not an expiry)", async () => {
    const b = await bounceOf(report(['Action: failed', 'Status: 4.4.7', 'Diagnostic-Code: smtp; 452 4.4.5 Insufficient disk space; try again later']));
    expect(b.status).toBe('4.4.5');
    expect(b.reason).toBe('systemfull');
    expect(b.hard).toBe(false);
  });
  it('is never a 2.x.x success code of a transcript when the failure has its own code', async () => {
    const postfix = plain(
      ['From: MAILER-DAEMON@mx.lumina.test (Mail Delivery System)', 'Subject: Undelivered Mail Returned to Sender'],
      [
        'This is the mail system at host mx.lumina.test.',
        '',
        "I'm sorry to have to inform you that your message could not",
        'be delivered to one or more recipients.',
        '',
        '<dana@acme.example>: host mx.acme.example[192.0.2.9] said: 451 4.3.0 Error: queue file write error (in reply to end of DATA command)',
        '',
        'Transcript of session follows.',
        ' Out: RCPT TO:<dana@acme.example>',
        ' In:  250 2.1.5 Ok',
        ' Out: DATA',
        ' In:  451 4.3.0 Error: queue file write error',
      ],
    );
    const b = await bounceOf(postfix);
    expect(b.status).toBe('4.3.0');
    expect(b.reason).not.toBe('delivered');
  });
});

describe("Sendmail's transcript beside its DSN", () => {
  const transcript = (lines: string[]) => ['The original message was received at Tue, 3 Mar 2026 09:00:00 +0000', '', '   ----- Transcript of session follows -----', ...lines];
  it("a local mailer's bare exit status gives way to the transcript's coded line", async () => {
    const b = await bounceOf(
      report(['X-Actual-Recipient: X-Unix; |/home/dana/bin/filter', 'Action: failed', 'Status: 5.0.0', 'Diagnostic-Code: X-Unix; 255'], transcript(['filter: cannot open database', '554 5.3.0 unknown mailer error 255'])),
    );
    expect(b.reason).toBe('mailererror');
    expect(b.hard).toBe(false);
  });
  it("a local mailer's failure is read from its own status, not from other words of the notice", async () => {
    const b = await bounceOf(
      report(['X-Actual-Recipient: X-Unix; |/usr/local/bin/deliver', 'Action: failed', 'Status: 5.3.0', 'Diagnostic-Code: X-Unix; 75'], ['The mailbox of the recipient may be over quota, or the program failed.', '']),
    );
    expect(b.reason).toBe('systemerror');
  });
  it("the remote server's answers (<<<) are read with the Diagnostic-Code", async () => {
    const b = await bounceOf(
      report(['Action: failed', 'Status: 5.0.0', 'Diagnostic-Code: smtp; 554 5.0.0 Service unavailable'], transcript(['... while talking to mx.acme.example.:', '>>> DATA', '<<< 550 5.7.1 Message rejected as spam by Content Filtering.', '554 5.0.0 Service unavailable'])),
    );
    expect(b.reason).toBe('spamdetected');
  });
});

describe("qmail's decoder", () => {
  const qmail = (lines: string[]) => plain(['From: MAILER-DAEMON@mx.lumina.test', 'Subject: failure notice'], ['Hi. This is the qmail-send program at mx.lumina.test.', "I'm afraid I wasn't able to deliver your message to the following addresses.", '', ...lines, '']);
  it('"does not like recipient." names the stage (RCPT); what the server said decides the reason', async () => {
    const b = await bounceOf(qmail(['<dana@acme.example>:', '192.0.2.7 does not like recipient.', 'Remote host said: 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org', 'Giving up on 192.0.2.7.']));
    expect(b.reason).toBe('blocked');
    expect(b.hard).toBe(false);
    const gone = await bounceOf(qmail(['<dana@acme.example>:', '192.0.2.7 does not like recipient.', 'Remote host said: 550 5.1.1 <dana@acme.example>... User unknown', 'Giving up on 192.0.2.7.']));
    expect(gone.reason).toBe('userunknown');
  });
  it("another recipient's block says nothing about this one", async () => {
    const b = await bounceOf(qmail(['<dana@acme.example>:', '192.0.2.7 failed after I sent the message.', 'Remote host said: 554 5.7.1 Message rejected for spam', '', '<lee@other.example>:', 'Sorry, no mailbox here by that name. (#5.1.1)']));
    expect(b.recipient).toBe('dana@acme.example');
    expect(b.reason).not.toBe('userunknown');
  });
});

describe("Zoho Mail's notice (Sisimai's Zoho decoder)", () => {
  const zoho = (line: string) =>
    plain(['From: mailer-daemon@mail.zoho.com', 'Subject: Undelivered Mail Returned to Sender', 'X-ZohoMail: Si CHF_MF_NL SS_10'], ['This message was created automatically by mail delivery software.', 'A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.', '', line, '']);
  it('names no SMTP command: "mailbox unavailable" without X.1.1 is a filter, not a missing mailbox', async () => {
    const b = await bounceOf(zoho('dana@acme.example Invalid Address, ERROR_CODE :550, ERROR_CODE :Requested action not taken: mailbox unavailable'));
    expect(b.recipient).toBe('dana@acme.example');
    expect(b.reason).toBe('filtered');
    expect(b.hard).toBe(false);
  });
  it('X.1.1 in its error code still says the mailbox is unknown', async () => {
    const b = await bounceOf(zoho('dana@acme.example Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <dana@acme.example>... User Unknown'));
    expect(b.reason).toBe('userunknown');
    expect(b.hard).toBe(true);
  });
});

describe("fml's notices (Sisimai's FML decoder)", () => {
  const fml = (subject: string, lines: string[]) =>
    plain(['From: team-admin@lists.acme.example', `Subject: ${subject}`, 'Message-Id: <202603030900.FMLAAB00001.team@lists.acme.example>', 'X-MLServer: fml [fml 4.0.3 release]'], [...lines, 'Original mail as follows:', '', '   From: rep@lumina.test', '   Subject: hello', '']);
  it("a non-member's post is a refusal of the sender (soft), about the address fml names", async () => {
    const c = await classifyInbound(fml('NOT MEMBER article from rep@lumina.test (team ML)', ['You are not a member of this mailing list <team@lists.acme.example>.', 'If you know the general guide of this list, please send mail with the mail body']));
    expect(c.kind).toBe('bounce');
    expect(c.bounce).toMatchObject({ reason: 'rejected', hard: false, recipient: 'team@lists.acme.example' });
  });
  it('a duplicated Message-ID (a loop) is a system error on the list side', async () => {
    const c = await classifyInbound(fml('Loop Alert: Duplicated Message-ID (team ML)', ['Duplicated Message-ID in <team@lists.acme.example>.']));
    expect(c.bounce).toMatchObject({ reason: 'systemerror', hard: false });
  });
  it('a list reply without the fml stamp stays a reply', async () => {
    const c = await classifyInbound(plain(['From: team-admin@lists.acme.example', 'Subject: Re: hello'], ['Thanks <dana@acme.example> will call you.']));
    expect(c.kind).not.toBe('bounce');
  });
});

describe("Office 365's status table (Microsoft's NDR reference, as Sisimai's Office365 decoder reads it)", () => {
  const ndr = (line: string) =>
    plain(
      ['From: postmaster@acme.onmicrosoft.com', 'Subject: Undeliverable: hello', 'X-MS-Exchange-Message-Is-Ndr: ', 'Message-ID: <5e1f2a3b-0000-4000-8000-000000000001@AM0PR01MB1234.eurprd01.prod.outlook.com>'],
      ['Delivery has failed to these recipients or groups:', '', 'dana@acme.example<mailto:dana@acme.example>', "The email address you entered couldn't be found.", '', 'Diagnostic information for administrators:', '', 'Generating server: AM0PR01MB1234.eurprd01.prod.outlook.com', '', 'dana@acme.example', line, ''],
    );
  it('5.1.10 RecipientNotFound is a missing mailbox (hard), not a null MX', async () => {
    const b = await bounceOf(ndr("Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'"));
    expect(b.status).toBe('5.1.10');
    expect(b.reason).toBe('userunknown');
    expect(b.hard).toBe(true);
  });
  it('5.4.316 (the remote server kept refusing the connection until the message expired) is an expiry', async () => {
    const b = await bounceOf(ndr("Remote Server returned '550 5.4.316 Message expired, connection refused(Socket error code 10061)'"));
    expect(b.reason).toBe('expired');
    expect(b.hard).toBe(false);
  });
});

describe('Amazon WorkMail (its report written into the text part)', () => {
  it("reads the embedded RFC 3464 fields; its 4.4.7 Status field is an expiry though the last answer was a dropped connection", async () => {
    const raw = plain(
      ['From: MAILER-DAEMON@us-west-2.awsapps.com', 'Subject: Delivery Status Notification (Failure)', 'X-Mailer: Amazon WorkMail', 'X-SES-Outgoing: 2026.03.03-192.0.2.10'],
      ['An error occurred while trying to deliver the mail to the following recipients:', 'dana@acme.example', '', 'Technical report:', '', 'Reporting-MTA: dsn; a1-2.smtp-out.us-west-2.amazonses.com', '', 'Action: failed', 'Final-Recipient: rfc822; dana@acme.example', 'Diagnostic-Code: smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>', 'Status: 4.4.7'],
    );
    const b = await bounceOf(raw);
    expect(b.recipient).toBe('dana@acme.example');
    expect(b.reason).toBe('expired');
    expect(b.hard).toBe(false);
  });
});

describe("GoDaddy's inbound servers (its published IB codes and bounce texts)", () => {
  const godaddy = (diagnostic: string) => report(['Action: failed', 'Status: 5.1.3', 'Remote-MTA: DNS; smtp.secureserver.net', `Diagnostic-Code: SMTP; ${diagnostic}`]);
  it('an IBnnn code decides: IB104 (Spamhaus SBL) is a block, IB508 an SPF failure', async () => {
    expect((await bounceOf(godaddy('554 Connection refused. This IP address is listed on the Spamhaus Block List (SBL). IB104'))).reason).toBe('blocked');
    expect((await bounceOf(godaddy('550 dana@acme.example Invalid SPF record. Inspect your SPF settings, and try again. IB508'))).reason).toBe('authfailure');
  });
  it('a Spamhaus lookup link is a block, never a bad address, whatever the Status field says', async () => {
    const b = await bounceOf(godaddy('553 http://www.spamhaus.org/query/bl?ip=192.0.2.1'));
    expect(b.reason).toBe('blocked');
    expect(b.hard).toBe(false);
  });
});

describe("Gmail's own notices: the stage of its SMTP client, \"(state N)\"", () => {
  const gmail = (answer: string) =>
    plain(
      ['From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'Subject: Delivery Status Notification (Failure)'],
      ['This is an automatically generated Delivery Status Notification', '', 'Delivery to the following recipient failed permanently:', '', '     dana@acme.example', '', 'Technical details of permanent failure:', 'Google tried to deliver your message, but it was rejected by the recipient domain. We recommend contacting the other email provider for further information about the cause of this error. The error that the other server returned was:', answer, ''],
    );
  it('state 18 is an answer after DATA: a filter, whatever its generic code', async () => {
    const b = await bounceOf(gmail('554 554 5.7.0 Header error (state 18).'));
    expect(b.reason).toBe('filtered');
    expect(b.hard).toBe(false);
  });
  it('state 8 is a failed AUTH with the remote server: a system error', async () => {
    expect((await bounceOf(gmail('535 SMTP AUTH failed with the remote server. (state 8).'))).reason).toBe('systemerror');
  });
  it('a specific code in the answer names the reason over the state (5.2.2 under state 14 is a full mailbox)', async () => {
    expect((await bounceOf(gmail('450 450 4.2.2 <dana@acme.example>... Mailbox Full (state 14).'))).reason).toBe('mailboxfull');
  });
});

describe("Sendmail 5's transcript (no RFC 3464 part)", () => {
  const v5 = (lines: string[]) =>
    plain(['From: Mail Delivery Subsystem <MAILER-DAEMON@mx.lumina.test>', 'Subject: Returned mail: Unable to deliver mail'], ['   ----- Transcript of session follows -----', ...lines, '', '   ----- Unsent message follows -----', 'From: rep@lumina.test', 'To: dana@acme.example', 'Subject: hello', '']);
  it('a refusal of MAIL FROM is about the recipient that follows it: our host was refused, the address is not gone', async () => {
    const b = await bounceOf(v5(['While talking to mx.acme.example:', '>>> MAIL From:<rep@lumina.test>', '<<< 501 <rep@lumina.test>... no access from mail server [192.0.2.1] which is an open relay.', '554 <dana@acme.example>... Remote protocol error']));
    expect(b.recipient).toBe('dana@acme.example');
    expect(b.reason).toBe('blocked');
    expect(b.hard).toBe(false);
  });
  it('an unknown user in answer to RCPT TO is a missing mailbox', async () => {
    const b = await bounceOf(v5(['While talking to mx.acme.example:', '>>> RCPT To:<dana@acme.example>', '<<< 550 <dana@acme.example>... User unknown', '550 <dana@acme.example>... User unknown']));
    expect(b.reason).toBe('userunknown');
    expect(b.hard).toBe(true);
  });
});

describe("Gmail's state 6 / 9 (TLS)", () => {
  it('a remote server without TLS is a system error on its side, soft', async () => {
    const raw = plain(
      ['From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'Subject: Delivery Status Notification (Failure)'],
      ['Delivery to the following recipient failed permanently:', '', '     dana@acme.example', '', 'Technical details of permanent failure:', 'The error that the other server returned was:', '500 Remote server does not support TLS (state 6).', ''],
    );
    const b = await bounceOf(raw);
    expect(b.reason).toBe('systemerror');
    expect(b.hard).toBe(false);
  });
});

describe("Amazon SES's relayed answer", () => {
  it("the quoted remote answer's code is the status, not SES's own 5.1.0 summary: an access refusal is soft", async () => {
    const raw = report(['Action: failed', 'Status: 5.0.0 (permanent failure)', "Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.7.1 <0000-abc@email-bounces.amazonses.com>... Access denied' (delivery attempts: 0)"]).replace(
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.lumina.test>',
      'From: MAILER-DAEMON@email-bounces.amazonses.com',
    );
    const b = await bounceOf(raw);
    expect(b.status).toBe('5.7.1');
    expect(b.hard).toBe(false);
  });
});
