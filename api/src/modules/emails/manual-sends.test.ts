import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { mailboxes, manualSends } from '../../../../db/schema';
import { emailSchema } from '../../../../shared/contracts/emails';
import { mailboxSchema } from '../../../../shared/contracts/mailboxes';
import { errorEnvelopeSchema, paginationSchema } from '../../../../shared/errors';
import { reportManualSendResponse } from '../../../../shared/contracts/mailboxes';
import { registerSendWorker } from './send.worker';
import { syncMailbox } from '../replies/inbox-sync.worker';

/**
 * Mail the rep sends from Gmail itself, not through Lumina, spends the mailbox's rolling 24-hour
 * budget: the inbox sync sees it in the SENT label of the history, tells it from our own sends by
 * Message-ID, and records it once; the budget (the mailbox's `used`, and the send worker's claim)
 * counts it. Real send worker, Gmail emulator, inbox sync; read back through the public API.
 */
let emu: GmailEmulator;
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let box: typeof mailboxes.$inferSelect;
const MAILBOX = 'rep@manual-co.test';
/** The emulator's account behind the sandbox mailbox, and Gmail's id of Lumina's first send (set by the first test). */
let account: string;
let ourGmailId: string;

beforeAll(async () => {
  emu = await startGmailEmulator();
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url } });
  registerSendWorker(rt.deps, fastSend);
  rep = await signIn(rt.app, MAILBOX, 'Rep');
  [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, rep.workspace.id));
});
afterAll(async () => {
  await rt?.close();
  await emu?.close();
});

const fromGmail = (n: number) =>
  [`From: Rep <${MAILBOX}>`, `To: friend${n}@elsewhere.test`, `Subject: Lunch ${n}?`, `Message-ID: <manual-${n}-${Date.now()}@mail.gmail.com>`, `Date: ${new Date().toUTCString()}`, '', 'Written in Gmail.'].join('\r\n');

