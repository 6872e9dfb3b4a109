import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { google, type gmail_v1 } from 'googleapis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import PostalMime from 'postal-mime';
import { startGmailEmulator, type GmailEmulator } from './server';

// googleapis itself, pointed at the emulator: what Lumina's client does, minus our wrapper.
let emu: GmailEmulator;
let gmail: gmail_v1.Gmail;
const me = 'rep@acme.test';

beforeAll(async () => {
  emu = await startGmailEmulator({ historyRetention: 50 });
  const auth = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${emu.url}/token` } });
  auth.setCredentials(emu.control.issueTokens(me, { name: 'Rita Rep' }));
  gmail = google.gmail({ version: 'v1', auth, rootUrl: `${emu.url}/`, retry: false });
});
afterAll(() => emu?.close());

const mime = (opts: { to: string; subject: string; messageId?: string; text?: string }) =>
  new MailComposer({ from: me, html: `<p>${opts.text ?? 'Hello'}</p>`, text: opts.text ?? 'Hello', ...opts }).compile().build();

const send = async (opts: Parameters<typeof mime>[0], threadId?: string) =>
  (await gmail.users.messages.send({ userId: 'me', requestBody: { raw: (await mime(opts)).toString('base64url'), ...(threadId ? { threadId } : {}) } })).data;

describe('Gmail emulator through googleapis', () => {
  it('answers getProfile and labels', async () => {
    const profile = (await gmail.users.getProfile({ userId: 'me' })).data;
    expect(profile.emailAddress).toBe(me);
    expect(profile.historyId).toMatch(/^\d+$/);
    const labels = (await gmail.users.labels.list({ userId: 'me' })).data.labels!.map((l) => l.id);
    expect(labels).toEqual(expect.arrayContaining(['INBOX', 'SENT']));
  });

  it('sends raw MIME, keeps it byte for byte, and answers get in every format', async () => {
    const raw = await mime({ to: 'pat@prospect.test', subject: 'Quick idea ✨', messageId: '<send-1@lumina.test>', text: 'Hi Pat' });
    const sent = (await gmail.users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } })).data;
    expect(sent.id).toMatch(/^[0-9a-f]{16}$/);
    expect(sent.threadId).toBe(sent.id);
    expect(sent.labelIds).toEqual(['SENT']);
    expect(emu.control.sent(me).find((m) => m.id === sent.id)!.raw).toBe(raw.toString('utf8'));

    const full = (await gmail.users.messages.get({ userId: 'me', id: sent.id! })).data;
    expect(full.internalDate).toMatch(/^\d{13}$/);
    expect(full.historyId).toMatch(/^\d+$/);
    expect(full.payload!.mimeType).toBe('multipart/alternative');
    const header = (n: string) => full.payload!.headers!.find((h) => h.name!.toLowerCase() === n)?.value;
    expect(header('subject')).toBe('Quick idea ✨');
    expect(header('message-id')).toBe('<send-1@lumina.test>');
    const html = full.payload!.parts!.find((p) => p.mimeType === 'text/html')!;
    expect(Buffer.from(html.body!.data!, 'base64url').toString()).toContain('<p>Hi Pat</p>');
    expect(full.snippet).toBe('Hi Pat');

    const rawFormat = (await gmail.users.messages.get({ userId: 'me', id: sent.id!, format: 'raw' })).data;
    expect(Buffer.from(rawFormat.raw!, 'base64url').equals(raw)).toBe(true);
    expect(rawFormat.payload).toBeUndefined();
    const meta = (await gmail.users.messages.get({ userId: 'me', id: sent.id!, format: 'metadata', metadataHeaders: ['Subject'] })).data;
    expect(meta.payload!.headers).toEqual([{ name: 'Subject', value: 'Quick idea ✨' }]);
    const minimal = (await gmail.users.messages.get({ userId: 'me', id: sent.id!, format: 'minimal' })).data;
    expect(minimal.payload).toBeUndefined();
    expect(minimal.threadId).toBe(sent.threadId);
  });

  it('finds a message by rfc822msgid, lists by label, and pages', async () => {
    const sent = await send({ to: 'lee@prospect.test', subject: 'Findable', messageId: '<find-me@lumina.test>' });
    const found = (await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:find-me@lumina.test' })).data;
    expect(found.messages).toEqual([{ id: sent.id, threadId: sent.threadId }]);
    const bracketed = (await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:<find-me@lumina.test>' })).data;
    expect(bracketed.messages).toHaveLength(1);
    const none = (await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:nobody@lumina.test' })).data;
    expect(none.messages).toBeUndefined();
    expect(none.resultSizeEstimate).toBe(0);

    for (let i = 0; i < 3; i++) await send({ to: `p${i}@prospect.test`, subject: `page ${i}` });
    const first = (await gmail.users.messages.list({ userId: 'me', labelIds: ['SENT'], maxResults: 2 })).data;
    expect(first.messages).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const second = (await gmail.users.messages.list({ userId: 'me', labelIds: ['SENT'], maxResults: 2, pageToken: first.nextPageToken! })).data;
    expect(second.messages![0]!.id).not.toBe(first.messages![0]!.id);
    const inbox = (await gmail.users.messages.list({ userId: 'me', q: 'in:inbox' })).data;
    expect(inbox.messages ?? []).toHaveLength(0);
  });

  it('threads a human reply, and history.list reports it from a start id', async () => {
    const sent = await send({ to: 'ann@prospect.test', subject: 'Coffee?', messageId: '<coffee@lumina.test>', text: 'Coffee next week?' });
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
    const reply = await emu.control.injectReply(sent.id!, { text: 'Sure, Tuesday works.' });
    expect(reply.threadId).toBe(sent.threadId);

    const history = (await gmail.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'] })).data;
    expect(history.history).toHaveLength(1);
    expect(history.history![0]!.messagesAdded![0]!.message).toMatchObject({ id: reply.id, threadId: sent.threadId, labelIds: ['INBOX', 'UNREAD'] });
    expect(Number(history.historyId)).toBeGreaterThan(Number(start));

    const raw = (await gmail.users.messages.get({ userId: 'me', id: reply.id, format: 'raw' })).data.raw!;
    const parsed = await PostalMime.parse(Buffer.from(raw, 'base64url'));
    expect(parsed.inReplyTo).toBe('<coffee@lumina.test>');
    expect(parsed.references).toContain('<coffee@lumina.test>');
    expect(parsed.from?.address).toBe('ann@prospect.test');
    expect(parsed.subject).toBe('Re: Coffee?');
    expect(parsed.text).toContain('Sure, Tuesday works.');

    const thread = (await gmail.users.threads.get({ userId: 'me', id: sent.threadId! })).data;
    expect(thread.messages!.map((m) => m.id)).toEqual([sent.id, reply.id]);

    const followUp = await send({ to: 'ann@prospect.test', subject: 'Re: Coffee?' }, sent.threadId!);
    expect(followUp.threadId).toBe(sent.threadId);
    const inInbox = (await gmail.users.messages.list({ userId: 'me', q: 'in:inbox' })).data;
    expect(inInbox.messages!.map((m) => m.id)).toEqual([reply.id]);
  });

  it('injects an RFC 3834 auto-reply with the return date', async () => {
    const sent = await send({ to: 'ooo@prospect.test', subject: 'Intro' });
    const auto = await emu.control.injectAutoReply(sent.id!, { returnDate: '2030-01-15' });
    const parsed = await PostalMime.parse(auto.raw);
    expect(parsed.headers.find((h) => h.key === 'auto-submitted')?.value).toBe('auto-replied');
    expect(parsed.text).toContain('2030-01-15');
    expect(auto.threadId).toBe(sent.threadId);
  });

  it('injects RFC 3464 bounces, hard and soft, naming the failed recipient', async () => {
    const sent = await send({ to: 'ghost@prospect.test', subject: 'Hello', messageId: '<bounce-me@lumina.test>' });
    const hard = await emu.control.injectBounce(sent.id!, { hard: true });
    expect(hard.raw).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
    expect(hard.raw).toMatch(/^From: Mail Delivery Subsystem <mailer-daemon@googlemail\.com>/m);
    expect(hard.raw).toMatch(/Final-Recipient: rfc822; ghost@prospect\.test/);
    expect(hard.raw).toMatch(/Action: failed\r\nStatus: 5\.1\.1/);
    expect(hard.raw).toContain('Message-ID: <bounce-me@lumina.test>');
    const soft = await emu.control.injectBounce(sent.id!, { hard: false });
    expect(soft.raw).toMatch(/Action: delayed\r\nStatus: 4\.2\.2/);
    const full = (await gmail.users.messages.get({ userId: 'me', id: hard.id })).data;
    expect(full.payload!.parts!.map((p) => p.mimeType)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
  });

  it('answers 404 for a start id older than the retained history', async () => {
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
    await send({ to: 'x@prospect.test', subject: 'after' });
    expect((await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data.history).toHaveLength(1);
    emu.control.expireHistory(me);
    await expect(gmail.users.history.list({ userId: 'me', startHistoryId: start })).rejects.toMatchObject({ status: 404 });
  });

  it('keeps mailboxes apart by the access token', async () => {
    const other = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${emu.url}/token` } });
    other.setCredentials(emu.control.issueTokens('someone@else.test'));
    const theirs = google.gmail({ version: 'v1', auth: other, rootUrl: `${emu.url}/`, retry: false });
    expect((await theirs.users.messages.list({ userId: 'me' })).data.resultSizeEstimate).toBe(0);
    await expect(theirs.users.messages.list({ userId: me })).rejects.toMatchObject({ status: 403 });
    const mine = emu.control.sent(me)[0]!;
    await expect(theirs.users.messages.get({ userId: 'me', id: mine.id })).rejects.toMatchObject({ status: 404 });
  });

  it('refreshes an expired access token through the token endpoint; a revoked grant is invalid_grant', async () => {
    const auth = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${emu.url}/token` }, forceRefreshOnFailure: true });
    const tokens = emu.control.issueTokens('refresh@acme.test');
    auth.setCredentials({ ...tokens, expiry_date: Date.now() + 3600_000 });
    const client = google.gmail({ version: 'v1', auth, rootUrl: `${emu.url}/`, retry: false });
    emu.control.expireAccessTokens('refresh@acme.test');
    expect((await client.users.getProfile({ userId: 'me' })).data.emailAddress).toBe('refresh@acme.test');
    expect(auth.credentials.access_token).not.toBe(tokens.access_token);

    emu.control.revokeGrant('refresh@acme.test');
    await expect(client.users.getProfile({ userId: 'me' })).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
  });

  it('holds a light-mode grant (gmail.send) to sending, as Google does: every read is 403 insufficientPermissions', async () => {
    const light = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${emu.url}/token` } });
    light.setCredentials(emu.control.issueTokens('light@acme.test', { scope: 'https://www.googleapis.com/auth/gmail.send openid email' }));
    const api = google.gmail({ version: 'v1', auth: light, rootUrl: `${emu.url}/`, retry: false });
    const raw = (await new MailComposer({ from: 'light@acme.test', to: 'bob@b.test', subject: 'Hi', text: 'Hi' }).compile().build()).toString('base64url');
    const sent = (await api.users.messages.send({ userId: 'me', requestBody: { raw } })).data;
    expect(sent.id).toBeTruthy();
    const reads = [
      api.users.getProfile({ userId: 'me' }),
      api.users.messages.list({ userId: 'me', q: 'rfc822msgid:x@y' }),
      api.users.messages.get({ userId: 'me', id: sent.id! }),
      api.users.threads.get({ userId: 'me', id: sent.threadId! }),
      api.users.history.list({ userId: 'me', startHistoryId: '1' }),
      api.users.labels.list({ userId: 'me' }),
    ];
    for (const read of reads) {
      const err = (await read.then(() => undefined, (e: unknown) => e)) as { status?: number; response?: { data?: { error?: { errors?: Array<{ reason?: string }> } } } } | undefined;
      expect(err?.status).toBe(403);
      expect(err?.response?.data?.error?.errors?.[0]?.reason).toBe('insufficientPermissions');
    }
  });

  it('scripts faults per endpoint for the next N calls', async () => {
    emu.control.fault('users.getProfile', { kind: 'rate_limit', retryAfterSeconds: 7 }, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await gmail.users.getProfile({ userId: 'me' }).catch((e) => e);
      expect(err.status).toBe(429);
      expect(err.response.headers.get('retry-after')).toBe('7');
    }
    expect((await gmail.users.getProfile({ userId: 'me' })).status).toBe(200);
    emu.control.fault('messages.send', { kind: 'server_error' }, { afterCommit: true });
    const before = emu.control.sent(me).length;
    await expect(send({ to: 'unknown@outcome.test', subject: 'did it go?' })).rejects.toMatchObject({ status: 500 });
    expect(emu.control.sent(me)).toHaveLength(before + 1);
  });
});

