import { describe, expect, it, vi } from 'vitest';
import { observedReplyRequest } from '../../shared/contracts/tracking';
import { parseRuntimeMessage } from '../../shared/messages';
import type { RuntimeMessage, RuntimeResult } from '../../shared/messages';
import type { Ask } from '../state/runtime';
import { observedRepliesOf, startThreadSession } from './thread-session';

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

describe('tracking sidebar session', () => {
  const campaign = { id: 'c-1', name: 'Q4 SDR', status: 'active', steps: [{}, {}] };
  const email = { id: 'e-1', to: 'ada@prospect.test', subject: 'Ramp', status: 'SENT', campaignId: 'c-1', prospectId: 'p-1' };
  const lead = { id: 'l-1', prospectId: 'p-1', email: 'ada@prospect.test', status: 'active', currentStep: 1, nextDueAt: '2026-11-23T10:00:00.000Z', createdAt: '2026-11-19T10:00:00.000Z' };
  /** The service worker as the content script sees it: answers by message type, and remembers what was asked. */
  function worker() {
    const asked: RuntimeMessage[] = [];
    const answers: Partial<Record<RuntimeMessage['type'], (m: RuntimeMessage) => unknown>> = {
      'tracking.selfView': () => ({ recorded: true }),
      'thread.emails': () => ({ data: [email] }),
      'session.get': () => ({ session: null }),
      'email.events': () => ({ data: [], figures: undefined }),
      'prospect.lookup': () => ({ prospect: { id: 'p-1', email: 'ada@prospect.test', firstName: 'Ada', lastName: null, company: 'Acme', title: null } }),
      'campaigns.list': () => ({ data: [campaign, { ...campaign, id: 'c-2', name: 'Other' }] }),
      'campaign.lead': (m) => ({ lead: m.type === 'campaign.lead' && m.campaignId === 'c-1' && m.prospectId === 'p-1' ? lead : null }),
      'campaign.lead.setRunning': (m) => ({ ...lead, status: m.type === 'campaign.lead.setRunning' && m.running ? 'active' : 'paused' }),
    };
    const ask = (async (m: RuntimeMessage): Promise<RuntimeResult> => {
      asked.push(m);
      const answer = answers[m.type];
      return answer ? { ok: true, data: answer(m) } : { ok: false, error: { code: 'NOT_AVAILABLE', message: 'no' } };
    }) as Ask;
    return { ask, asked };
  }

  it('shows the prospect and the sequence behind the thread, and pauses and resumes this lead, not the campaign', async () => {
    const w = worker();
    const session = startThreadSession({ threadId: 't-1', subject: 'Ramp', messages: async () => [], mountSidebar: () => document.body }, w.ask);
    await vi.waitFor(() => expect(session.store.getState().phase).toBe('ready'));
    const state = session.store.getState();
    expect(state.prospect).toMatchObject({ firstName: 'Ada', company: 'Acme' });
    expect(Object.keys(state.campaigns)).toEqual(['c-1']);
    expect(w.asked).toContainEqual({ type: 'tracking.selfView', threadId: 't-1' });

    expect(w.asked).toContainEqual({ type: 'campaign.lead', campaignId: 'c-1', prospectId: 'p-1' });
    expect(state.leads['c-1']).toMatchObject({ id: 'l-1', status: 'active' });

    await session.setRunning('c-1', false);
    expect(w.asked.at(-1)).toEqual({ type: 'campaign.lead.setRunning', campaignId: 'c-1', leadId: 'l-1', running: false });
    expect(session.store.getState().leads['c-1']?.status).toBe('paused');
    // The campaign itself is left as it was: other leads keep their sequence.
    expect(session.store.getState().campaigns['c-1']?.status).toBe('active');
    await session.setRunning('c-1', true);
    expect(session.store.getState().leads['c-1']?.status).toBe('active');
  });
});
