import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createTestRuntime, signIn, type TestRuntime, createEmulatedRuntime, type EmulatedRuntime } from '../../../test/harness';
import { mailboxes } from '../../../../db/schema';
import { loadConfig } from '../../env';
import type { GmailEmulator } from '../../../emulator/server';
import { mailboxGmail } from '../mailboxes/gmail';
import { errorEnvelopeSchema, paginationSchema } from '../../../../shared/errors';
import { sandboxInjectedResponse, sandboxMessageSchema } from '../../../../shared/contracts/sandbox';
import { startSandboxMailServer } from './mail-server';

let emu: GmailEmulator;
let rt: EmulatedRuntime;
beforeAll(async () => {
  // Sandbox mode: sandbox login on, no Google credentials, the API root on the emulator.
  rt = await createEmulatedRuntime();
  emu = rt.emu;
});
afterAll(() => rt?.close());

const listSchema = paginationSchema(sandboxMessageSchema);

/** Sends as the send worker would: our Gmail client on the member's mailbox. */
async function sendFrom(workspaceId: string, to: string, subject: string) {
  const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, workspaceId));
  const gmail = await mailboxGmail(rt.deps, box!);
  const raw = await new MailComposer({ from: box!.email, to, subject, text: `About ${subject}`, html: `<p>About ${subject}</p>` }).compile().build();
  return (await gmail.users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } })).data;
}

describe('sandbox mailbox', () => {
  it('sandbox login gives the member a sandbox mailbox with sealed tokens, once', async () => {
    const ana = await signIn(rt.app, 'ana@sbx-acme.test', 'Ana');
    await signIn(rt.app, 'ana@sbx-acme.test');
    const rows = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, ana.workspace.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'sandbox', email: 'ana@sbx-acme.test', status: 'active', userId: ana.user.id });
    expect(rows[0]!.accessTokenEnc).toMatch(/^v1\./);
    expect(rows[0]!.refreshTokenEnc).toMatch(/^v1\./);
    expect(rows[0]!.scopes).toContain('https://www.googleapis.com/auth/gmail.readonly');
  });

  it('lists what the workspace sent, with the raw RFC 822 text; another workspace sees nothing', async () => {
    const ana = await signIn(rt.app, 'ana@sbx-acme.test');
    const sent = await sendFrom(ana.workspace.id, 'pat@prospect.test', 'Sandbox hello');
    const res = await ana.call('/api/sandbox/messages');
    expect(res.status).toBe(200);
    const list = listSchema.parse(await res.json());
    const mine = list.data.find((m) => m.id === sent.id)!;
    expect(mine).toMatchObject({ to: 'pat@prospect.test', subject: 'Sandbox hello', mailbox: 'ana@sbx-acme.test', threadId: sent.threadId });
    expect(mine.raw).toMatch(/^Subject: Sandbox hello\r?$/m);
    expect(mine.raw).toContain('<p>About Sandbox hello</p>');

    const gus = await signIn(rt.app, 'gus@sbx-globex.test');
    const theirs = listSchema.parse(await (await gus.call('/api/sandbox/messages')).json());
    expect(theirs.data).toEqual([]);
    const stolen = await gus.call(`/api/sandbox/messages/${sent.id}/reply`, { method: 'POST', json: { text: 'not yours' } });
    expect(stolen.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await stolen.json()).error.code).toBe('NOT_FOUND');
  });

  it('injects a reply, an auto-reply and a bounce into the thread of a sent message', async () => {
    const ana = await signIn(rt.app, 'ana@sbx-acme.test');
    const sent = await sendFrom(ana.workspace.id, 'lee@prospect.test', 'Loop');
    const reply = await ana.call(`/api/sandbox/messages/${sent.id}/reply`, { method: 'POST', json: { text: 'Tell me more' } });
    expect(reply.status).toBe(201);
    expect(sandboxInjectedResponse.parse(await reply.json())).toMatchObject({ kind: 'reply', threadId: sent.threadId });
    const auto = sandboxInjectedResponse.parse(await (await ana.call(`/api/sandbox/messages/${sent.id}/auto-reply`, { method: 'POST', json: { returnDate: '2030-02-01' } })).json());
    expect(auto.kind).toBe('auto_reply');
    const bounce = sandboxInjectedResponse.parse(await (await ana.call(`/api/sandbox/messages/${sent.id}/bounce`, { method: 'POST', json: { hard: true } })).json());
    expect(bounce.kind).toBe('bounce');

    // The mailbox sees them through the Gmail API, as reply sync would.
    const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, ana.workspace.id));
    const gmail = await mailboxGmail(rt.deps, box!);
    const thread = (await gmail.users.threads.get({ userId: 'me', id: sent.threadId!, format: 'metadata', metadataHeaders: ['From', 'Auto-Submitted'] })).data;
    expect(thread.messages!.map((m) => m.id)).toEqual([sent.id, expect.any(String), auto.id, bounce.id]);
    const from = (i: number) => thread.messages![i]!.payload!.headers!.find((h) => h.name === 'From')!.value;
    expect(from(1)).toContain('lee@prospect.test');
    expect(from(3)).toContain('mailer-daemon@googlemail.com');
  });

  it('validates input: bad id, empty text, unknown fields → 400; an unknown id → 404', async () => {
    const ana = await signIn(rt.app, 'ana@sbx-acme.test');
    for (const [path, body] of [
      ['/api/sandbox/messages/not-an-id/reply', { text: 'x' }],
      ['/api/sandbox/messages/0123456789abcdef/reply', { text: '' }],
      ['/api/sandbox/messages/0123456789abcdef/bounce', { hard: 'yes' }],
      ['/api/sandbox/messages/0123456789abcdef/auto-reply', { returnDate: '2030-01-01', extra: 1 }],
    ] as const) {
      const res = await ana.call(path, { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('VALIDATION_ERROR');
    }
    expect((await ana.call('/api/sandbox/messages/0123456789abcdef/bounce', { method: 'POST', json: { hard: false } })).status).toBe(404);
  });
});