async function send(key: string, to: string) {
  const res = await rep.call('/api/emails/send', { method: 'POST', headers: { 'Idempotency-Key': key }, json: { to, subject: 'Hello', bodyHtml: '<p>Hi</p>' } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}
const emailOf = async (id: string) => emailSchema.parse(await (await rep.call(`/api/emails/${id}`)).json());
const mailboxNow = async () => paginationSchema(mailboxSchema).parse(await (await rep.call('/api/mailboxes')).json()).data.find((m) => m.id === box.id)!;

describe('manual sends from Gmail', () => {
  it('count against the rolling 24-hour budget, once each, and never our own sends', async () => {
    await syncMailbox(rt.deps, box.id); // the first sync takes the history cursor
    expect((await rep.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { dailyCap: 3 } })).status).toBe(200);

    const ours = await send('manual-1', 'lead@prospect-co.test');
    await until(async () => (await emailOf(ours)).status === 'SENT');
    // The Gmail account behind the sandbox mailbox (the emulator keeps one per workspace).
    const gmailId = (await emailOf(ours)).providerMessageId;
    account = emu.control.sent().find((m) => m.id === gmailId)!.mailbox;
    ourGmailId = gmailId!;
    emu.control.injectRaw(account, fromGmail(1), { labelIds: ['SENT'] });
    emu.control.injectRaw(account, fromGmail(2), { labelIds: ['SENT'] });
    expect((await mailboxNow()).used).toBe(1);

    const first = await syncMailbox(rt.deps, box.id);
    expect(first!.mode).toBe('history');
    expect(first!.manualSends).toBe(2); // Lumina's own send is in SENT too, and is not counted again
    expect((await syncMailbox(rt.deps, box.id))!.manualSends).toBe(0);
    const now = await mailboxNow();
    expect(now.used).toBe(3);
    expect(now.remaining).toBe(0);

    // The cap is spent: the next send waits instead of going out.
    const before = emu.control.sent().length;
    const held = await send('manual-2', 'next@prospect-co.test');
    await until(async () => Boolean((await emailOf(held)).nextAttemptAt));
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await emailOf(held);
    expect(waiting.status).toBe('PENDING_SEND');
    expect(new Date(waiting.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    expect(emu.control.sent()).toHaveLength(before);
  });
});

describe('light mode: the extension reports a send the rep made in Gmail', () => {
  const report = (mailboxId: string, body: unknown, who = rep) => who.call(`/api/mailboxes/${mailboxId}/manual-sends`, { method: 'POST', json: body });

  it('counts it once, however often it is reported or also seen by the inbox sync, and never a Lumina send', async () => {
    expect((await rep.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { dailyCap: 50 } })).status).toBe(200);
    const before = await mailboxNow();
    // A message really in the rep's Gmail SENT (what InboxSDK's `sent` event names by its Gmail id).
    const ours = ourGmailId;
    const inGmail = emu.control.injectRaw(account, fromGmail(10), { labelIds: ['SENT'] });

    const first = await report(box.id, { gmailMessageId: inGmail.id.toUpperCase(), threadId: inGmail.threadId });
    expect(first.status).toBe(201);
    const body = reportManualSendResponse.parse(await first.json());
    expect(body.outcome).toBe('recorded');
    expect(body.mailbox.usedFromGmail).toBe(before.usedFromGmail + 1);
    expect(body.mailbox.used).toBe(before.used + 1);
    expect(body.mailbox.usedByLumina).toBe(before.usedByLumina);

    const again = await report(box.id, { gmailMessageId: inGmail.id });
    expect(again.status).toBe(200);
    expect(reportManualSendResponse.parse(await again.json()).outcome).toBe('already_recorded');
    // The full-mode sync sees the same message in SENT: not counted a second time.
    expect((await syncMailbox(rt.deps, box.id))!.manualSends).toBe(0);
    // Lumina's own send, reported as if Gmail had sent it: ours, already counted.
    const mine = await report(box.id, { gmailMessageId: ours });
    expect(reportManualSendResponse.parse(await mine.json()).outcome).toBe('sent_by_lumina');
    const now = await mailboxNow();
    expect(now.usedFromGmail).toBe(before.usedFromGmail + 1);
    expect(now.used).toBe(now.usedByLumina + now.usedFromGmail);
    expect(await rt.deps.db.select().from(manualSends).where(eq(manualSends.providerMessageId, inGmail.id))).toHaveLength(1);
  });

  it('refuses a bad report with the envelope, and another person’s mailbox', async () => {
    for (const bad of [{}, { gmailMessageId: 'not-hex!' }, { gmailMessageId: 'abcdef0123456789', sentAt: new Date(Date.now() + 3_600_000).toISOString() }, { gmailMessageId: 'abcdef0123456789', extra: 1 }]) {
      const res = await report(box.id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('VALIDATION_ERROR');
    }
    expect((await report(crypto.randomUUID(), { gmailMessageId: 'abcdef0123456789' })).status).toBe(404);
    // A teammate in the same workspace cannot spend the rep's budget.
    const mate = await signIn(rt.app, 'mate@manual-co.test', 'Mate');
    expect(mate.workspace.id).toBe(rep.workspace.id);
    const res = await report(box.id, { gmailMessageId: 'abcdef0123456789' }, mate);
    expect(res.status).toBe(403);
    expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('FORBIDDEN');
    // Another workspace does not even see it.
    const stranger = await signIn(rt.app, 'x@elsewhere-co.test', 'X');
    expect((await report(box.id, { gmailMessageId: 'abcdef0123456789' }, stranger)).status).toBe(404);
  });
});

describe('an expired history id', () => {
  it('still finds what the rep sent from Gmail since the last sync, by listing SENT, and takes a fresh cursor', async () => {
    await syncMailbox(rt.deps, box.id);
    const before = await mailboxNow();
    const [row] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, box.id));
    // Sent long before the last sync (already outside the look-back) and after it.
    emu.control.injectRaw(account, fromGmail(20), { labelIds: ['SENT'], internalDate: row!.lastSyncedAt!.getTime() - 3 * 86_400_000 });
    emu.control.injectRaw(account, fromGmail(21), { labelIds: ['SENT'] });
    emu.control.injectRaw(account, fromGmail(22), { labelIds: ['SENT'] });
    emu.control.expireHistory(account);

    const sync = await syncMailbox(rt.deps, box.id);
    expect(sync!.mode).toBe('rescan');
    expect(sync!.manualSends).toBe(2);
    expect((await mailboxNow()).usedFromGmail).toBe(before.usedFromGmail + 2);
    const [after] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, box.id));
    expect(after!.historyId).toBe(emu.control.historyId());
    // The next sync is back on history, and counts nothing twice.
    const next = await syncMailbox(rt.deps, box.id);
    expect(next!.mode).toBe('history');
    expect(next!.manualSends).toBe(0);
  });
});
