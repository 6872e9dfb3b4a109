import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import { signIn } from '../../../test/harness';
import { haveService } from '../../../test/services';
import { emailEvents, emails, mailboxes, sendJobs } from '../../../../db/schema';
import { sealTokens } from '../../gmail/oauth';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { verifyToken } from '../tracking/tokens';
import type { Email, SendEmailResponse } from '../../../../shared/contracts/emails';
import type { Mailbox } from '../../../../shared/contracts/mailboxes';
import { SEND_QUEUE } from './send.worker';
import { sweepSends } from './sweeper';
import { connectMailbox, openSendRuntime, settle, until, type SendRuntime } from '../../../test/send-kit';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createdWebhookSchema } from '../../../../shared/contracts/webhooks';
import { registerWebhookWorker, signDelivery } from '../webhooks/deliver';

const drivers = [
  { name: 'inline' as const, enabled: true },
  { name: 'bullmq' as const, enabled: haveService('redis', 'send worker on BullMQ') },
];

for (const driver of drivers) {
  describe.runIf(driver.enabled)(`send pipeline on the ${driver.name} queue`, () => {
    let emu: GmailEmulator;
    let rt: SendRuntime;
    let rep: Awaited<ReturnType<typeof signIn>>;
    let n = 0;

    beforeAll(async () => {
      emu = await startGmailEmulator();
      rt = await openSendRuntime(driver.name, emu);
      rep = await signIn(rt.app, 'rita@sender.test', 'Rita Rep');
    });
    afterAll(async () => {
      await rt?.close();
      await emu?.close();
    });
    beforeEach(() => emu.control.clearFaults());

    /** A fresh mailbox per test, so sent folders and budgets never mix. */
    const mailbox = (extra = {}) => connectMailbox(rt, emu, rep, `box${++n}@sender.test`, extra);
    const accept = async (mailboxId: string, over: Record<string, unknown> = {}) => {
      const res = await rep.call('/api/emails/send', {
        method: 'POST',
        headers: { 'idempotency-key': crypto.randomUUID() },
        json: { to: 'bob@prospect.test', subject: 'Quick idea', bodyHtml: '<p>Hi Bob</p>', mailboxId, ...over },
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as SendEmailResponse).id;
    };
    const show = async (id: string) => (await (await rep.call(`/api/emails/${id}`)).json()) as Email;

    it('sends one well-formed message: both parts, our headers, pixel, signed links, one-click unsubscribe', async () => {
      const box = await mailbox();
      const html = '<html><body><p>Hi Bob,</p><p><a href="https://acme.test/pricing?a=1&amp;b=2">pricing</a> <a href="mailto:x@acme.test">mail</a> <a href="http://acme.test/demo">demo</a></p></body></html>';
      const id = await accept(box.id, { bodyHtml: html });
      const [row] = await settle(rt, [id]);
      expect(row).toMatchObject({ status: 'SENT', attempts: 1 });

      const sent = emu.control.sent(box.email);
      expect(sent).toHaveLength(1);
      const mail = await PostalMime.parse(sent[0]!.raw);
      expect(mail.messageId).toBe(row!.messageId);
      expect(mail.from).toMatchObject({ address: box.email, name: 'Rita Rep' });
      expect(mail.to?.[0]?.address).toBe('bob@prospect.test');
      expect(mail.subject).toBe('Quick idea');
      const header = (name: string) => mail.headers.find((h) => h.key === name)?.value;
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const unsub = /^<http:\/\/lumina\.test\/u\/([^>]+)>$/.exec(header('list-unsubscribe') ?? '');
      expect(verifyToken(rt.config.trackingSecret, unsub![1]!)).toEqual({ kind: 'u', emailId: id });

      expect(mail.text).toContain('Hi Bob');
      expect(mail.text).toContain('https://acme.test/pricing?a=1&b=2'); // the text part keeps real targets
      const pixel = /<img src="http:\/\/lumina\.test\/t\/o\/([^"]+)"/.exec(mail.html ?? '');
      expect(verifyToken(rt.config.trackingSecret, pixel![1]!)).toEqual({ kind: 'o', emailId: id });
      const links = [...(mail.html ?? '').matchAll(/href="http:\/\/lumina\.test\/t\/c\/([^"]+)"/g)].map((m) => verifyToken(rt.config.trackingSecret, m[1]!));
      expect(links).toEqual([
        { kind: 'c', emailId: id, linkIndex: 0, url: 'https://acme.test/pricing?a=1&b=2' },
        { kind: 'c', emailId: id, linkIndex: 1, url: 'http://acme.test/demo' },
      ]);
      expect(mail.html).toContain('href="mailto:x@acme.test"');

      const shown = await show(id);
      expect(shown).toMatchObject({ status: 'SENT', providerMessageId: sent[0]!.id, threadId: sent[0]!.threadId, failureReason: null, nextAttemptAt: null });
      expect(await rt.deps.db.select().from(emailEvents).where(and(eq(emailEvents.emailId, id), eq(emailEvents.type, 'sent')))).toHaveLength(1);
      const boxes = (await (await rep.call('/api/mailboxes')).json()) as { data: Mailbox[] };
      expect(boxes.data.find((b) => b.id === box.id)).toMatchObject({ used: 1, remaining: 199 });
    });

    it('replays an Idempotency-Key with the first answer and sends once; the key with another body is 409', async () => {
      const box = await mailbox();
      const key = crypto.randomUUID();
      const post = (subject: string) => rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': key }, json: { to: 'bob@prospect.test', subject, bodyHtml: '<p>Hi Bob</p>', mailboxId: box.id } });
      const first = await post('Once');
      expect(first.status).toBe(202);
      const answer = (await first.json()) as SendEmailResponse;
      const [row] = await settle(rt, [answer.id]);
      expect(row!.status).toBe('SENT');
      const replay = await post('Once'); // a client retrying after a lost answer, after the send
      expect(replay.status).toBe(202);
      expect(await replay.json()).toEqual(answer);
      const conflict = await post('Twice');
      expect(conflict.status).toBe(409);
      expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_CONFLICT');
      await new Promise((r) => setTimeout(r, 300)); // a second job, had one been queued, would have run by now
      expect(emu.control.sent(box.email)).toHaveLength(1);
    });

    it('refuses a suppressed recipient at accept with 422: no row, no job, nothing sent', async () => {
      const box = await mailbox();
      await rep.call('/api/suppressions', { method: 'POST', json: { email: 'gone@prospect.test' } });
      const key = crypto.randomUUID();
      const res = await rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': key }, json: { to: 'GONE@Prospect.test', subject: 's', bodyHtml: 'b', mailboxId: box.id } });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RECIPIENT_SUPPRESSED');
      expect(await rt.deps.db.select().from(emails).where(eq(emails.idempotencyKey, key))).toHaveLength(0);
      expect(await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.idempotencyKey, key))).toHaveLength(0);
      expect(emu.control.sent(box.email)).toHaveLength(0);
    });

    it('threads a follow-up: same Gmail thread, In-Reply-To and References to our first email', async () => {
      const box = await mailbox();
      const [first] = await settle(rt, [await accept(box.id, { track: { opens: false, clicks: false } })]);
      const [second] = await settle(rt, [await accept(box.id, { subject: 'Re: Quick idea', threadId: first!.threadId })]);
      expect(second).toMatchObject({ status: 'SENT', threadId: first!.threadId, inReplyTo: first!.messageId });
      const sent = emu.control.sent(box.email);
      expect(sent.map((m) => m.threadId)).toEqual([first!.threadId, first!.threadId]);
      const mail = await PostalMime.parse(sent[1]!.raw);
      expect(mail.inReplyTo).toBe(first!.messageId);
      expect(mail.references).toBe(first!.messageId);
      const untracked = await PostalMime.parse(sent[0]!.raw);
      expect(untracked.html).not.toContain('/t/o/');
      expect(untracked.headers.some((h) => h.key === 'list-unsubscribe')).toBe(true); // compliance whatever the tracking
    });

    it('holds a scheduled send until its time', async () => {
      const box = await mailbox();
      const at = new Date(Date.now() + 1500);
      const id = await accept(box.id, { scheduledAt: at.toISOString() });
      expect((await show(id)).status).toBe('PENDING_SEND');
      const [row] = await settle(rt, [id]);
      expect(row!.status).toBe('SENT');
      expect(row!.sentAt!.getTime()).toBeGreaterThanOrEqual(at.getTime());
      expect(emu.control.sent(box.email)).toHaveLength(1);
    });

    it('cancels before the claim: never sent, and the sweeper does not revive it', async () => {
      const box = await mailbox();
      const id = await accept(box.id, { scheduledAt: new Date(Date.now() + 60_000).toISOString() });
      expect((await rep.call(`/api/emails/${id}/cancel`, { method: 'POST' })).status).toBe(200);
      expect(await sweepSends(rt.deps, { graceMs: 0 })).toMatchObject({ requeued: 0 });
      expect(await rt.deps.queue.has(SEND_QUEUE, id)).toBe(false);
      expect((await show(id)).status).toBe('CANCELLED');
      expect(emu.control.sent(box.email)).toHaveLength(0);
    });

    it('refuses at send time an address suppressed after the accept', async () => {
      const box = await mailbox();
      const id = await accept(box.id, { to: 'late@prospect.test', scheduledAt: new Date(Date.now() + 800).toISOString() });
      await rep.call('/api/suppressions', { method: 'POST', json: { email: 'late@prospect.test' } });
      const [row] = await settle(rt, [id]);
      expect(row).toMatchObject({ status: 'FAILED' });
      expect(row!.failureReason).toMatch(/RECIPIENT_SUPPRESSED/);
      expect(emu.control.sent(box.email)).toHaveLength(0);
    });

    it('waits for budget past the daily cap (in-flight counted) and shows it in GET /api/mailboxes', async () => {
      const box = await mailbox({ dailyCap: 2 });
      const ids = [await accept(box.id), await accept(box.id), await accept(box.id)];
      const waiting = await until(async () => {
        const rows = await rt.deps.db.select().from(emails).where(eq(emails.mailboxId, box.id));
        const [job] = await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.lastError, 'waiting: daily cap of 2 reached'));
        return job && rows.filter((r) => r.status === 'SENT').length === 2 ? job : undefined;
      });
      // Budget frees when the oldest send ages out (24 h), or — while sends are still in flight — it looks again within a minute.
      expect(waiting.dueAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
      const rows = await rt.deps.db.select().from(emails).where(eq(emails.mailboxId, box.id));
      expect(rows.map((r) => r.status).sort()).toEqual(['PENDING_SEND', 'SENT', 'SENT']);
      expect(emu.control.sent(box.email)).toHaveLength(2);
      expect(ids).toContain(waiting.emailId);
      expect((await show(waiting.emailId)).nextAttemptAt).toBe(waiting.dueAt.toISOString());
      const boxes = (await (await rep.call('/api/mailboxes')).json()) as { data: Mailbox[] };
      expect(boxes.data.find((b) => b.id === box.id)).toMatchObject({ used: 2, remaining: 0 });
      expect((await rep.call(`/api/emails/${waiting.emailId}/cancel`, { method: 'POST' })).status).toBe(200);
    });

    it('waits for the send window to open, in the window\'s time zone', async () => {
      const today = new Date().getUTCDay() || 7;
      const otherDay = (today % 7) + 1; // tomorrow, as an ISO weekday
      const box = await mailbox({ sendWindow: { tz: 'UTC', days: [otherDay], start: '09:00', end: '17:00' } });
      const id = await accept(box.id);
      const job = await until(async () => (await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.emailId, id)))[0]?.lastError?.startsWith('waiting: outside') && (await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.emailId, id)))[0]);
      const tomorrow9 = new Date();
      tomorrow9.setUTCDate(tomorrow9.getUTCDate() + 1);
      tomorrow9.setUTCHours(9, 0, 0, 0);
      expect(job.dueAt.toISOString()).toBe(tomorrow9.toISOString());
      expect((await show(id)).status).toBe('PENDING_SEND');
      expect(emu.control.sent(box.email)).toHaveLength(0);
      await rep.call(`/api/emails/${id}/cancel`, { method: 'POST' });
    });

    it('rides out a 429 storm honouring Retry-After, then gives up with a reason past the limit', async () => {
      const box = await mailbox();
      emu.control.fault('messages.send', { kind: 'rate_limit', retryAfterSeconds: 1 }, { times: 1 });
      emu.control.fault('messages.send', { kind: 'rate_limit' }, { times: 2 });
      const started = Date.now();
      const [ok] = await settle(rt, [await accept(box.id)]);
      expect(ok).toMatchObject({ status: 'SENT', attempts: 4 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(emu.control.sent(box.email)).toHaveLength(1);

      emu.control.fault('messages.send', { kind: 'rate_limit', retryAfterSeconds: 0 }, { times: 10 });
      const [failed] = await settle(rt, [await accept(box.id)]);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 4 });
      expect(failed!.failureReason).toMatch(/rate-limit/);
      expect(emu.control.sent(box.email)).toHaveLength(1);
    });

    it('after 500s and a hung request, searches for its Message-ID before sending again', async () => {
      const box = await mailbox();
      // Gmail stored the message and then failed the answer: a blind retry would send it twice.
      emu.control.fault('messages.send', { kind: 'server_error' }, { times: 1, afterCommit: true });
      const [a] = await settle(rt, [await accept(box.id)]);
      expect(a).toMatchObject({ status: 'SENT', attempts: 2 });
      emu.control.fault('messages.send', { kind: 'hang' }, { times: 1, afterCommit: true });
      const [b] = await settle(rt, [await accept(box.id)]);
      expect(b).toMatchObject({ status: 'SENT', attempts: 2 });
      emu.control.fault('messages.send', { kind: 'server_error', status: 503 }, { times: 2 });
      const [c] = await settle(rt, [await accept(box.id)]);
      expect(c).toMatchObject({ status: 'SENT', attempts: 3 });

      const sent = emu.control.sent(box.email);
      expect(sent.map((m) => m.messageId).sort()).toEqual([a!.messageId, b!.messageId, c!.messageId].sort());
      expect(a!.providerMessageId).toBe(sent.find((m) => m.messageId === a!.messageId)!.id);
    });

    it('light mode (gmail.send only) cannot search after an unknown outcome, so it fails closed: delivered once, never twice', async () => {
      const address = `light${++n}@sender.test`;
      const tokens = emu.control.issueTokens(address, { scope: 'https://www.googleapis.com/auth/gmail.send openid email profile' });
      const [box] = await rt.deps.db
        .insert(mailboxes)
        .values({ workspaceId: rep.workspace.id, userId: rep.user.id, provider: 'gmail', email: address, scopes: tokens.scope.split(' '), ...sealTokens(rt.config, tokens) })
        .returning();
      emu.control.fault('messages.send', { kind: 'server_error' }, { times: 1, afterCommit: true });
      const [row] = await settle(rt, [await accept(box!.id)]);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 2 });
      expect(row!.failureReason).toMatch(/Could not check whether an earlier try was delivered .*not sent again/);
      expect(emu.control.sent(address)).toHaveLength(1);
    });

    it('fails after the try limit of 5xx with a reason, having sent nothing', async () => {
      const box = await mailbox();
      emu.control.fault('*', { kind: 'server_error' }, { times: 50 });
      const [row] = await settle(rt, [await accept(box.id)]);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 4 });
      expect(row!.failureReason).toMatch(/did not answer after 4 tries/);
      emu.control.clearFaults();
      expect(emu.control.sent(box.email)).toHaveLength(0);
    });

    it('after the last try, checks the mailbox once more: a message Gmail took is SENT, one it did not is FAILED as not delivered', async () => {
      const took = await mailbox();
      emu.control.fault('messages.send', { kind: 'server_error' }, { times: 3 });
      emu.control.fault('messages.send', { kind: 'server_error' }, { times: 1, afterCommit: true });
      const [sent] = await settle(rt, [await accept(took.id)]);
      expect(sent).toMatchObject({ status: 'SENT', attempts: 5 });
      expect(emu.control.sent(took.email)).toHaveLength(1);

      const lost = await mailbox();
      emu.control.fault('messages.send', { kind: 'server_error' }, { times: 4 });
      const [failed] = await settle(rt, [await accept(lost.id)]);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 5 });
      expect(failed!.failureReason).toMatch(/did not answer after 4 tries; not delivered/);
      expect(emu.control.sent(lost.email)).toHaveLength(0);
    });

    it('fails a permanent refusal at once', async () => {
      const box = await mailbox();
      const [row] = await settle(rt, [await accept(box.id, { threadId: 'no-such-thread' })]);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(row!.failureReason).toMatch(/Gmail refused the message: HTTP 404/);
    });

    it('on invalid_grant marks the mailbox needs_reauth and fails its pending sends with that reason', async () => {
      const box = await mailbox();
      const later = await accept(box.id, { scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
      emu.control.revokeGrant(box.email);
      const now = await accept(box.id);
      const rows = await settle(rt, [now, later]);
      for (const row of rows) {
        expect(row.status).toBe('FAILED');
        expect(row.failureReason).toMatch(/invalid_grant/);
      }
      const boxes = (await (await rep.call('/api/mailboxes')).json()) as { data: Mailbox[] };
      expect(boxes.data.find((b) => b.id === box.id)?.status).toBe('needs_reauth');
      const refused = await rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, json: { to: 'x@y.test', subject: 's', bodyHtml: 'b', mailboxId: box.id } });
      expect(refused.status).toBe(422);
      expect(emu.control.sent(box.email)).toHaveLength(0);
    });

    it('recovers sends whose queued jobs were wiped (Redis flushed): the sweeper re-enqueues them', async () => {
      const box = await mailbox();
      const ids = [
        await accept(box.id, { scheduledAt: new Date(Date.now() + 1000).toISOString() }),
        await accept(box.id, { scheduledAt: new Date(Date.now() + 1000).toISOString() }),
      ];
      await rt.wipeQueue();
      expect(await rt.deps.queue.has(SEND_QUEUE, ids[0]!)).toBe(false);
      expect(await sweepSends(rt.deps, { graceMs: 0 })).toMatchObject({ requeued: 2 });
      expect(await sweepSends(rt.deps, { graceMs: 0 })).toMatchObject({ requeued: 0 }); // a live job is left alone
      const rows = await settle(rt, ids);
      expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT']);
      expect(emu.control.sent(box.email)).toHaveLength(2);
    });

    it('announces each send once to the workspace’s email.sent webhooks, signed', async () => {
      registerWebhookWorker(rt.deps);
      const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => (received.push({ headers: req.headers, body }), res.writeHead(200).end('ok')));
      });
      await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const hook = createdWebhookSchema.parse(await (await rep.call('/api/webhooks', { method: 'POST', json: { url, events: ['email.sent'] } })).json());
      try {
        const box = await mailbox();
        const id = await accept(box.id);
        expect((await settle(rt, [id]))[0]!.status).toBe('SENT');
        await until(async () => received.length >= 1);
        await new Promise((r) => setTimeout(r, 300)); // a duplicate would have come by now
        expect(received).toHaveLength(1);
        const [delivery] = received;
        expect(delivery!.headers['x-lumina-event']).toBe('email.sent');
        expect(delivery!.headers['x-lumina-signature']).toBe(signDelivery(hook.secret, String(delivery!.headers['x-lumina-timestamp']), delivery!.body));
        expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'email.sent', emailId: id });
      } finally {
        await rep.call(`/api/webhooks/${hook.id}`, { method: 'DELETE' });
        receiver.close();
      }
    });
  });
}