describe('control API over HTTP (for a test whose emulator lives in another process)', () => {
  it('scripts faults, lists sent mail and injects inbound mail', async () => {
    const post = (path: string, body: unknown) => fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/__control/faults', { endpoint: 'messages.list', fault: { kind: 'server_error', status: 503 }, times: 1 })).status).toBe(200);
    await expect(gmail.users.messages.list({ userId: 'me' })).rejects.toMatchObject({ status: 503 });
    expect((await gmail.users.messages.list({ userId: 'me' })).status).toBe(200);

    const sent = await send({ to: 'http@prospect.test', subject: 'Over HTTP' });
    const listed = (await (await fetch(`${emu.url}/__control/sent?mailbox=${me}`)).json()) as { data: Array<{ id: string; raw: string }> };
    expect(listed.data.find((m) => m.id === sent.id)!.raw).toContain('Subject: Over HTTP');
    const bounced = await post(`/__control/messages/${sent.id}/bounce`, { hard: true });
    expect(((await bounced.json()) as { threadId: string }).threadId).toBe(sent.threadId);
    expect((await post('/__control/messages/ffffffffffffffff/reply', { text: 'x' })).status).toBe(404);
  });

  it('a hang after commit stores the message but never answers: an unknown outcome', async () => {
    const auth = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: `${emu.url}/token` } });
    auth.setCredentials(emu.control.issueTokens(me));
    const impatient = google.gmail({ version: 'v1', auth, rootUrl: `${emu.url}/`, retry: false, timeout: 200 });
    emu.control.fault('messages.send', { kind: 'hang' }, { afterCommit: true });
    const raw = (await mime({ to: 'limbo@prospect.test', subject: 'Limbo', messageId: '<limbo@lumina.test>' })).toString('base64url');
    await expect(impatient.users.messages.send({ userId: 'me', requestBody: { raw } })).rejects.toThrow();
    const found = (await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:limbo@lumina.test' })).data.messages;
    expect(found).toHaveLength(1);
  });
});
