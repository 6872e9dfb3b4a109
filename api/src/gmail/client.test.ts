import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { signIn, createEmulatedRuntime, type EmulatedRuntime } from '../../test/harness';
import { emails, mailboxes, sendJobs } from '../../../db/schema';
import { seedSentEmail } from '../../test/tracking-fixtures';
import { startGmailEmulator, type GmailEmulator } from '../../emulator/server';
import { mailboxGmail } from '../modules/mailboxes/gmail';
import { sealTokens, openTokens } from './oauth';
import { isInvalidGrantError, isPermanentGmailError, isRateLimitError, isTimeoutError, isTransientGmailError, MailboxUnavailableError, retryAfterMs } from './errors';

let emu: GmailEmulator;
let rt: EmulatedRuntime;
let workspaceId: string;

beforeAll(async () => {
  rt = await createEmulatedRuntime({ google: true });
  emu = rt.emu;
  workspaceId = (await signIn(rt.app, 'owner@client.test')).workspace.id;
});
afterAll(() => rt?.close());

/** A connected mailbox as the OAuth callback leaves it: tokens from the emulator, sealed. */
async function connectMailbox(email: string, opts: { expired?: boolean } = {}) {
  const tokens = emu.control.issueTokens(email);
  const sealed = sealTokens(rt.config, { ...tokens, expiry_date: opts.expired ? Date.now() - 60_000 : tokens.expiry_date });
  const [row] = await rt.deps.db.insert(mailboxes).values({ workspaceId, provider: 'gmail', email, scopes: tokens.scope.split(' '), ...sealed }).returning();
  return { row: row!, tokens };
}

const raw = async (to: string, messageId: string) =>
  (await new MailComposer({ from: 'x@client.test', to, subject: 'Hi', text: 'Hello', messageId }).compile().build()).toString('base64url');

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the call to fail'); }, (err: unknown) => err);

