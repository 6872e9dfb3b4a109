import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { campaignLeads, emailEvents, emails, mailboxes, prospects, suppressions } from '../../../../db/schema';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { advanceDueLeads } from '../campaigns/sequence.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { ingestInbound } from './ingest';
import { LEAD_RESUME_QUEUE, resumePausedLead } from './effects';

let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'rita@observed.test');
  await rt.deps.db.insert(mailboxes).values({ workspaceId: rep.workspace.id, userId: rep.user.id, provider: 'sandbox', email: 'rita@observed.test' });
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

let n = 0;
/**
 * Sends the campaign's due step through the real scheduler at `at`, then settles it as the
 * send worker would (SENT at `sentAt`, in a Gmail thread): the lead and step links are the ones
 * the accept path wrote.
 */
async function sendDueStep(campaignId: string, at: Date, sentAt: Date) {
  const db = rt.deps.db;
  await advanceDueLeads(rt.deps, {}, at);
  const [row] = await db.select().from(emails).where(and(eq(emails.campaignId, campaignId), eq(emails.status, 'PENDING_SEND')));
  const [sent] = await db
    .update(emails)
    .set({ status: 'SENT', sentAt, threadId: row!.threadId ?? `thread-${row!.id.slice(0, 8)}`, providerMessageId: `gm-${row!.id.slice(0, 8)}` })
    .where(eq(emails.id, row!.id))
    .returning();
  return sent!;
}

/** A prospect in an active campaign (two steps, a day apart) and the first email we sent them. */
async function leadWithEmail(sentHoursAgo = 48) {
  const db = rt.deps.db;
  const address = `dana${++n}@acme.test`;
  const [prospect] = await db.insert(prospects).values({ workspaceId: rep.workspace.id, email: address, firstName: 'Dana' }).returning();
  const campaign = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: `C${n}`, steps: [{ subject: 'Quick question', bodyHtml: '<p>Hi</p>' }, { delay: 1, bodyHtml: '<p>Again</p>' }] } })).json());
  await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [prospect!.id] } });
  await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' });
  const email = await sendDueStep(campaign.id, new Date(Date.now() + 1000), new Date(Date.now() - sentHoursAgo * 3_600_000));
  const [lead] = await db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, campaign.id));
  expect(email.campaignLeadId).toBe(lead!.id);
  return { address, lead: lead!, email, campaignId: campaign.id };
}

const observe = (body: Record<string, unknown>) => rep.call('/api/replies/observed', { method: 'POST', json: body });
const leadOf = async (id: string) => (await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.id, id)))[0]!;
const eventsOf = (emailId: string) => rt.deps.db.select().from(emailEvents).where(eq(emailEvents.emailId, emailId)).orderBy(emailEvents.id);

