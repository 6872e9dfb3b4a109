import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';

// Every message here is written for this test after each MTA's documented output (Exim's
// deliver.c texts, qmail-remote.c, Exchange 2007 NDRs, au / Verizon / docomo notices); none is
// taken from the shared corpus.

function plain(headers: string[], body: string[]): string {
  return [...headers, 'To: rep@lumina.test', 'Date: Tue, 03 Mar 2026 09:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', ...body, ''].join('\r\n');
}

async function bounceOf(raw: string) {
  const c = await classifyInbound(raw);
  expect(c.kind).toBe('bounce');
  return c.bounce!;
}

const EXIM_HEADERS = ['From: Mail Delivery System <Mailer-Daemon@mx.lumina.test>', 'Message-Id: <E1abcDE-000123-Xy@mx.lumina.test>', 'Subject: Mail delivery failed: returning message to sender', 'X-Failed-Recipients: dana@acme.example'];
const exim = (line: string) =>
  plain(EXIM_HEADERS, ['This message was created automatically by mail delivery software.', '', 'A message that you sent could not be delivered to one or more of its', 'recipients. This is a permanent error. The following address(es) failed:', '', '  dana@acme.example', `    ${line}`, '']);

describe("Exim's own messages (deliver.c, routers, transports)", () => {
  it('a full mailbox, a host that takes no SMTP and a mail loop keep the reason Exim gives', async () => {
    expect((await bounceOf(exim('mailbox is full: retry timeout exceeded'))).reason).toBe('mailboxfull');
    expect((await bounceOf(exim('an MX or SRV record indicated no SMTP service'))).reason).toBe('notaccept');
    const loop = await bounceOf(exim('Too many "Received" headers - suspected mail loop'));
    expect(loop.reason).toBe('contenterror');
    expect(loop.hard).toBe(false);
  });
  it("the queue's retry messages are an expiry when nothing more precise is said", async () => {
    expect((await bounceOf(exim('retry time not reached for any host after a long failure period'))).reason).toBe('expired');
  });
  it('an address Exim could not parse is a syntax error', async () => {
    expect((await bounceOf(exim('angle-brackets nested too deep'))).reason).toBe('syntaxerror');
  });
});

describe("qmail's messages (qmail-remote.c, qmail-local.c, qmail-ldap)", () => {
  const qmail = (lines: string[]) => plain(['From: MAILER-DAEMON@mx.lumina.test', 'Subject: failure notice'], ['Hi. This is the qmail-send program at mx.lumina.test.', "I'm afraid I wasn't able to deliver your message to the following addresses.", '', '<dana@acme.example>:', ...lines, '']);
  it('the disk quota and the LDAP account state are read from its own words', async () => {
    expect((await bounceOf(qmail(['disk quota exceeded'])))?.reason).toBe('mailboxfull');
    const off = await bounceOf(qmail(['Mailaddress is administratively disabled.']));
    expect(off.reason).toBe('suspend');
    expect(off.hard).toBe(false);
  });
  it('"sender was rejected" is a refusal of our sender (MAIL), "my name was rejected" of our host (HELO)', async () => {
    expect((await bounceOf(qmail(['Connected to 192.0.2.7 but sender was rejected.', 'Remote host said: 553 sorry, no thanks']))).reason).toBe('rejected');
    expect((await bounceOf(qmail(['Connected to 192.0.2.7 but my name was rejected.', 'Remote host said: 550 no thanks']))).reason).toBe('blocked');
  });
});

describe('Exchange 2007 NDR subjects', () => {
  const ndr = (line: string) =>
    plain(['From: postmaster@exchange.acme.example', 'Subject: Undeliverable: hello', 'Content-Language: en-US'], ['Delivery has failed to these recipients or distribution lists:', '', 'dana@acme.example', 'The message could not be delivered.', '', 'Diagnostic information for administrators:', '', 'Generating server: ex1.acme.example', '', 'dana@acme.example', line, '', 'Original message headers:', '']);
  it('RecipSizeLimit is a message too big, NotAuthorized a refusal of the sender, RecipLimit too many recipients', async () => {
    expect((await bounceOf(ndr('#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##'))).reason).toBe('mesgtoobig');
    expect((await bounceOf(ndr('#550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized ##'))).reason).toBe('rejected');
    expect((await bounceOf(ndr('#550 5.5.3 RESOLVER.ADR.RecipLimit; too many recipients ##'))).reason).toBe('toomanyconn');
  });
});