describe('gmailForMailbox against the emulator', () => {
  it('round-trips send, get, list by Message-ID, threads and history', async () => {
    const { row } = await connectMailbox('send@client.test');
    const gmail = await mailboxGmail(rt.deps, row.id);
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
    const sent = (await gmail.users.messages.send({ userId: 'me', requestBody: { raw: await raw('p@prospect.test', '<rt-1@lumina.test>') } })).data;
    const found = (await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:<rt-1@lumina.test>' })).data.messages;
    expect(found).toEqual([{ id: sent.id, threadId: sent.threadId }]);
    await emu.control.injectReply(sent.id!, { text: 'Yes please' });
    const thread = (await gmail.users.threads.get({ userId: 'me', id: sent.threadId! })).data;
    expect(thread.messages).toHaveLength(2);
    const history = (await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data.history!;
    expect(history.map((h) => h.messagesAdded![0]!.message!.labelIds)).toEqual([['SENT'], ['INBOX', 'UNREAD']]);
    expect(emu.control.sent('send@client.test')).toHaveLength(1);
  });

  it('429 with Retry-After: a transient rate limit whose wait retryAfterMs reads', async () => {
    const { row } = await connectMailbox('busy@client.test');
    const gmail = await mailboxGmail(rt.deps, row);
    emu.control.fault('messages.send', { kind: 'rate_limit', retryAfterSeconds: 12 });
    const rawMessage = await raw('p@prospect.test', '<rl@lumina.test>');
    const err = await failure(gmail.users.messages.send({ userId: 'me', requestBody: { raw: rawMessage } }));
    expect(isRateLimitError(err)).toBe(true);
    expect(retryAfterMs(err)).toBe(12_000);
    expect(isTransientGmailError(err)).toBe(true);
    expect(isPermanentGmailError(err)).toBe(false);
    expect(emu.control.sent('busy@client.test')).toHaveLength(0);

    // googleapis refreshes and retries once after any 403, so Google answers it twice.
    emu.control.fault('users.getProfile', { kind: 'rate_limit', status: 403, retryAfterSeconds: 3 }, { times: 2 });
    const forbidden = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(retryAfterMs(forbidden)).toBe(3000);
    expect(isTransientGmailError(forbidden)).toBe(true);
  });

  it('500 is transient; 404 is permanent', async () => {
    const { row } = await connectMailbox('flaky@client.test');
    const gmail = await mailboxGmail(rt.deps, row);
    emu.control.fault('users.getProfile', { kind: 'server_error' });
    const err = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(isTransientGmailError(err)).toBe(true);
    expect(isPermanentGmailError(err)).toBe(false);
    expect(retryAfterMs(err)).toBeUndefined();
    const missing = await failure(gmail.users.messages.get({ userId: 'me', id: '0000000000000000' }));
    expect(isPermanentGmailError(missing)).toBe(true);
    expect(isTransientGmailError(missing)).toBe(false);
  });

  it('a hung call becomes a transient timeout error', async () => {
    const { row } = await connectMailbox('hang@client.test');
    const gmail = await mailboxGmail(rt.deps, row, { timeoutMs: 300 });
    emu.control.fault('messages.send', { kind: 'hang' });
    const started = Date.now();
    const err = await failure(gmail.users.messages.send({ userId: 'me', requestBody: { raw: await raw('p@prospect.test', '<hang@lumina.test>') } }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isTimeoutError(err)).toBe(true);
    expect(isTransientGmailError(err)).toBe(true);
  });

  it('a refused connection is transient', async () => {
    const gone = await startGmailEmulator();
    const tokens = gone.control.issueTokens('gone@client.test');
    await gone.close();
    const [row] = await rt.deps.db.insert(mailboxes).values({ workspaceId, provider: 'gmail', email: 'gone@client.test', ...sealTokens(rt.config, tokens) }).returning();
    const gmail = await mailboxGmail({ ...rt.deps, config: { ...rt.config, google: { ...rt.config.google, apiRoot: 'http://127.0.0.1:9' } } }, row!);
    const err = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(isTransientGmailError(err)).toBe(true);
    expect(isPermanentGmailError(err)).toBe(false);
  });

  it('invalid_grant marks the mailbox needs_reauth and surfaces as MailboxUnavailableError', async () => {
    const { row } = await connectMailbox('revoked@client.test');
    const gmail = await mailboxGmail(rt.deps, row.id);
    emu.control.revokeGrant('revoked@client.test');
    const err = await failure(gmail.users.getProfile({ userId: 'me' }));
    expect(err).toBeInstanceOf(MailboxUnavailableError);
    expect(isInvalidGrantError(err)).toBe(true);
    expect(isPermanentGmailError(err)).toBe(true);
    const [after] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, row.id));
    expect(after!.status).toBe('needs_reauth');
    // The next client refuses before reaching Google.
    const callsBefore = emu.control.calls('token');
    await expect(mailboxGmail(rt.deps, row.id)).rejects.toBeInstanceOf(MailboxUnavailableError);
    expect(emu.control.calls('token')).toBe(callsBefore);
  });

  it('invalid_grant met outside a send (the inbox sync) fails the mailbox’s pending sends too, and only those', async () => {
    const { row } = await connectMailbox('synced@client.test');
    const pending = await seedSentEmail(rt.deps.db, workspaceId, { mailboxId: row.id, status: 'PENDING_SEND', sentAt: null, scheduledAt: new Date(Date.now() + 3600_000) });
    const done = await seedSentEmail(rt.deps.db, workspaceId, { mailboxId: row.id });
    await rt.deps.db.insert(sendJobs).values({ workspaceId, emailId: pending.id, idempotencyKey: pending.idempotencyKey, dueAt: pending.scheduledAt! });
    const gmail = await mailboxGmail(rt.deps, row.id);
    emu.control.revokeGrant('synced@client.test');
    await expect(gmail.users.history.list({ userId: 'me', startHistoryId: '1' })).rejects.toBeInstanceOf(MailboxUnavailableError);

    const rows = await rt.deps.db.select().from(emails).where(eq(emails.mailboxId, row.id));
    expect(rows.find((r) => r.id === pending.id)).toMatchObject({ status: 'FAILED', failureReason: 'Gmail access was revoked (invalid_grant): reconnect synced@client.test' });
    expect(rows.find((r) => r.id === done.id)).toMatchObject({ status: 'SENT', failureReason: null });
    const [job] = await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.emailId, pending.id));
    expect(job!.state).toBe('failed');
  });

  it('a scripted invalid_grant on the token endpoint does the same', async () => {
    const { row } = await connectMailbox('scripted@client.test', { expired: true });
    const gmail = await mailboxGmail(rt.deps, row.id);
    emu.control.fault('token', { kind: 'invalid_grant' });
    await expect(gmail.users.getProfile({ userId: 'me' })).rejects.toBeInstanceOf(MailboxUnavailableError);
    const [after] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, row.id));
    expect(after!.status).toBe('needs_reauth');
  });

  it('refreshes an expired token, stores the new one sealed, and never stores plaintext', async () => {
    const { row, tokens } = await connectMailbox('refresh@client.test', { expired: true });
    const refreshesBefore = emu.control.calls('token');
    const gmail = await mailboxGmail(rt.deps, row.id);
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe('refresh@client.test');
    expect(emu.control.calls('token')).toBe(refreshesBefore + 1);

    const stored = await waitFor(async () => {
      const [r] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, row.id));
      return r!.accessTokenEnc !== row.accessTokenEnc ? r : undefined;
    });
    const opened = openTokens(rt.config, stored);
    expect(opened.access_token).toMatch(/^ya29\.emu-/);
    expect(opened.access_token).not.toBe(tokens.access_token);
    expect(opened.refresh_token).toBe(tokens.refresh_token);
    expect(stored.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(stored.accessTokenEnc).toMatch(/^v1\.[0-9a-f]{8}\./);

    const dump = JSON.stringify(await rt.deps.db.execute(sql`select * from mailboxes`));
    for (const secret of [tokens.access_token, tokens.refresh_token, opened.access_token!]) expect(dump).not.toContain(secret);

    // A second client starts from the stored token: no refresh needed.
    const again = await mailboxGmail(rt.deps, row.id);
    await again.users.getProfile({ userId: 'me' });
    expect(emu.control.calls('token')).toBe(refreshesBefore + 1);
  });

  it('opens tokens sealed under a key being rotated out, and seals them again under the current key', async () => {
    const oldKey = Buffer.alloc(32, 9);
    const tokens = emu.control.issueTokens('rotate@client.test');
    const [row] = await rt.deps.db
      .insert(mailboxes)
      .values({ workspaceId, provider: 'gmail', email: 'rotate@client.test', scopes: tokens.scope.split(' '), ...sealTokens({ encryptionKey: oldKey }, tokens) })
      .returning();
    // Without the old key the row cannot be opened at all.
    await expect(mailboxGmail(rt.deps, row!.id)).rejects.toThrow(/cannot decrypt/);
    const rotating = { ...rt.deps, config: { ...rt.config, previousEncryptionKeys: [oldKey] } };
    const gmail = await mailboxGmail(rotating, row!.id);
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe('rotate@client.test');
    const resealed = await waitFor(async () => {
      const [r] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, row!.id));
      return r!.refreshTokenEnc !== row!.refreshTokenEnc ? r : undefined;
    });
    // The current key alone opens it now: the old one can be retired.
    expect(openTokens(rt.config, resealed)).toMatchObject({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
  });

  it('refreshes after a 401 even when the stored expiry looks fine', async () => {
    const { row } = await connectMailbox('early401@client.test');
    emu.control.expireAccessTokens('early401@client.test');
    const gmail = await mailboxGmail(rt.deps, row.id);
    expect((await gmail.users.getProfile({ userId: 'me' })).status).toBe(200);
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
