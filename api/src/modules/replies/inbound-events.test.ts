import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { seedSentEmail, until } from '../../../test/tracking-fixtures';
import { webhookDeliveries, webhooks } from '../../../../db/schema';
import { emailTimelineResponse } from '../../../../shared/contracts/events';
import { inboundEventDataSchema } from '../../../../shared/contracts/replies';
import { closeEventRecorder } from '../tracking/recorder';
import { ingestInbound } from './ingest';

/**
 * What the classifier read reaches the places a rep and an integration look: the email's
 * timeline (`GET /api/emails/:id/events`) and the webhook payloads — the reply's meaning and
 * referred person, the out-of-office return date, the bounce's reason.
 */
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let hookId: string;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'iris@inbound-events.test');
  const [hook] = await rt.deps.db
    .insert(webhooks)
    .values({ workspaceId: rep.workspace.id, url: 'http://127.0.0.1:9/never-called', secret: 's', events: ['email.replied', 'email.auto_replied', 'email.bounced', 'email.complained'] })
    .returning();
  hookId = hook!.id;
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

let n = 0;
async function answer(lines: string[], headers: Record<string, string> = {}) {
  const address = `pat${++n}-${run}@acme.example`;
  const email = await seedSentEmail(rt.deps.db, rep.workspace.id, { to: address, fromAddress: 'iris@inbound-events.test' });
  const messageId = `<in-${n}-${run}@acme.example>`;
  const raw = [
    `From: Pat <${address}>`,
    'To: iris@inbound-events.test',
    'Subject: Re: Quick question',
    'Date: Wed, 04 Mar 2026 10:00:00 +0000',
    `Message-ID: ${messageId}`,
    `In-Reply-To: ${email.messageId}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    ...lines,
  ].join('\r\n');
  const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, messageId, inReplyTo: email.messageId, threadId: email.threadId, from: address, date: new Date('2026-03-04T10:00:00Z') });
  expect(result.status).toBe('recorded');
  const res = await rep.call(`/api/emails/${email.id}/events`);
  const timeline = emailTimelineResponse.parse(await res.json());
  const event = timeline.data.find((e) => e.type !== 'sent')!;
  return { email, event, data: inboundEventDataSchema.parse(event.data) };
}

async function payloadsOf(emailId: string) {
  let rows: Array<{ event: string; payload: Record<string, unknown> }> = [];
  await until(async () => {
    rows = (await rt.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId))).filter((r) => (r.payload as { emailId?: string }).emailId === emailId);
    return rows.length > 0;
  });
  return rows;
}

describe('inbound events carry what the classifier read', () => {
  it('a referral: meaning and the referred person, in the timeline and the email.replied webhook', async () => {
    const { email, event, data } = await answer(["I'm not the right person. Please reach out to Jane Doe (jane.doe@acme.example), she runs sales ops."]);
    expect(event.type).toBe('reply');
    expect(data).toMatchObject({ classified: 'reply', meaning: 'referral', referral: { name: 'Jane Doe', email: 'jane.doe@acme.example' } });
    const [delivery] = await payloadsOf(email.id);
    expect(delivery).toMatchObject({ event: 'email.replied', payload: { data: { meaning: 'referral', referral: { name: 'Jane Doe', email: 'jane.doe@acme.example' } } } });
  });

  it('a "not now" carries the day they asked to hear from us again', async () => {
    const { data } = await answer(['Not right now — ping me in Q3.']);
    expect(data).toMatchObject({ meaning: 'not_now', followUpDate: '2026-07-01' });
  });

  it('an out-of-office: label and return date, announced as email.auto_replied', async () => {
    const { email, event, data } = await answer(['Ich bin bis einschließlich 20. März 2026 nicht im Büro.'], { 'Auto-Submitted': 'auto-replied' });
    expect(event.type).toBe('auto_reply');
    expect(data).toMatchObject({ classified: 'auto_reply', meaning: 'out_of_office', returnDate: '2026-03-20' });
    const [delivery] = await payloadsOf(email.id);
    expect(delivery).toMatchObject({ event: 'email.auto_replied', payload: { data: { meaning: 'out_of_office', returnDate: '2026-03-20' } } });
  });

  it('a bounce: its Sisimai reason and hard/soft, in the timeline and the email.bounced webhook', async () => {
    const address = `gone-${run}@acme.example`;
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id, { to: address, fromAddress: 'iris@inbound-events.test' });
    const raw = [
      'From: MAILER-DAEMON@mx.acme.example',
      'To: iris@inbound-events.test',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${run}@mx.acme.example>`,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acme.example',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${email.messageId}`,
      '',
      '--b--',
      '',
    ].join('\r\n');
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, messageId: `<dsn-${run}@mx.acme.example>`, from: 'mailer-daemon@mx.acme.example', date: new Date() });
    expect(result).toMatchObject({ status: 'recorded', kind: 'bounce' });
    const timeline = emailTimelineResponse.parse(await (await rep.call(`/api/emails/${email.id}/events`)).json());
    const event = timeline.data.find((e) => e.type === 'bounce')!;
    expect(event.reason).toBe('soft');
    expect(inboundEventDataSchema.parse(event.data).bounce).toMatchObject({ reason: 'mailboxfull', hard: false, status: '5.2.2', recipient: address });
    const [delivery] = await payloadsOf(email.id);
    expect(delivery).toMatchObject({ event: 'email.bounced', payload: { reason: 'soft', data: { bounce: { reason: 'mailboxfull' } } } });
  });
});
