import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { signIn, createEmulatedRuntime, type EmulatedRuntime } from '../../../test/harness';
import { campaignLeads, emailEvents, emails, mailboxes, suppressions } from '../../../../db/schema';
import { firstStepOf } from '../../../test/sequence-kit';
import type { GmailEmulator } from '../../../emulator/server';
import { sealTokens } from '../../gmail/oauth';
import { until } from '../../../test/tracking-fixtures';
import { closeEventRecorder } from '../tracking/recorder';
import { INBOX_SYNC_QUEUE, registerInboxSync, syncMailbox } from './inbox-sync.worker';

let emu: GmailEmulator;
let rt: EmulatedRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
const MAILBOX = 'rita@sync-co.test';

beforeAll(async () => {
  rt = await createEmulatedRuntime({ google: true });
  emu = rt.emu;
  rep = await signIn(rt.app, MAILBOX);
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

/** A full-mode mailbox (gmail.readonly granted), connected the way the OAuth callback leaves it. */
async function connectFullMailbox() {
  const tokens = emu.control.issueTokens(MAILBOX, { scope: 'https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly openid email' });
  const [row] = await rt.deps.db
    .insert(mailboxes)
    .values({ workspaceId: rep.workspace.id, userId: rep.user.id, provider: 'gmail', email: MAILBOX, scopes: tokens.scope.split(' '), ...sealTokens(rt.config, tokens) })
    .returning();
  return row!;
}

/**
 * A sequence step to the prospect, accepted by the real scheduler (so its lead link is the one
 * acceptSend wrote), then settled as the send worker leaves it: in Gmail's SENT with our
 * Message-ID, and SENT on the row pointing at it.
 */
async function sendToProspect(mailboxId: string, to: string) {
  const db = rt.deps.db;
  const { email: row, lead } = await firstStepOf(rt, rep, to, { name: `to ${to}`, mailboxId, steps: [{ subject: 'Quick question', bodyHtml: '<p>Hi there</p>' }, { delay: 1, bodyHtml: '<p>Again</p>' }] });
  const raw = await new MailComposer({ from: MAILBOX, to, subject: row.subject, text: 'Hi there', messageId: row.messageId }).compile().build();
  const gm = emu.control.injectRaw(MAILBOX, raw, { labelIds: ['SENT'] });
  const [email] = await db
    .update(emails)
    .set({ status: 'SENT', sentAt: new Date(Date.now() - 60_000), threadId: gm.threadId, providerMessageId: gm.id })
    .where(eq(emails.id, row.id))
    .returning();
  expect(email!.campaignLeadId).toBe(lead.id);
  return { gmailId: gm.id, email: email!, leadId: lead.id };
}

const typesOf = async (emailId: string) => (await rt.deps.db.select().from(emailEvents).where(eq(emailEvents.emailId, emailId)).orderBy(emailEvents.id)).map((e) => e.type);
const leadStatus = async (id: string) => (await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, id)))[0]!.status;

describe('full-mode inbox sync against the Gmail emulator', () => {
  it('follows history: replies, out-of-office and bounces take effect; our sent copies never count; an expired history id re-scans', async () => {
    const mailbox = await connectFullMailbox();
    const first = await syncMailbox(rt.deps, mailbox.id);
    expect(first?.mode).toBe('rescan'); // no history id yet: start from a bounded look at the inbox

    const ada = await sendToProspect(mailbox.id, 'ada@prospect-co.test');
    const bob = await sendToProspect(mailbox.id, 'bob@prospect-co.test');
    const cy = await sendToProspect(mailbox.id, 'cy@prospect-co.test');
    await emu.control.injectReply(ada.gmailId, { text: 'Yes, Thursday works for me.' });
    await emu.control.injectAutoReply(bob.gmailId, { returnDate: '2031-04-14' });

    const second = await syncMailbox(rt.deps, mailbox.id);
    expect(second?.mode).toBe('history');
    expect(second?.results.map((r) => [r.status, r.kind])).toEqual([['recorded', 'reply'], ['recorded', 'auto_reply']]); // SENT copies were skipped
    expect(await typesOf(ada.email.id)).toEqual(['reply']);
    expect(await leadStatus(ada.leadId)).toBe('replied');
    expect(await typesOf(bob.email.id)).toEqual(['auto_reply']);
    expect(await leadStatus(bob.leadId)).toBe('paused');

    // Gmail forgets the history: the next sync re-scans, finds the bounce, and does not double-count the reply.
    await emu.control.injectBounce(cy.gmailId, { hard: true });
    emu.control.expireHistory(MAILBOX);
    const third = await syncMailbox(rt.deps, mailbox.id);
    expect(third?.mode).toBe('rescan');
    expect(third?.results.filter((r) => r.status === 'recorded').map((r) => r.kind)).toEqual(['bounce']);
    expect(third?.results.filter((r) => r.status === 'duplicate')).toHaveLength(2);
    expect(await typesOf(cy.email.id)).toEqual(['bounce']);
    expect(await leadStatus(cy.leadId)).toBe('bounced');
    const [s] = await rt.deps.db.select().from(suppressions).where(eq(suppressions.email, 'cy@prospect-co.test'));
    expect(s?.reason).toBe('hard_bounce');
    expect(await typesOf(ada.email.id)).toEqual(['reply']);

    const [after] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id));
    expect(Number(after!.historyId)).toBe(Number(emu.control.historyId()));

    // The registered worker does the same on schedule, through the queue.
    await emu.control.injectReply(cy.gmailId, { text: 'Sorry, wrong address — try my colleague.', from: 'cy@prospect-co.test' });
    const stop = registerInboxSync(rt.deps, { everyMs: 60_000 });
    try {
      await until(async () => (await typesOf(cy.email.id)).includes('reply'), 20_000);
      await until(async () => (await rt.deps.queue.counts(INBOX_SYNC_QUEUE)).completed >= 1);
    } finally {
      await stop();
    }
  });
});
