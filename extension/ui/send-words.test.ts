import { describe, expect, it } from 'vitest';
import { sendWords, when } from './send-words';

const now = Date.parse('2026-12-02T12:00:00');
const base = { scheduledAt: null, nextAttemptAt: null, sentAt: null, failureReason: null };

describe('send status in words', () => {
  it('follows the email: queued, sending, sent at a time, failed with the reason', () => {
    expect(sendWords({ ...base, status: 'PENDING_SEND' }, now)).toMatchObject({ text: 'Queued', cancellable: true, final: false });
    expect(sendWords({ ...base, status: 'SENDING' }, now)).toMatchObject({ text: 'Sending…', cancellable: false });
    const sentAt = new Date(now - 60_000).toISOString();
    expect(sendWords({ ...base, status: 'SENT', sentAt }, now)).toMatchObject({ text: `Sent ${when(Date.parse(sentAt), now)}`, tone: 'done', final: true });
    expect(sendWords({ ...base, status: 'FAILED', failureReason: 'Mailbox disconnected' }, now)).toMatchObject({ text: 'Failed: Mailbox disconnected', tone: 'failed' });
    expect(sendWords({ ...base, status: 'CANCELLED' }, now).text).toBe('Cancelled: not sent');
  });

  it("leaves out the protocol code a failure reason quotes for the logs", () => {
    const failureReason = 'Gmail access was revoked (invalid_grant): reconnect rep@lumina.test';
    expect(sendWords({ ...base, status: 'FAILED', failureReason }, now).text).toBe('Failed: Gmail access was revoked: reconnect rep@lumina.test');
  });

  it('a scheduled send says when, and can be cancelled', () => {
    const scheduledAt = new Date(now + 864e5).toISOString();
    const w = sendWords({ ...base, status: 'PENDING_SEND', scheduledAt }, now);
    expect(w.text).toBe(`Scheduled for ${when(Date.parse(scheduledAt), now)}`);
    expect(w.text).toMatch(/, \d{2}[:.]\d{2}/);
    expect(w.cancellable).toBe(true);
  });

  it('never shows a status code', () => {
    for (const status of ['PENDING_SEND', 'SENDING', 'SENT', 'FAILED', 'CANCELLED'] as const) expect(sendWords({ ...base, status }, now).text).not.toMatch(/[A-Z]{4,}|_/);
  });
});
