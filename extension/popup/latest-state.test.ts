import { describe, expect, it } from 'vitest';
import type { Email } from '../../shared/contracts/emails';
import { gmailLink, latestState } from './latest-state';

const email = { id: 'e1', status: 'SENT', to: 'ada@prospect.test', threadId: '18f00000000000ab', scheduledAt: null, nextAttemptAt: null, sentAt: '2026-12-02T10:00:00Z', failureReason: null } as Email;
const figures = { opens: 0, humanOpens: 0, clicks: 0, humanClicks: 0, firstHumanOpenAt: null, lastHumanActivityAt: null, replied: false, bounced: false, unsubscribed: false };

describe('recent activity shows the real latest state', () => {
  it('a bounce or a reply beats the send status; a human open beats Sent; machine opens do not count', () => {
    expect(latestState({ ...email, figures: { ...figures, bounced: true, humanOpens: 2 } }).label).toBe('Bounced');
    expect(latestState({ ...email, figures: { ...figures, replied: true, humanOpens: 1 } }).label).toBe('Replied');
    expect(latestState({ ...email, figures: { ...figures, humanOpens: 2, opens: 5 } }).label).toBe('Opened 2×');
    expect(latestState({ ...email, figures: { ...figures, opens: 3 } }).label).toBe('Sent');
    expect(latestState({ ...email, status: 'FAILED', failureReason: 'Mailbox disconnected' }).label).toBe('Failed: Mailbox disconnected');
  });

  it('opens the thread in Gmail, or a search for the recipient without one', () => {
    expect(gmailLink(email)).toBe('https://mail.google.com/mail/u/0/#all/18f00000000000ab');
    expect(gmailLink({ ...email, threadId: null })).toBe('https://mail.google.com/mail/u/0/#search/to%3Aada%40prospect.test');
  });
});
