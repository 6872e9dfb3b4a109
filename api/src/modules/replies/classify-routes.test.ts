import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { inboundClassificationSchema } from '../../../../shared/contracts/replies';
import { CLASSIFY_MAX_BYTES } from './classify-routes';

let rt: TestRuntime;
let session: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  session = await signIn(rt.app, 'rita@classify.test');
});
afterAll(() => rt?.close());

const rfc822 = { 'content-type': 'message/rfc822' };

const bounce = [
  'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
  'To: rep@lumina.test',
  'Subject: Undelivered Mail Returned to Sender',
  'Date: Tue, 3 Mar 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'I could not deliver your message.',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.net',
  '',
  'Final-Recipient: rfc822; gone@example.net',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown',
  '--b1--',
  '',
].join('\r\n');

const expectEnvelope = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe(code);
};

describe('POST /api/replies/classify', () => {
  it('classifies a raw bounce: hard, with recipient and status', async () => {
    const res = await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: bounce });
    expect(res.status).toBe(200);
    const body = inboundClassificationSchema.parse(await res.json());
    expect(body.kind).toBe('bounce');
    expect(body.bounce).toMatchObject({ hard: true, status: '5.1.1', recipient: 'gone@example.net', reason: 'userunknown' });
  });

  it('takes non-UTF-8 bytes', async () => {
    const latin1 = Buffer.from('From: Zoë <zoe@example.fr>\r\nTo: rep@lumina.test\r\nSubject: Re: démo\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nMerci, ça me va pour jeudi.\r\n', 'latin1');
    const res = await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: latin1 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'reply' });
  });

  it('needs a session', async () => {
    await expectEnvelope(await rt.app.request('/api/replies/classify', { method: 'POST', headers: rfc822, body: bounce }), 401, 'UNAUTHORIZED');
  });

  it('answers 415 for any other content type', async () => {
    for (const type of ['application/json', 'text/plain', '']) {
      const res = await session.call('/api/replies/classify', { method: 'POST', headers: type ? { 'content-type': type } : {}, body: bounce });
      await expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers 400, never 500, for an empty body or bytes that are not a message', async () => {
    const garbage = [new Uint8Array(0), new Uint8Array([0, 255, 1, 254, 13, 10, 13, 10, 7]), new TextEncoder().encode('just some words\nwithout any header\n'), new TextEncoder().encode('\r\n\r\n\r\n')];
    for (const body of garbage) {
      await expectEnvelope(await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body }), 400, 'VALIDATION_ERROR');
    }
  });

  it('answers 413 above 1 MB', async () => {
    const big = `${bounce}${'x'.repeat(CLASSIFY_MAX_BYTES)}`;
    await expectEnvelope(await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: big }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('still answers 413 when the server-wide body limit is raised', async () => {
    const roomy = await createTestRuntime({ env: { BODY_LIMIT_BYTES: String(4 * CLASSIFY_MAX_BYTES) } });
    try {
      const s = await signIn(roomy.app, 'sam@classify.test');
      const big = `${bounce}${'x'.repeat(CLASSIFY_MAX_BYTES)}`;
      await expectEnvelope(await s.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: big }), 413, 'PAYLOAD_TOO_LARGE');
    } finally {
      await roomy.close();
    }
  });

  it('bad input gets a clear answer in bounded time: 10,000 parts, broken 8-bit MIME, 20 MB', async () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const many = `From: a@acme.example\r\nTo: rep@lumina.test\r\nSubject: Re: hi\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`;
    const started = Date.now();
    const res = await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: many });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    const broken = Buffer.concat([Buffer.from('From: a@acme.example\r\nSubject: \xff\xfe\r\nContent-Type: multipart/mixed; boundary="x\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\n', 'latin1'), Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80])]);
    expect((await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: broken })).status).toBe(200);
    // A reply that is one 900 kB line of words (no newline, no quote marker) for every phrase family to scan.
    const words = 'please contact Jane Doe not now maybe later interested unsubscribe how where '.repeat(11_000);
    const oneLine = `From: a@acme.example\r\nTo: rep@lumina.test\r\nSubject: Re: hi\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n\r\n${words}`;
    const t1 = Date.now();
    expect((await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: oneLine })).status).toBe(200);
    expect(Date.now() - t1).toBeLessThan(10_000);
    // JSON sent as a message is not one.
    await expectEnvelope(await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: JSON.stringify({ from: 'a@acme.example', text: 'hi' }) }), 400, 'VALIDATION_ERROR');
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x61);
    expect((await session.call('/api/replies/classify', { method: 'POST', headers: rfc822, body: huge })).status).toBe(413);
  });
});
