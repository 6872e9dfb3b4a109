import { useStore } from 'zustand';
import type { Campaign, Lead } from '../../shared/contracts/campaigns';
import type { Prospect } from '../../shared/contracts/prospects';
import type { ThreadHandle } from '../content/host';
import type { ThreadSession, TrackedEmail } from '../content/thread-session';
import { sendWords } from './send-words';

/** An event in words (the API's event types are codes). */
const EVENT_WORDS: Record<string, string> = {
  sent: 'Sent', open: 'Opened', click: 'Clicked', reply: 'Replied', auto_reply: 'Automatic reply',
  bounce: 'Bounced', complaint: 'Marked as spam', unsubscribe: 'Unsubscribed',
};
/** Why an open or click was a machine's, in words. */
const MACHINE_WORDS: Record<string, string> = {
  self_view: 'your own view', gmail_proxy_prefetch: 'Gmail’s image proxy', apple_mpp: 'Apple Mail Privacy Protection',
  scanner_agent: 'a security scanner', head_request: 'a link checker', click_at_delivery: 'a scanner at delivery',
  all_links_burst: 'a scanner clicking every link', not_sent: 'before the email was sent',
};
/** A lead's or sequence's status in words. */
const STATUS_WORDS: Record<string, string> = { pending: 'waiting to start', active: 'running', paused: 'paused', completed: 'finished', replied: 'replied', bounced: 'bounced', unsubscribed: 'unsubscribed', draft: 'draft', archived: 'archived' };
const words = (status: string) => STATUS_WORDS[status] ?? status.replace(/_/g, ' ');

/** Every Lumina email in the open thread with its opens (human vs machine), clicks and replies. */
export function TrackingSidebar({ thread, session }: { thread: ThreadHandle; session: ThreadSession }) {
  const s = useStore(session.store);
  return (
    <section className="panel sidebar" data-testid="tracking-sidebar" data-phase={s.phase} data-reported={Object.entries(s.reported).map(([k, n]) => `${k}:${n}`).join(',')}>
      <h3>Lumina tracking</h3>
      <p className="meta">{thread.subject}</p>
      {s.note && <p className="note">{s.note}</p>}
      {s.phase === 'loading' && <p>Loading…</p>}
      {s.phase === 'ready' && s.emails.length === 0 && <p>No Lumina email in this thread.</p>}
      {s.prospect !== undefined && <ProspectCard prospect={s.prospect} email={s.emails[0]?.to} />}
      {Object.values(s.campaigns).map((c) => <SequenceState key={c.id} campaign={c} lead={s.leads[c.id]} onRunning={(running) => void session.setRunning(c.id, running)} />)}
      {s.emails.map((e) => <TrackedEmailCard key={e.id} email={e} />)}
      <button onClick={() => void session.refresh()} disabled={s.phase === 'loading'}>Refresh</button>
    </section>
  );
}

function ProspectCard({ prospect: p, email }: { prospect: Prospect | null; email?: string }) {
  if (!p) return <p className="card" data-testid="prospect-card">{email}: no prospect record yet.</p>;
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
  return (
    <div className="card" data-testid="prospect-card">
      <b>{name || p.email}</b>
      {name && <> · {p.email}</>}
      {(p.title || p.company) && <p className="meta">{[p.title, p.company].filter(Boolean).join(' at ')}</p>}
    </div>
  );
}

/** The sequence behind the thread and this prospect's place in it; Pause/Resume act on this lead only. */
function SequenceState({ campaign: c, lead, onRunning }: { campaign: Campaign; lead?: Lead | null; onRunning(running: boolean): void }) {
  const running = lead?.status === 'active' || lead?.status === 'pending';
  return (
    <div className="card" data-testid="sequence-state" data-status={c.status} data-lead-status={lead?.status ?? 'none'}>
      Sequence <b>{c.name}</b>: {words(c.status)} · {c.steps.length} steps
      {lead && (
        <p className="meta" data-testid="lead-state">
          This lead: {words(lead.status)} · step {Math.min(lead.currentStep + 1, c.steps.length)} of {c.steps.length}
          {lead.nextDueAt && running && <> · next {new Date(lead.nextDueAt).toLocaleString()}</>}
        </p>
      )}
      {c.status === 'paused' && <p className="meta">The whole sequence is paused (from the admin console).</p>}
      {running && <button onClick={() => onRunning(false)}>Pause this lead</button>}
      {lead?.status === 'paused' && <button onClick={() => onRunning(true)}>Resume this lead</button>}
    </div>
  );
}

function TrackedEmailCard({ email: e }: { email: TrackedEmail }) {
  const count = (type: string, machine?: boolean) => e.events.filter((x) => x.type === type && (machine === undefined || x.machine === machine)).length;
  const when = (iso: string) => new Date(iso).toLocaleString();
  const activity = e.events.filter((x) => x.type !== 'sent');
  return (
    <article data-testid="tracked-email" data-email-id={e.id}>
      <p><b>{e.subject}</b> → {e.to}</p>
      <p><span data-testid="email-status" data-status={e.status}>{sendWords(e).text}</span></p>
      <p data-testid="email-counts">
        Opens: <span data-testid="human-opens">{count('open', false)}</span> human, <span data-testid="machine-opens">{count('open', true)}</span> machine · Clicks:{' '}
        <span data-testid="human-clicks">{count('click', false)}</span> · Replies: <span data-testid="replies">{count('reply')}</span>
      </p>
      {activity.length > 0 && (
        <ol className="events" data-testid="events">
          {activity.map((x) => (
            <li key={x.id} className={x.machine ? 'machine' : 'human'}>
              {EVENT_WORDS[x.type] ?? x.type}{x.machine ? ` (not a person: ${MACHINE_WORDS[String(x.reason)] ?? 'a machine'})` : ''} · {when(x.occurredAt)}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