describe('light mode: POST /api/replies/observed', () => {
  it('records a human reply, stops the sequence, and ignores a replay of the same message', async () => {
    const { address, lead, email } = await leadWithEmail();
    const body = { threadId: email.threadId, messageId: 'gm-r1', rfc822MessageId: '<r1@acme.test>', from: `Dana <${address}>`, subject: 'Re: Quick question', date: new Date().toISOString(), inReplyTo: email.messageId, snippet: 'Sounds good, Thursday works.' };
    const res = await observe(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'recorded', kind: 'reply', emailId: email.id });
    expect((await leadOf(lead.id)).status).toBe('replied');
    expect(await (await observe(body)).json()).toMatchObject({ status: 'duplicate' });
    const events = await eventsOf(email.id);
    expect(events.map((e) => e.type)).toEqual(['reply']);
    expect(events[0]!.data).toMatchObject({ providerMessageId: 'gm-r1', snippet: 'Sounds good, Thursday works.' });
  });

  it('counts a reply once when the inbox sync (by Message-ID) and the extension (by Gmail id) both see it', async () => {
    const { address, email } = await leadWithEmail();
    const raw = [`From: Dana <${address}>`, 'Subject: Re: Quick question', 'Message-ID: <both@acme.test>', `In-Reply-To: ${email.messageId}`, '', 'Thursday works.'].join('\r\n');
    const synced = await ingestInbound(rt.deps, rep.workspace.id, { raw, threadId: email.threadId, messageId: '<both@acme.test>', providerMessageId: 'gm-both', from: address, date: new Date() });
    expect(synced).toMatchObject({ status: 'recorded', kind: 'reply' });
    const seen = await observe({ threadId: email.threadId, messageId: 'gm-both', from: `Dana <${address}>`, date: new Date().toISOString(), snippet: 'Thursday works.' });
    expect(await seen.json()).toMatchObject({ status: 'duplicate', kind: 'reply', emailId: email.id });
    expect((await eventsOf(email.id)).map((e) => e.type)).toEqual(['reply']);
  });

  it('never counts our own sent copies as replies', async () => {
    const { lead, email } = await leadWithEmail();
    const mine = await observe({ threadId: email.threadId, messageId: 'gm-own', from: 'Rita <rita@observed.test>', date: new Date().toISOString(), snippet: 'Just bumping this up' });
    expect(await mine.json()).toEqual({ status: 'own_message', kind: 'reply' });
    const copy = await observe({ threadId: email.threadId, messageId: 'gm-copy', rfc822MessageId: email.messageId, from: 'someone@else.test', date: new Date().toISOString() });
    expect(await copy.json()).toMatchObject({ status: 'own_message' });
    expect((await leadOf(lead.id)).status).toBe('active');
    expect(await eventsOf(email.id)).toHaveLength(0);
  });

  it('matches a reply to a follow-up in the same thread to the follow-up (or to what it cites)', async () => {
    const { address, email: first, campaignId } = await leadWithEmail(72);
    const followUp = await sendDueStep(campaignId, new Date(Date.now() + 2 * 86_400_000), new Date(Date.now() - 24 * 3_600_000));
    expect(followUp).toMatchObject({ threadId: first.threadId, inReplyTo: first.messageId, campaignLeadId: first.campaignLeadId });
    const inThread = await observe({ threadId: first.threadId, messageId: 'gm-f1', from: address, date: new Date().toISOString(), snippet: 'Yes, let us talk.' });
    expect(await inThread.json()).toMatchObject({ status: 'recorded', emailId: followUp.id });
    const citing = await observe({ threadId: first.threadId, messageId: 'gm-f2', from: address, date: new Date().toISOString(), inReplyTo: first.messageId, snippet: 'Replying to your first note.' });
    expect(await citing.json()).toMatchObject({ status: 'recorded', emailId: first.id });
  });

  it('pauses the sequence on an out-of-office and resumes the day after the return date', async () => {
    const { address, lead, email } = await leadWithEmail();
    const res = await observe({
      threadId: email.threadId, messageId: 'gm-ooo1', from: address, subject: 'Automatic reply: Quick question', date: new Date().toISOString(),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      snippet: 'I am out of the office with limited access to email. I will be back on 10 March 2031.',
    });
    const body = (await res.json()) as { kind: string; resumeAt: string };
    expect(body.kind).toBe('auto_reply');
    expect(body.resumeAt).toBe('2031-03-11T00:00:00.000Z');
    const paused = await leadOf(lead.id);
    expect(paused.status).toBe('paused');
    expect(paused.pausedUntil?.toISOString()).toBe('2031-03-11T00:00:00.000Z');
    expect(await rt.deps.queue.has(LEAD_RESUME_QUEUE, `resume-${lead.id}-${Date.parse(body.resumeAt)}`)).toBe(true);
    // the event is an auto-reply, not a reply
    expect((await eventsOf(email.id)).map((e) => [e.type, e.machine])).toEqual([['auto_reply', true]]);

    await rt.deps.db.update(campaignLeads).set({ pausedUntil: new Date(Date.now() - 1000) }).where(eq(campaignLeads.id, lead.id));
    await resumePausedLead(rt.deps, lead.id);
    expect((await leadOf(lead.id)).status).toBe('active');
  });

  it('pauses for the workspace default when the out-of-office names no date', async () => {
    const { address, lead, email } = await leadWithEmail();
    const res = await observe({
      threadId: email.threadId, messageId: 'gm-ooo2', from: address, subject: 'Out of Office', date: new Date().toISOString(),
      headers: { 'Auto-Submitted': 'auto-replied' }, snippet: 'Thank you for your message. I am currently out of the office.',
    });
    const body = (await res.json()) as { kind: string; resumeAt: string };
    expect(body.kind).toBe('auto_reply');
    const days = (new Date(body.resumeAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.9);
    expect(days).toBeLessThan(5.1);
    expect((await leadOf(lead.id)).status).toBe('paused');
  });

  it('lets an admin set the workspace default pause (members read it), and an undated out-of-office follows it', async () => {
    expect(await (await rep.call('/api/replies/settings')).json()).toEqual({ autoReplyPauseDays: 5 });
    const member = await signIn(rt.app, 'max@observed.test');
    expect(member.workspace.id).toBe(rep.workspace.id);
    expect((await member.call('/api/replies/settings', { method: 'PATCH', json: { autoReplyPauseDays: 1 } })).status).toBe(403);
    for (const json of [{}, { autoReplyPauseDays: 0 }, { autoReplyPauseDays: 2.5 }, { autoReplyPauseDays: '3' }, { autoReplyPauseDays: 91 }, { other: 1 }]) {
      expect((await rep.call('/api/replies/settings', { method: 'PATCH', json })).status, JSON.stringify(json)).toBe(400);
    }
    const saved = await rep.call('/api/replies/settings', { method: 'PATCH', json: { autoReplyPauseDays: 12 } });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ autoReplyPauseDays: 12 });
    expect(await (await member.call('/api/replies/settings')).json()).toEqual({ autoReplyPauseDays: 12 });
    try {
      const { address, email } = await leadWithEmail();
      const res = await observe({
        threadId: email.threadId, messageId: 'gm-ooo-12', from: address, subject: 'Out of Office', date: new Date().toISOString(),
        headers: { 'Auto-Submitted': 'auto-replied' }, snippet: 'I am currently out of the office.',
      });
      const days = (new Date(((await res.json()) as { resumeAt: string }).resumeAt).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(11.9);
      expect(days).toBeLessThan(12.1);
    } finally {
      await rep.call('/api/replies/settings', { method: 'PATCH', json: { autoReplyPauseDays: 5 } });
    }
  });

  it('turns a "remove me" reply into a suppression and an unsubscribe', async () => {
    const { address, lead, email } = await leadWithEmail();
    const res = await observe({ threadId: email.threadId, messageId: 'gm-u1', from: address, subject: 'Re: Quick question', date: new Date().toISOString(), snippet: 'Please remove me from your mailing list.' });
    expect(await res.json()).toMatchObject({ status: 'recorded', kind: 'unsubscribe_request' });
    expect((await leadOf(lead.id)).status).toBe('unsubscribed');
    const [s] = await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)));
    expect(s?.reason).toBe('unsubscribe');
  });

  it('rejects a bad body with 400 and does not match another workspace’s thread', async () => {
    expect((await observe({ threadId: 't' })).status).toBe(400);
    const { address, email } = await leadWithEmail();
    const stranger = await signIn(rt.app, 'mallory@elsewhere.test');
    const res = await stranger.call('/api/replies/observed', { method: 'POST', json: { threadId: email.threadId, messageId: 'gm-x', from: address, date: new Date().toISOString(), snippet: 'hi' } });
    expect(await res.json()).toMatchObject({ status: 'unmatched' });
  });
});

