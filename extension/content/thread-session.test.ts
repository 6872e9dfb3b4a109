import { describe, expect, it } from 'vitest';
import { observedReplyRequest } from '../../shared/contracts/tracking';
import { parseRuntimeMessage } from '../../shared/messages';
import { observedRepliesOf } from './thread-session';

const thread = { threadId: '18f00000000000aa', subject: 'Onboarding at Acme' };
const at = new Date('2026-11-20T10:00:00Z');

describe('light mode: what the content script reports of a thread', () => {
  it('reports what others sent, never the rep’s own messages, as valid observed-reply bodies', () => {
    const reports = observedRepliesOf(
      thread,
      [
        { id: '18f0000000000001', from: 'Rep@Lumina.test', text: 'Hi Ada, would Thursday work?' },
        { id: '18f0000000000002', from: 'ada@prospect.test', date: '2026-11-21T09:30:00.000Z', text: 'Thursday works.' },
        { id: '18f0000000000003', from: 'mailer-daemon@googlemail.com', text: 'Delivery incomplete' },
      ],
      'rep@lumina.test',
      at,
    );
    expect(reports.map((r) => r.messageId)).toEqual(['18f0000000000002', '18f0000000000003']);
    expect(reports[0]).toEqual({ threadId: thread.threadId, messageId: '18f0000000000002', from: 'ada@prospect.test', date: '2026-11-21T09:30:00.000Z', subject: 'Onboarding at Acme', snippet: 'Thursday works.' });
    for (const r of reports) {
      expect(observedReplyRequest.safeParse(r).success).toBe(true);
      expect(parseRuntimeMessage({ type: 'replies.observed', report: r })).toMatchObject({ type: 'replies.observed' });
    }
  });

  it('leaves out messages it cannot identify, and dates undated ones now', () => {
    const reports = observedRepliesOf(thread, [{ from: 'ada@prospect.test', text: 'no id' }, { id: '18f0000000000004', text: 'no sender' }, { id: '18f0000000000005', from: 'ada@prospect.test', text: 'x'.repeat(25_000) }], 'rep@lumina.test', at);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.date).toBe(at.toISOString());
    expect(reports[0]!.snippet).toHaveLength(20_000);
    expect(observedReplyRequest.safeParse(reports[0]).success).toBe(true);
  });
});
