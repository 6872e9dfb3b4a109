import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { mailboxes } from '../../../../db/schema';
import { emailSchema } from '../../../../shared/contracts/emails';
import { mailboxSchema } from '../../../../shared/contracts/mailboxes';
import { paginationSchema } from '../../../../shared/errors';
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
    const account = emu.control.sent().find((m) => m.id === gmailId)!.mailbox;
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