/** An RFC 3464 delivery status notification for one of our messages. */
function dsn(email: { messageId: string; to: string }, recipient: string, status: string, diagnostic: string) {
  return [
    'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    'To: rita@observed.test',
    'Subject: Delivery Status Notification (Failure)',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <dsn-${Math.random().toString(36).slice(2)}@mx.google.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message to ${recipient} could not be delivered.`,
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.google.com',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${status.startsWith('5') ? 'failed' : 'delayed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: rita@observed.test',
    `To: ${email.to}`,
    'Subject: Quick question',
    `Message-ID: ${email.messageId}`,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('bounces (the raw message, as the sync worker hands it in)', () => {
  it('a hard bounce suppresses the address and marks the lead bounced', async () => {
    const { address, lead, email } = await leadWithEmail();
    const raw = dsn(email, address, '5.1.1', "550 5.1.1 The email account that you tried to reach does not exist.");
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, threadId: 'some-other-thread', messageId: 'dsn-1', providerMessageId: 'gm-b1', from: 'mailer-daemon@googlemail.com' });
    expect(result).toMatchObject({ status: 'recorded', kind: 'bounce', emailId: email.id });
    expect((await leadOf(lead.id)).status).toBe('bounced');
    const [s] = await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)));
    expect(s?.reason).toBe('hard_bounce');
    expect((await eventsOf(email.id)).map((e) => [e.type, e.reason])).toEqual([['bounce', 'hard']]);
  });

  it('a spam complaint (ARF) citing our message suppresses the address at once and stops the sequence', async () => {
    const { address, lead, email } = await leadWithEmail();
    const arf = [
      'From: Feedback Loop <fbl@provider.example>',
      'To: abuse@observed.test',
      'Subject: Complaint about message',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="f"',
      '',
      '--f',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report for a message you sent.',
      '--f',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: ProviderFBL/1.0',
      'Version: 1',
      `Original-Rcpt-To: ${address}`,
      '--f',
      'Content-Type: text/rfc822-headers',
      '',
      'From: rita@observed.test',
      `To: ${address}`,
      `Message-ID: ${email.messageId}`,
      'Subject: Quick question',
      '--f--',
      '',
    ].join('\r\n');
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw: arf, messageId: '<fbl-1@provider.example>', providerMessageId: 'gm-c1', from: 'fbl@provider.example' });
    expect(result).toMatchObject({ status: 'recorded', kind: 'complaint', emailId: email.id });
    const [s] = await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)));
    expect(s?.reason).toBe('complaint');
    expect((await leadOf(lead.id)).status).toBe('stopped');
    expect((await eventsOf(email.id)).map((e) => e.type)).toEqual(['complaint']);
  });

  it('a DSN for a message that was not ours records nothing and suppresses nobody', async () => {
    const { address, lead, email } = await leadWithEmail();
    // Someone else's mail to the same address bounced: it cites their Message-ID, not ours.
    const raw = dsn({ messageId: '<theirs-1@other-sender.example>', to: address }, address, '5.1.1', '550 5.1.1 No such user');
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, messageId: 'dsn-stranger', providerMessageId: 'gm-b-stranger', from: 'mailer-daemon@googlemail.com' });
    expect(result).toEqual({ status: 'unmatched', kind: 'bounce' });
    expect((await leadOf(lead.id)).status).toBe('active');
    expect(await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)))).toHaveLength(0);
    expect(await eventsOf(email.id)).toHaveLength(0);
  });

  it('a soft bounce is recorded but suppresses nothing and leaves the sequence running', async () => {
    const { address, lead, email } = await leadWithEmail();
    const raw = dsn(email, address, '4.2.2', '452 4.2.2 The email account that you tried to reach is over quota.');
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, messageId: 'dsn-2', providerMessageId: 'gm-b2' });
    expect(result).toMatchObject({ status: 'recorded', kind: 'bounce', emailId: email.id });
    expect((await leadOf(lead.id)).status).toBe('active');
    expect(await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)))).toHaveLength(0);
    expect((await eventsOf(email.id)).map((e) => [e.type, e.reason])).toEqual([['bounce', 'soft']]);
  });
});
