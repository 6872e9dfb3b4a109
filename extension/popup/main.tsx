import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { RuntimeAnswers } from '../../shared/messages';
import type { Figures } from '../../shared/contracts/dashboard';
import type { StoredSession, HostStatus } from '../state/session';
import { ask } from '../state/runtime';
import { browser } from '../browser';
import { describeError } from '../state/describe-error';
import { TimelineChart } from './timeline-chart';
import { ActiveCampaigns, Budget, HotLeads, MomentumSection, RecentActivity, RepliesWaiting, SentToday } from './sections';
import '../ui/page.css';

interface SessionInfo { apiUrl: string; session: StoredSession | null; host: HostStatus | null }
type Dashboard = RuntimeAnswers['dashboard.get'];

/** The headline figures, in the order a rep reads them. */
const HEADLINE: Array<[keyof Figures, string]> = [
  ['sent', 'Sent'],
  ['humanOpens', 'Human opens'],
  ['replies', 'Replies'],
  ['replyRate', 'Reply rate'],
  ['openRate', 'Open rate'],
  ['humanClicks', 'Human clicks'],
  ['opens', 'All opens (incl. machines)'],
  ['bounces', 'Bounces'],
];

/** The popup dashboard: the API's own figures, or plainly why there are none. */
function Popup() {
  const [info, setInfo] = useState<SessionInfo>();
  const [days, setDays] = useState<7 | 30>(7);
  // A rep's own sends by default: a rep who sent nothing should not read the team's numbers as theirs.
  const [scope, setScope] = useState<'me' | 'workspace'>('me');
  const [dash, setDash] = useState<Dashboard | { error: string }>();
  useEffect(() => void ask({ type: 'session.get' }).then((r) => r.ok && setInfo(r.data)), []);
  useEffect(() => {
    if (!info?.session) return;
    setDash(undefined);
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    void ask({ type: 'dashboard.get', days, scope, ...(tz ? { tz } : {}) }).then((r) => setDash(r.ok ? r.data : { error: describeError(r.error) }));
  }, [info, days, scope]);

  if (!info) return <main><p>Loading…</p></main>;
  return (
    <main className="popup">
      <h1>Lumina</h1>
      {info.host?.host === 'dom' && <p className="degraded" data-testid="degraded">Running degraded: InboxSDK did not load in Gmail ({info.host.reason}). The floating Glow panel still works.</p>}
      {!info.session ? (
        <p data-testid="signed-out">Sign in from the <a href="options.html" onClick={(e) => { e.preventDefault(); void browser.runtime.openOptionsPage(); }}>options page</a> to see your dashboard.</p>
      ) : (
        <>
          <p className="meta" data-testid="who">{info.session.user.email} · {scope === 'me' ? 'figures for the emails you sent' : `figures for the whole ${info.session.workspace.name} workspace`}</p>
          <div className="tabs">
            <span role="group" aria-label="Period">
              {([7, 30] as const).map((d) => <button key={d} className={d === days ? 'on' : ''} aria-pressed={d === days} onClick={() => setDays(d)}>{d} days</button>)}
            </span>
            <span role="group" aria-label="Whose figures">
              {(['me', 'workspace'] as const).map((s) => (
                <button key={s} data-scope={s} className={s === scope ? 'on' : ''} aria-pressed={s === scope} onClick={() => setScope(s)}>{s === 'me' ? 'Mine' : 'Team'}</button>
              ))}
            </span>
          </div>
          {!dash && <p data-testid="loading">Loading…</p>}
          {dash && 'error' in dash && <p className="error" data-testid="dashboard-error">{dash.error}</p>}
          {dash && 'stats' in dash && <Figures dash={dash} scope={scope} admin={info.session.workspace.role === 'admin'} />}
        </>
      )}
    </main>
  );
}

function Figures({ dash, scope, admin }: { dash: Dashboard; scope: 'me' | 'workspace'; admin: boolean }) {
  const stats = dash.stats;
  const timeline = dash.timeline;
  return (
    <>
      <SentToday timeline={timeline} />
      {/* Before sending more, a rep checks what is left: the budget sits at the top, not below the charts. */}
      <Budget mailboxes={dash.mailboxes} />
      {/* What to do next first: who to follow up, what just happened; then the numbers. */}
      <RepliesWaiting replies={dash.replies} scope={scope} admin={admin} />
      <HotLeads momentum={dash.momentum} />
      <RecentActivity recent={dash.recent} />
      <MomentumSection momentum={dash.momentum} />
      <section data-testid="stats">
        {stats.ok ? (
          <dl>{HEADLINE.map(([k, name]) => <div key={k} data-stat={k}><dt>{name}</dt><dd>{formatValue(k, stats.data.figures[k])}</dd></div>)}</dl>
        ) : (
          <p className="note" data-testid="stats-unavailable">Figures: {describeError(stats.error)}</p>
        )}
      </section>
      <section data-testid="timeline">
        {timeline.ok ? <TimelineChart points={timeline.data.days} /> : <p className="note">Timeline: {describeError(timeline.error)}</p>}
      </section>
      <ActiveCampaigns campaigns={dash.campaigns} />
    </>
  );
}

function formatValue(key: keyof Figures, v: number) {
  return key.endsWith('Rate') ? `${Math.round(v * 1000) / 10}%` : String(v);
}

createRoot(document.getElementById('root')!).render(<Popup />);