describe('outside sandbox mode', () => {
  it('answers 404 with a clear message, and sign-in creates no sandbox mailbox', async () => {
    const google = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url, GOOGLE_CLIENT_ID: 'cid', GOOGLE_CLIENT_SECRET: 'secret' } });
    try {
      const s = await signIn(google.app, 'zed@sbx-off.test');
      const res = await s.call('/api/sandbox/messages');
      expect(res.status).toBe(404);
      expect(errorEnvelopeSchema.parse(await res.json()).error.message).toMatch(/sandbox mode/);
      expect(await google.deps.db.select().from(mailboxes)).toEqual([]);
    } finally {
      await google.close();
    }
  });
});

describe('the embedded runtime’s mail server', () => {
  it('starts an emulator only without Google credentials, and its tokens survive a restart', async () => {
    const base = loadConfig({ DATA_DIR: rt.config.dataDir, LOG_LEVEL: 'silent' });
    const quiet = pino({ level: 'silent' });
    const withGoogle = await startSandboxMailServer({ ...base, google: { ...base.google, clientId: 'cid' } }, quiet);
    expect(withGoogle.config.google.apiRoot).toBeUndefined();

    const first = await startSandboxMailServer(base, quiet);
    expect(first.config.google.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const issued = await (await fetch(`${first.config.google.apiRoot}/__control/tokens`, { method: 'POST', body: JSON.stringify({ email: 'keep@sbx.test' }) })).json();
    await first.close();

    const second = await startSandboxMailServer(base, quiet);
    try {
      const profile = await fetch(`${second.config.google.apiRoot}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${issued.access_token}` } });
      expect(profile.status).toBe(200);
      expect((await profile.json()).emailAddress).toBe('keep@sbx.test');
      const forged = await fetch(`${second.config.google.apiRoot}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${issued.access_token.slice(0, -2)}xx` } });
      expect(forged.status).toBe(401);
    } finally {
      await second.close();
    }
  });
});
