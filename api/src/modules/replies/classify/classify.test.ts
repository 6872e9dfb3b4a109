import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboundClassificationSchema } from '../../../../../shared/contracts/replies';
import { classifyInbound } from './classify';
import { UnparseableMessageError } from './parse';

/** A plain message as a mail client would send it. */
function mail(headers: Record<string, string>, body: string): string {
  const all = { From: 'Dana Prospect <dana@acme.example>', To: 'rep@lumina.test', Date: 'Tue, 03 Mar 2026 09:00:00 +0000', 'Content-Type': 'text/plain; charset=utf-8', ...headers };
  return `${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}`;
}
const reply = (body: string, subject = 'Re: Quick question about your pipeline') => classifyInbound(mail({ Subject: subject }, body));

describe('human replies with quoted history', () => {
  it('top-posted Gmail reply that quotes our unsubscribe footer stays a reply', async () => {
    const body = `Sounds good, Thursday at 3pm works for me.\n\nOn Mon, 2 Mar 2026 at 10:14, Rita Rep <rep@lumina.test> wrote:\n> Hi Dana, would Thursday work?\n> If you'd rather not hear from me, reply "unsubscribe" or remove yourself here.\n`;
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it('Gmail attribution wrapped over two lines is still quoted history', async () => {
    const body = `Yes please send the deck.\n\nOn Mon, 2 Mar 2026 at 10:14, Rita Rep from Lumina Sales <rep@lumina.test>\nwrote:\n\n> Please unsubscribe me if this is not relevant.\n`;
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it('Outlook reply with the original below "From: / Sent:" stays a reply', async () => {
    const body = `Hi Rita, let's talk next week.\n\n________________________________\nFrom: Rita Rep <rep@lumina.test>\nSent: Monday, March 2, 2026 10:14 AM\nTo: Dana Prospect\nSubject: Quick question\n\nTo stop receiving these emails, click unsubscribe. Stop emailing me? Just say so.\n`;
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it('Apple Mail reply ("On … at …, … wrote:") stays a reply', async () => {
    const body = `Happy to chat.\n\nSent from my iPhone\n\n> On 2 Mar 2026, at 10:14, Rita Rep <rep@lumina.test> wrote:\n> \n> Remove me from your list? Just reply.\n`;
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it('bottom-posted request below the quote is read', async () => {
    const body = `On Mon, 2 Mar 2026 at 10:14, Rita Rep <rep@lumina.test> wrote:\n> Hi Dana, would Thursday work?\n\nPlease remove me from your mailing list.\n`;
    expect(await reply(body)).toMatchObject({ kind: 'unsubscribe_request' });
  });

  it('top-posted request above an Outlook original is read', async () => {
    const body = `Stop emailing me.\n\n-----Original Message-----\nFrom: Rita Rep\nSent: Monday\n\nWould Thursday work?`;
    expect(await reply(body)).toMatchObject({ kind: 'unsubscribe_request' });
  });
});

describe('replies in other languages', () => {
  it.each([
    ['German', 'Danke, Donnerstag passt gut.\n\nAm Mo., 2. März 2026 um 10:14 Uhr schrieb Rita Rep <rep@lumina.test>:\n> Bitte melden Sie sich ab, falls nicht relevant.'],
    ['French', 'Merci, jeudi me convient.\n\nLe lun. 2 mars 2026 à 10:14, Rita Rep <rep@lumina.test> a écrit :\n> Pour vous désabonner, répondez STOP.'],
    ['Spanish', 'Gracias, el jueves me viene bien.\n\nEl lun, 2 mar 2026 a las 10:14, Rita Rep (<rep@lumina.test>) escribió:\n> Si no quiere recibir más correos, darse de baja aquí.'],
    ['Japanese', 'ご連絡ありがとうございます。木曜日で大丈夫です。'],
  ])('%s reply is a reply', async (_lang, body) => {
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it.each([
    ['German', 'Bitte entfernen Sie mich aus Ihrem Verteiler.'],
    ['French', 'Merci de me retirer de votre liste.'],
    ['Spanish', 'Por favor, darme de baja.'],
    ['Dutch', 'Graag uitschrijven, bedankt.'],
  ])('%s unsubscribe request', async (_lang, body) => {
    expect(await reply(body)).toMatchObject({ kind: 'unsubscribe_request' });
  });
});

describe('unsubscribe requests vs ordinary replies', () => {
  it.each([
    'Unsubscribe',
    'STOP',
    'please remove me',
    'Please take me off your list.',
    'Stop emailing me.',
    "Don't contact me again.",
    'Not interested. Remove me from your mailing list.',
    'I would like to unsubscribe from these emails.',
    'Kindly unsubscribe me, thanks.',
    'No more emails please.',
    'opt out',
  ])('"%s" is a request', async (body) => {
    expect(await reply(body)).toMatchObject({ kind: 'unsubscribe_request' });
  });

  it('an empty reply whose subject is "unsubscribe" is a request', async () => {
    expect(await reply('', 'unsubscribe')).toMatchObject({ kind: 'unsubscribe_request' });
  });

  it.each([
    'FYI your unsubscribe link is broken, but yes, send me the pricing.',
    'Please do not remove me from the list, I like these updates.',
    "Don't unsubscribe me, I'm just busy this month.",
    'Where is the unsubscribe button? Kidding, let us meet Friday.',
    'We need to stop paying for our current tool — can you do a demo?',
    'Can you add my colleague to the thread?',
  ])('"%s" is an ordinary reply', async (body) => {
    expect(await reply(body)).toMatchObject({ kind: 'reply' });
  });

  it('asks the AI refiner only about ambiguous replies, and keeps the rule when it fails', async () => {
    const asked: string[] = [];
    const refine = async (text: string) => {
      asked.push(text);
      return 'unsubscribe_request' as const;
    };
    const plain = await classifyInbound(mail({ Subject: 'Re: hi' }, 'Thursday works.'), { refine });
    expect(plain).toMatchObject({ kind: 'reply' });
    expect(asked).toEqual([]);
    const vague = await classifyInbound(mail({ Subject: 'Re: hi' }, 'Honestly I should stop reading these.'), { refine });
    expect(vague).toMatchObject({ kind: 'unsubscribe_request' });
    expect(asked).toEqual(['Honestly I should stop reading these.']);
    const failing = await classifyInbound(mail({ Subject: 'Re: hi' }, 'Honestly I should stop reading these.'), {
      refine: async () => {
        throw new Error('AI provider down');
      },
    });
    expect(failing).toMatchObject({ kind: 'reply' });
  });
});

describe('out-of-office', () => {
  const ooo = (headers: Record<string, string>, body: string) => classifyInbound(mail({ Subject: 'Automatic reply: Quick question', 'Auto-Submitted': 'auto-replied', ...headers }, body));

  it('"back on 12 March" → that day, in the year after the message date', async () => {
    expect(await ooo({}, 'I am out of the office and will be back on 12 March. For urgent matters contact sam@acme.example.')).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-12' });
  });

  it('"returning 2026-03-12" → that day', async () => {
    expect(await ooo({}, 'Thanks for your email. I am travelling, returning 2026-03-12 with limited access to email.')).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-12' });
  });

  it('"until Monday" → the Monday after the message was sent', async () => {
    // Tuesday 3 March 2026 → Monday 9 March 2026
    expect(await ooo({}, 'I am away until Monday with no access to email.')).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-09' });
  });

  it('a date range → its end', async () => {
    expect(await ooo({}, 'I am on leave from 2 March until 20 March 2026.')).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-20' });
  });

  it('German and French notices with a date', async () => {
    const de = await classifyInbound(mail({ Subject: 'Abwesenheitsnotiz: Ihre Anfrage' }, 'Ich bin bis zum 16. März nicht im Büro.'));
    expect(de).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-16' });
    const fr = await classifyInbound(mail({ Subject: 'Réponse automatique : votre message' }, 'Je serai de retour le 18 mars 2026.'));
    expect(fr).toMatchObject({ kind: 'auto_reply', returnDate: '2026-03-18' });
  });

  it('no return date when none is given, and the date the notice was written does not count', async () => {
    expect(await ooo({}, 'I am currently out of the office with limited access to email. Sent on 3 March 2026.')).toMatchObject({ kind: 'auto_reply' });
  });

  it.each([
    [{ 'X-Autoreply': 'yes', Subject: 'Re: hello' }],
    [{ 'X-Autorespond': 'true', Subject: 'Re: hello' }],
    [{ Precedence: 'auto_reply', Subject: 'Re: hello' }],
    [{ 'X-MS-Exchange-Inbox-Rules-Loop': 'dana@acme.example', 'X-Auto-Response-Suppress': 'All', Subject: 'Re: hello' }],
  ])('vendor headers %o mark an auto-reply', async (headers) => {
    expect((await classifyInbound(mail(headers, 'Thanks, I will get back to you.'))).kind).toBe('auto_reply');
  });

  it.each(['Out of Office: hello', 'Abwesenheitsnotiz: hello', 'Réponse automatique : hello', 'Automatic reply: hello'])('subject "%s" marks an auto-reply', async (subject) => {
    expect((await classifyInbound(mail({ Subject: subject }, 'I am away.'))).kind).toBe('auto_reply');
  });

  it('Auto-Submitted: no is a person', async () => {
    expect(await classifyInbound(mail({ Subject: 'Re: hello', 'Auto-Submitted': 'no' }, 'Sure, call me.'))).toMatchObject({ kind: 'reply' });
  });
});

describe('bounces, complaints and other machine mail', () => {
  const dsn = (recipient: string, status: string, diagnostic: string, action = 'failed') =>
    [
      'From: MAILER-DAEMON@mx.other.example',
      'To: someone-else@other.example',
      'Subject: Delivery Status Notification (Failure)',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="x"',
      '',
      '--x',
      'Content-Type: text/plain',
      '',
      'Delivery has failed.',
      '--x',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.other.example',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      `Action: ${action}`,
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${diagnostic}`,
      '--x--',
    ].join('\r\n');

  it('a DSN for a message that was not ours is still a bounce (matching decides whose it is)', async () => {
    expect(await classifyInbound(dsn('stranger@far.example', '5.1.1', '550 5.1.1 No such user'))).toMatchObject({
      kind: 'bounce',
      bounce: { hard: true, recipient: 'stranger@far.example', status: '5.1.1' },
    });
  });

  it.each([
    ['mailbox full', '5.2.2', '552 5.2.2 Mailbox full', false],
    ['greylisting', '4.7.1', '451 4.7.1 Greylisted, please try again later', false],
    ['spam block', '5.7.1', '554 5.7.1 Message rejected as spam', false],
    ['domain gone', '5.1.2', '550 5.1.2 Host or domain name not found', true],
    // A disabled account may come back (Sisimai: suspend, soft); only a missing one is suppressed for good.
    ['account disabled', '5.2.1', '550 5.2.1 The email account that you tried to reach is disabled.', false],
  ])('%s (%s: %s) → hard %s', async (_what, status, diagnostic, hard) => {
    const r = await classifyInbound(dsn('x@far.example', status, diagnostic));
    expect(r.bounce?.hard).toBe(hard);
  });

  it('a delay notice is a soft bounce', async () => {
    const r = await classifyInbound(dsn('x@far.example', '4.4.7', '421 4.4.7 connection timed out', 'delayed'));
    expect(r).toMatchObject({ kind: 'bounce', bounce: { hard: false } });
  });

  it('a success DSN is other', async () => {
    expect(await classifyInbound(dsn('x@far.example', '2.0.0', '250 OK', 'delivered'))).toMatchObject({ kind: 'other' });
  });

  it('an ARF report is a complaint', async () => {
    const arf = [
      'From: feedback@provider.example',
      'To: abuse@lumina.test',
      'Subject: Abuse report',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="f"',
      '',
      '--f',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report.',
      '--f',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: SomeGenerator/1.0',
      'Version: 1',
      '--f--',
    ].join('\r\n');
    expect(await classifyInbound(arf)).toMatchObject({ kind: 'complaint' });
  });

  it('a newsletter is other', async () => {
    expect(await classifyInbound(mail({ Subject: 'Our March news', 'List-Id': '<news.acme.example>' }, 'Big news!'))).toMatchObject({ kind: 'other' });
  });
});

describe('any bytes at all', () => {
  const settle = async (raw: Uint8Array | string): Promise<void> => {
    try {
      const result = await classifyInbound(raw);
      expect(inboundClassificationSchema.parse(result)).toEqual(result);
    } catch (err) {
      expect(err).toBeInstanceOf(UnparseableMessageError);
    }
  };

  it('classify to a valid answer or are refused as not a message, never crash', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), (bytes) => settle(bytes)), { numRuns: 200 });
  });

  it('the same for mangled multipart reports (the shapes bounces come in)', async () => {
    const part = fc.constantFrom('message/delivery-status', 'text/rfc822-headers', 'message/rfc822', 'message/feedback-report', 'text/plain; charset=x-unknown', 'multipart/alternative; boundary="b"');
    const line = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('Status: 5.1.1', 'Status: 9.x', 'Action: failed', 'Final-Recipient: rfc822;', 'Final-Recipient: ;;;', 'Diagnostic-Code: smtp; 550', 'Content-Transfer-Encoding: base64', '=?utf-8?B?////?=', '--r', '--r--'));
    const report = fc.tuple(fc.array(fc.tuple(part, fc.array(line, { maxLength: 8 })), { maxLength: 4 }), fc.boolean()).map(([parts, closed]) =>
      [
        'From: MAILER-DAEMON@mx.example',
        'Subject: Undelivered Mail',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        '',
        ...parts.flatMap(([type, lines]) => ['--r', `Content-Type: ${type}`, '', ...lines]),
        ...(closed ? ['--r--'] : []),
      ].join('\r\n'),
    );
    await fc.assert(fc.asyncProperty(report, (raw) => settle(raw)), { numRuns: 200 });
  });
});

describe('reply meaning a rep acts on (messages of our own)', () => {
  it.each([
    ['Sounds good — can you send me the pricing deck?', 'interested'],
    ['Not interested, we already use a competitor. Thanks.', 'objection'],
    ["I'm not the right person. Please reach out to Jane Doe, jane.doe@acme.example, she runs sales ops.", 'referral'],
    ['Not right now — ping me in Q3.', 'not_now'],
    ['Who gave you my address?', 'other'],
  ])('"%s" → %s', async (body, meaning) => {
    expect(await reply(body)).toMatchObject({ kind: 'reply', meaning });
  });

  it('a referral carries the referred name and address', async () => {
    const r = await reply('Please contact Jane Doe (jane.doe@acme.example), she handles this.');
    expect(r).toMatchObject({ meaning: 'referral', referral: { name: 'Jane Doe', email: 'jane.doe@acme.example' } });
  });

  it('"circle back next month" is not_now with a follow-up date after the message date', async () => {
    const r = await reply('Timing is not right, circle back next month please.');
    expect(r.meaning).toBe('not_now');
    expect(r.followUpDate! > '2026-03-03').toBe(true);
  });

  it('an out-of-office and a ticket acknowledgement are told apart', async () => {
    const ooo = await classifyInbound(mail({ Subject: 'Automatic reply: hello', 'Auto-Submitted': 'auto-replied' }, 'I am on vacation until 20 March 2026.'));
    expect(ooo).toMatchObject({ kind: 'auto_reply', meaning: 'out_of_office', returnDate: '2026-03-20' });
    const ticket = await classifyInbound(mail({ Subject: '[Request #4521] received', 'Auto-Submitted': 'auto-generated' }, 'We have received your request and a member of our team will respond shortly.'));
    expect(ticket).toMatchObject({ kind: 'auto_reply', meaning: 'auto_reply' });
  });
});