describe('carriers', () => {
  it('au by KDDI: "As their mailbox is full" is a full mailbox, "Due to the following SMTP relay error" a relay refusal', async () => {
    const au = (line: string) => plain(['From: no-reply@mail.dion.ne.jp', 'Subject: Mail delivery failed'], ['Your mail sent on: Tue, 03 Mar 2026 18:00:00 +0900', '    Could not be delivered to: <kana@ezweb.ne.jp>', `    ${line}`, '']);
    expect((await bounceOf(au('As their mailbox is full.'))).reason).toBe('mailboxfull');
    expect((await bounceOf(au('Due to the following SMTP relay error.'))).reason).toBe('norelaying');
  });
  it('NTT docomo: the same "550 Unknown user" is a filter under 5.2.0 and a refusal after DATA under 5.0.0', async () => {
    const dsn = (status: string, command: string) =>
      [
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
        `<kana@docomo.ne.jp>: host mfsmax.docomo.ne.jp[192.0.2.9] said: 550 Unknown user kana@docomo.ne.jp (in reply to ${command} command)`,
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Final-Recipient: rfc822; kana@docomo.ne.jp',
        'Action: failed',
        `Status: ${status}`,
        'Remote-MTA: dns; mfsmax.docomo.ne.jp',
        'Diagnostic-Code: smtp; 550 Unknown user kana@docomo.ne.jp',
        '',
        '--b1--',
        '',
      ].join('\r\n');
    const filtered = await bounceOf(dsn('5.2.0', 'RCPT TO'));
    expect(filtered.reason).toBe('filtered');
    expect(filtered.hard).toBe(false);
    expect((await bounceOf(dsn('5.0.0', 'end of DATA'))).reason).toBe('rejected');
    expect((await bounceOf(dsn('5.0.0', 'RCPT TO'))).reason).toBe('userunknown');
  });
});

describe('the status code: the DSN field against the code in the server reply', () => {
  const dsn = (status: string, diagnostic: string) =>
    [
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
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; dana@acme.example',
      'Action: failed',
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${diagnostic}`,
      '',
      '--b1--',
      '',
    ].join('\r\n');
  it('a field that only names the subject (X.Y.0) gives way to the specific code the server wrote', async () => {
    expect((await bounceOf(dsn('5.2.0', '552 5.2.2 quota exceeded'))).status).toBe('5.2.2');
  });
  it("the server's own specific code is the status over the field (Sisimai's Fact); a generic one (X.0.0, X.Y.0, 4.4.7) never replaces it", async () => {
    expect((await bounceOf(dsn('5.1.1', '550 5.7.1 rejected'))).status).toBe('5.7.1');
    expect((await bounceOf(dsn('4.4.7', '452 4.4.5 Insufficient disk space; try again later'))).status).toBe('4.4.5');
    expect((await bounceOf(dsn('5.1.1', '550 5.2.0 mailbox unavailable'))).status).toBe('5.1.1');
    expect((await bounceOf(dsn('5.0.0', '550 5.0.0 then 5.1.1 unknown'))).status).toBe('5.1.1');
    expect((await bounceOf(dsn('4.2.0', '451 4.4.7 expired'))).status).toBe('4.2.0');
  });
  it('a version number ("v2.1.3") is not a status code', async () => {
    expect((await bounceOf(dsn('5.0.0', 'mailer v2.1.3 said: 550 5.1.1 no such user'))).status).toBe('5.1.1');
  });
});

describe('Exchange 2003, Courier and DMA (DragonFly Mail Agent) texts', () => {
  it("Exchange 2003's MSEXCH error code decides: 000C0595 (ambiguous recipient) is a filter, 00050311 a conversion failure", async () => {
    const ndr = (code: string, words: string) =>
      plain(['From: postmaster@exchange.acme.example', 'Subject: Undeliverable: hello', 'X-MS-Embedded-Report: yes'], ['Your message', '', '  To:      dana@acme.example', '  Subject: hello', '  Sent:    Tue, 3 Mar 2026 09:00:00 +0000', '', 'did not reach the following recipient(s):', '', 'dana@acme.example on Tue, 3 Mar 2026 09:00:05 +0000', `    MSEXCH:IMS:ACME:EX1 0 (${code}) ${words}`, '']);
    expect((await bounceOf(ndr('000C0595', 'Ambiguous Recipient'))).reason).toBe('filtered');
    expect((await bounceOf(ndr('00050311', 'Conversion to Internet format failed'))).reason).toBe('contenterror');
  });
  it('Courier: "This domain\'s DNS violates RFC 1035." is a system error on their side', async () => {
    const raw = plain(['From: Courier mail server at mx.lumina.test <@>', 'Subject: NOTICE: mail delivery status.'], ['UNDELIVERABLE MAIL', '', 'Your message to the following recipients cannot be delivered:', '', '<dana@acme.example>:', "    This domain's DNS violates RFC 1035.", '']);
    expect((await bounceOf(raw)).reason).toBe('systemerror');
  });
  it('DMA: "Could not deliver for the last N seconds. Giving up." is an expiry', async () => {
    const raw = plain(['From: MAILER-DAEMON@df.lumina.test', 'Subject: Mail delivery failed', 'Received: from df.lumina.test (DragonFly Mail Agent v0.13); Tue, 03 Mar 2026 09:00:00 +0000'], ['This is the DragonFly Mail Agent v0.13 at df.lumina.test.', '', 'There was an error delivering your mail to <dana@acme.example>.', '', 'Could not deliver for the last 432000 seconds. Giving up.', '', 'Original message follows.', '']);
    const b = await bounceOf(raw);
    expect(b.reason).toBe('expired');
    expect(b.hard).toBe(false);
  });
});
