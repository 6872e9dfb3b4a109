import type { z } from 'zod';
import type { RuntimeResult } from '../../shared/messages';
import type { Email } from '../../shared/contracts/emails';
import type { Mailbox } from '../../shared/contracts/mailboxes';
import type { campaignFiguresSchema, timelineResponse } from '../../shared/contracts/dashboard';
import { describeError } from '../state/describe-error';

type CampaignFigures = z.infer<typeof campaignFiguresSchema>;
type Page<T> = { data: T[] };

/** Today's sends: the last day of the timeline, which the API cut in the rep's own time zone. */
export function SentToday({ timeline }: { timeline: RuntimeResult<z.infer<typeof timelineResponse>> }) {
  if (!timeline.ok) return <p className="note" data-testid="sent-today">Sent today: {describeError(timeline.error)}</p>;
  const today = timeline.data.days.at(-1);
  return (
    <p className="today" data-testid="sent-today">
      Sent today: <b data-testid="sent-today-count">{today?.sent ?? 0}</b>
    </p>
  );
}

/** What each mailbox may still send in the rolling 24 hours (caps and ramp-up as the scheduler applies them). */
export function Budget({ mailboxes }: { mailboxes: RuntimeResult<Page<Mailbox>> }) {
  return (
    <section data-testid="budget">
      <h2>Sending budget (24 h)</h2>
      {!mailboxes.ok ? (
        <p className="note">{describeError(mailboxes.error)}</p>
      ) : mailboxes.data.data.length === 0 ? (
        <p className="note">No mailbox connected yet.</p>
      ) : (
        <ul>
          {mailboxes.data.data.map((m) => (
            <li key={m.id} data-testid="mailbox-budget" data-remaining={m.remaining}>
              {m.email}: <b>{m.remaining}</b> of {m.effectiveCap} left{m.status !== 'active' ? ` (${m.status})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The latest emails and where each one stands. */
export function RecentActivity({ recent }: { recent: RuntimeResult<Page<Email>> }) {
  return (
    <section data-testid="recent">
      <h2>Recent activity</h2>
      {!recent.ok ? (
        <p className="note">{describeError(recent.error)}</p>
      ) : recent.data.data.length === 0 ? (
        <p className="note">Nothing sent yet.</p>
      ) : (
        <ul>
          {recent.data.data.map((e) => (
            <li key={e.id} data-testid="recent-email">
              {e.to} · {e.subject} · <span className="meta">{e.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Running sequences with their leads and reply rate. */
export function ActiveCampaigns({ campaigns }: { campaigns: RuntimeResult<Page<CampaignFigures>> }) {
  const active = campaigns.ok ? campaigns.data.data.filter((c) => c.status === 'active') : [];
  return (
    <section data-testid="campaigns">
      <h2>Active campaigns</h2>
      {!campaigns.ok ? (
        <p className="note">{describeError(campaigns.error)}</p>
      ) : active.length === 0 ? (
        <p className="note">No campaign running.</p>
      ) : (
        <ul>
          {active.map((c) => (
            <li key={c.id} data-testid="campaign">
              {c.name}: {Object.values(c.leads).reduce((a, b) => a + b, 0)} leads, {c.figures.sent} sent, {Math.round(c.figures.replyRate * 1000) / 10}% replied
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
