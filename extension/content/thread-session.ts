import { createStore } from 'zustand/vanilla';
import type { z } from 'zod';
import type { Email } from '../../shared/contracts/emails';
import type { Campaign, Lead } from '../../shared/contracts/campaigns';
import type { Prospect } from '../../shared/contracts/prospects';
import type { emailEventSchema, emailFiguresSchema } from '../../shared/contracts/events';
import type { ObservedReplyRequest } from '../../shared/contracts/tracking';
import type { StoredSession } from '../state/session';
import { describeError } from '../state/describe-error';
import type { Ask } from '../state/runtime';
import type { ThreadHandle, ThreadMessage } from './host';

export interface TrackedEmail extends Email {
  events: Array<z.infer<typeof emailEventSchema>>;
  figures?: z.infer<typeof emailFiguresSchema>;
}

export interface ThreadState {
  phase: 'loading' | 'ready' | 'error';
  emails: TrackedEmail[];
  /** Inbound messages of this thread reported to the API (light mode), by outcome. */
  reported: Record<string, number>;
  /** Who the thread's Lumina emails went to (null: no prospect record). */
  prospect?: Prospect | null;
  /** The sequences those emails belong to, by id. */
  campaigns: Record<string, Campaign>;
  /** This prospect's lead in each of those sequences, by campaign id (null: not a lead there). */
  leads: Record<string, Lead | null>;
  note?: string;
}

export type ThreadSession = ReturnType<typeof startThreadSession>;

/**
 * One open thread: tell the API the rep is looking (their own views never count as
 * opens), report the inbound messages Gmail shows in a tracked thread (light mode reads
 * replies from the page, not from the mailbox), then load every Lumina email of the
 * thread with its events. `refresh()` does it again.
 */
export function startThreadSession(thread: ThreadHandle, ask: Ask) {
  const store = createStore<ThreadState>(() => ({ phase: 'loading', emails: [], reported: {}, campaigns: {}, leads: {} }));
  const refresh = async () => {
    store.setState({ phase: 'loading', note: undefined });
    const [, list] = await Promise.all([
      ask({ type: 'tracking.selfView', threadId: thread.threadId }),
      ask({ type: 'thread.emails', threadId: thread.threadId }),
    ]);
    if (!list.ok) return store.setState({ phase: 'error', note: describeError(list.error) });
    const reported = list.data.data.length ? await reportInbound(thread, ask) : {};
    const [emails, prospect, campaigns, leads] = await Promise.all([
      Promise.all(list.data.data.map((e) => withEvents(e, ask))),
      prospectOf(list.data.data[0], ask),
      campaignsOf(list.data.data, ask),
      leadsOf(list.data.data, ask),
    ]);
    store.setState({ phase: 'ready', emails, reported, prospect, campaigns, leads });
  };
  /**
   * Pause or resume this prospect's lead in the sequence behind the thread — only this
   * person; the campaign and its other leads go on. The sidebar shows the API's answer.
   */
  const setRunning = async (campaignId: string, running: boolean) => {
    const lead = store.getState().leads[campaignId];
    if (!lead) return store.setState({ note: 'This prospect is not a lead of that sequence.' });
    const res = await ask({ type: 'campaign.lead.setRunning', campaignId, leadId: lead.id, running });
    if (!res.ok) return store.setState({ note: describeError(res.error) });
    store.setState((s) => ({ note: undefined, leads: { ...s.leads, [campaignId]: res.data } }));
  };
  void refresh();
  return { store, refresh, setRunning };
}

/**
 * What light mode reports of a thread: every message with a Gmail id that someone other
 * than the rep sent. Messages the host cannot identify are left out (the API dedupes by id).
 */
export function observedRepliesOf(thread: { threadId: string; subject: string }, messages: ThreadMessage[], me: string, now = new Date()): ObservedReplyRequest[] {
  const mine = me.trim().toLowerCase();
  return messages
    .filter((m): m is ThreadMessage & { id: string; from: string } => Boolean(m.id && m.from?.includes('@') && m.from.trim().toLowerCase() !== mine))
    .map((m) => ({
      threadId: thread.threadId,
      messageId: m.id,
      from: m.from.trim(),
      date: m.date ?? now.toISOString(),
      ...(thread.subject ? { subject: thread.subject.slice(0, 998) } : {}),
      snippet: m.text.slice(0, 20_000),
    }));
}

async function reportInbound(thread: ThreadHandle, ask: Ask): Promise<Record<string, number>> {
  const session = await ask({ type: 'session.get' });
  const signedIn = session.ok ? session.data.session : null;
  // Full mode reads replies from the mailbox itself; only light mode needs the page's eyes.
  if (!signedIn || signedIn.workspace.gmailMode !== 'light') return {};
  const me = signedIn.user.email;
  const outcomes: Record<string, number> = {};
  for (const report of observedRepliesOf(thread, await thread.messages(), me)) {
    const res = await ask({ type: 'replies.observed', report });
    const key = res.ok ? res.data.status : res.error.code;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return outcomes;
}

async function prospectOf(email: Email | undefined, ask: Ask): Promise<Prospect | null | undefined> {
  if (!email) return undefined;
  const res = await ask({ type: 'prospect.lookup', email: email.to });
  return res.ok ? res.data.prospect : undefined;
}

async function campaignsOf(emails: Email[], ask: Ask): Promise<Record<string, Campaign>> {
  const ids = new Set(emails.map((e) => e.campaignId).filter((id): id is string => Boolean(id)));
  if (!ids.size) return {};
  const res = await ask({ type: 'campaigns.list' });
  return res.ok ? Object.fromEntries(res.data.data.filter((c) => ids.has(c.id)).map((c) => [c.id, c])) : {};
}

/** The lead behind each sequence email of the thread: its campaign and prospect name it. */
async function leadsOf(emails: Email[], ask: Ask): Promise<Record<string, Lead | null>> {
  const pairs = new Map(emails.filter((e) => e.campaignId && e.prospectId).map((e) => [e.campaignId!, e.prospectId!]));
  const found = await Promise.all(
    [...pairs].map(async ([campaignId, prospectId]) => {
      const res = await ask({ type: 'campaign.lead', campaignId, prospectId });
      return [campaignId, res.ok ? res.data.lead : null] as const;
    }),
  );
  return Object.fromEntries(found);
}

async function withEvents(email: Email, ask: Ask): Promise<TrackedEmail> {
  const res = await ask({ type: 'email.events', emailId: email.id });
  return res.ok ? { ...email, events: res.data.data, figures: res.data.figures } : { ...email, events: [] };
}
