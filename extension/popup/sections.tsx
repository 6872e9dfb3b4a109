import type { z } from 'zod';
import type { RuntimeResult } from '../../shared/messages';
import type { Email } from '../../shared/contracts/emails';
import type { Mailbox } from '../../shared/contracts/mailboxes';
import type { campaignFiguresSchema, momentumResponse, timelineResponse } from '../../shared/contracts/dashboard';
import type { EmailTimelineResponse } from '../../shared/contracts/events';
import { gmailLink, latestState } from './latest-state';
import type { ReplyItem } from '../../shared/contracts/replies';
import { MEANING_WORDS, repliesWaiting } from './replies-waiting';
import { when } from '../ui/send-words';
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

/**
 * What each mailbox may still send in the rolling 24 hours (caps and ramp-up as the scheduler
 * applies them), near the top where a rep looks before sending more: the words, and a meter
 * whose two colours tell Lumina's sends from the rep's own in Gmail.
 */
export function Budget({ mailboxes }: { mailboxes: RuntimeResult<Page<Mailbox>> }) {
  return (
    <section data-testid="budget" className="budget">
      <h2>Sending budget, last 24 h</h2>
      {!mailboxes.ok ? (
        <p className="note">{describeError(mailboxes.error)}</p>
      ) : mailboxes.data.data.length === 0 ? (
        <p className="note">No mailbox connected yet.</p>
      ) : (
        <ul className="rows">
          {mailboxes.data.data.map((m) => (
            <li key={m.id} data-testid="mailbox-budget" data-remaining={m.remaining} data-lumina={m.usedByLumina} data-gmail={m.usedFromGmail}>
              <span className="row-main">
                <b>{m.email}</b>
                {m.status !== 'active' ? <span className="meta"> ({m.status.replace(/_/g, ' ')})</span> : null}
              </span>
              <BudgetMeter m={m} />
              {/* Reads as budgetWords(m); each part keeps to one line, its swatch the meter's colour. */}
              <span className="meta" data-testid="budget-words" aria-label={budgetWords(m)}>
                <span className="part"><i className="swatch by-lumina" />{m.usedByLumina} sent by Lumina</span> ·{' '}
                <span className="part"><i className="swatch from-gmail" />{m.usedFromGmail} from Gmail</span> ·{' '}
                <span className="part"><b>{m.remaining} left</b> of {m.effectiveCap}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function BudgetMeter({ m }: { m: Pick<Mailbox, 'usedByLumina' | 'usedFromGmail' | 'effectiveCap'> }) {
  const cap = Math.max(1, m.effectiveCap, m.usedByLumina + m.usedFromGmail);
  const share = (n: number) => `${Math.round((n / cap) * 1000) / 10}%`;
  return (
    <span className="meter" aria-hidden="true">
      <i className="by-lumina" style={{ width: share(m.usedByLumina) }} />
      <i className="from-gmail" style={{ width: share(m.usedFromGmail) }} />
    </span>
  );
}

/** "38 sent by Lumina · 7 from Gmail · 5 left of 50": who spent the rolling day, and what is left. */
export function budgetWords(m: Pick<Mailbox, 'usedByLumina' | 'usedFromGmail' | 'remaining' | 'effectiveCap'>): string {
  return `${m.usedByLumina} sent by Lumina · ${m.usedFromGmail} from Gmail · ${m.remaining} left of ${m.effectiveCap}`;
}

/** The latest emails (the rep's own under Mine, the team's under Team) and where each one really stands; a click opens the thread in Gmail. */
export function RecentActivity({ recent }: { recent: RuntimeResult<Page<Email & { figures?: EmailTimelineResponse['figures'] }>> }) {
  return (
    <section data-testid="recent">
      <h2>Recent activity</h2>
      {!recent.ok ? (
        <p className="note">{describeError(recent.error)}</p>
      ) : recent.data.data.length === 0 ? (
        <p className="note">Nothing sent yet.</p>
      ) : (
        <ul className="rows">
          {recent.data.data.map((e) => {
            const state = latestState(e);
            return (
              <li key={e.id}>
                <a data-testid="recent-email" data-state={state.label} href={gmailLink(e)} target="_blank" rel="noreferrer" title="Open in Gmail">
                  <span className="row-main"><b>{e.to}</b> <span className="meta">{e.subject}</span></span>
                  <span className={`pill tone-${state.tone}`}>{state.label}</span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * Replies waiting for the rep (Mine) or the team (Team): what people wrote back, newest first,
 * with who, what it means and when; a click opens the thread in Gmail. The API keeps no
 * "answered" mark, so "waiting" is the recent replies a person wrote (not auto-replies or bounces).
 */
export function RepliesWaiting({ replies, scope, admin }: { replies: RuntimeResult<Page<ReplyItem>>; scope: 'me' | 'workspace'; admin: boolean }) {
  const waiting = replies.ok ? repliesWaiting(replies.data.data) : [];
  return (
    <section data-testid="replies-waiting" data-count={waiting.length}>
      <h2>Replies waiting {replies.ok && <span className="count">{waiting.length}</span>}</h2>
      {!replies.ok ? (
        <p className="note">{describeError(replies.error)}</p>
      ) : waiting.length === 0 ? (
        <p className="note">{scope === 'me' ? 'No one has replied to your emails lately.' : 'No one has replied to the team lately.'}</p>
      ) : (
        <ul className="rows">
          {waiting.slice(0, 3).map((r) => (
            <li key={r.id}>
              <a data-testid="reply-waiting" data-meaning={r.meaning} href={gmailLink(r.email)} target="_blank" rel="noreferrer" title={`${r.snippet ?? r.subject ?? ""} — open the thread in Gmail`}>
                <span className="row-main"><b>{r.from ?? r.email.to}</b> <span className="meta">{when(Date.parse(r.receivedAt))} · {r.snippet ?? r.subject ?? r.email.subject}</span></span>
                <span className="pill tone-replied">{MEANING_WORDS[r.meaning]}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {replies.ok && waiting.length > 0 && <p className="meta">People who wrote back lately; auto-replies and bounces are left out.</p>}
      {/* The API shows a member only the replies to their own sends, Team or not: say so rather than pass them off as the team's. */}
      {replies.ok && scope === 'workspace' && !admin && <p className="meta" data-testid="replies-own-only">Only replies to your own emails: the team’s are for admins.</p>}
    </section>
  );
}

type Momentum = z.infer<typeof momentumResponse>;

/** This week against the week before, for the figures a rep steers by. */
export function MomentumSection({ momentum }: { momentum: RuntimeResult<Momentum> }) {
  if (!momentum.ok) return <section data-testid="momentum"><h2>This week</h2><p className="note">{describeError(momentum.error)}</p></section>;
  const { current, previous } = momentum.data;
  const rows: Array<[keyof Momentum['current'], string]> = [['sent', 'Sent'], ['humanOpens', 'Opened (people)'], ['replies', 'Replies']];
  return (
    <section data-testid="momentum">
      <h2>This week vs last</h2>
      <dl className="momentum">
        {rows.map(([k, name]) => {
          const now = Number(current[k]) || 0;
          const before = Number(previous[k]) || 0;
          const diff = now - before;
          return (
            <div key={k} data-momentum={k}>
              <dt>{name}</dt>
              <dd>
                {now} <span className={`delta ${diff > 0 ? 'up' : diff < 0 ? 'down' : ''}`}>{diff === 0 ? '= last week' : `${diff > 0 ? '▲' : '▼'} ${Math.abs(diff)} vs ${before}`}</span>
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

/** People engaging now without having replied: who to follow up with first. */
export function HotLeads({ momentum }: { momentum: RuntimeResult<Momentum> }) {
  if (!momentum.ok) return null;
  const leads = momentum.data.hotLeads.slice(0, 5);
  return (
    <section data-testid="hot-leads">
      <h2>Follow up first</h2>
      {leads.length === 0 ? (
        <p className="note">No one is opening without replying this week.</p>
      ) : (
        <ul className="rows">
          {leads.map((l) => (
            <li key={l.emailId}>
              <a data-testid="hot-lead" href={gmailLink({ threadId: null, to: l.to })} target="_blank" rel="noreferrer" title="Open in Gmail">
                <span className="row-main"><b>{l.to}</b> <span className="meta">{l.subject}</span></span>
                <span className="pill tone-warm">{l.humanOpens} open{l.humanOpens === 1 ? '' : 's'}{l.humanClicks ? `, ${l.humanClicks} click${l.humanClicks === 1 ? '' : 's'}` : ''} · {when(Date.parse(l.lastActivityAt))}</span>
              </a>
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
