/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { getWorkspace } from '../../src/modules/auth/service';
import { countMembers } from '../../src/modules/admin/service';
import { countMailboxes } from '../../src/modules/mailboxes/service';
import { countSuppressions } from '../../src/modules/suppressions/service';
import { countCampaigns } from '../../src/modules/campaigns/service';
import { countFailedUnretried } from '../../src/modules/emails/service';
import { dailyTimeline, repliesWaiting, rolledUpCounts, type WeekCounts } from '../../src/modules/dashboard/queries';
import { TimelineChart } from '../bar-chart';
import { consoleApp, render, viewerOf } from '../render';

const WEEK_MS = 7 * 24 * 3600_000;

export const homeRoutes = consoleApp().get('/', async (c) => {
  const { db } = c.get('deps');
  const { workspaceId, userId } = c.get('session');
  return render(c, 'Home', <OverviewPage {...await loadOverview(db, workspaceId, userId, viewerOf(c).tz)} />);
});

export async function loadOverview(db: Db, workspaceId: string, userId: string, tz: string) {
  const until = new Date();
  const since = new Date(until.getTime() - WEEK_MS);
  const [workspace, members, mailboxes, suppressions, campaigns, team, mine, timeline, waiting, myWaiting, failed] = await Promise.all([
    getWorkspace(db, workspaceId),
    countMembers(db, workspaceId),
    countMailboxes(db, workspaceId),
    countSuppressions(db, workspaceId),
    countCampaigns(db, workspaceId),
    // Counts only (no distinct-email rates): both read the trigger-kept rollups, a few hundred rows each.
    rolledUpCounts(db, workspaceId, since, until),
    rolledUpCounts(db, workspaceId, since, until, userId),
    dailyTimeline(db, workspaceId, 7, tz),
    repliesWaiting(db, workspaceId, since),
    repliesWaiting(db, workspaceId, since, userId),
    countFailedUnretried(db, workspaceId, since),
  ]);
  return {
    workspace: { name: workspace.name, gmailMode: workspace.gmailMode },
    counts: { members, mailboxes, suppressions, campaigns },
    team,
    mine,
    timeline,
    waiting,
    myWaiting,
    failed,
  };
}

type Overview = Awaited<ReturnType<typeof loadOverview>>;

const SERIES = [
  { key: 'sent', color: '#4c6ef5', label: 'Sent' },
  { key: 'humanOpens', color: '#12b886', label: 'Opened (people)' },
  { key: 'replies', color: '#7048e8', label: 'Replies' },
  { key: 'bounces', color: '#e03131', label: 'Bounces' },
];

export const OverviewPage: FC<Overview> = ({ workspace, counts, team, mine, timeline, waiting, myWaiting, failed }) => (
  <>
    <p>
      Workspace <strong>{workspace.name}</strong> · Gmail {workspace.gmailMode === 'full' ? 'full mode (Lumina reads replies from the inbox)' : 'light mode (the extension reports replies)'}
    </p>
    {(failed > 0 || waiting > 0) && (
      <div class="cards">
        {waiting > 0 && (
          <div class="card" data-figure="replies-waiting">
            <b>{waiting}</b>replies waiting for an answer{myWaiting ? ` (${myWaiting} to your mail)` : ''}
          </div>
        )}
        {failed > 0 && (
          <a class="card" href="/console/failed" data-figure="failed">
            <b>{failed}</b>
            {failed === 1 ? 'failed send needs' : 'failed sends need'} attention →
          </a>
        )}
      </div>
    )}
    <h2>The last 7 days</h2>
    <table class="rows" aria-label="This week's figures">
      <thead>
        <tr>
          <th></th>
          <th>Sent</th>
          <th>Opened by people</th>
          <th>Replies</th>
          <th>Bounces</th>
        </tr>
      </thead>
      <tbody>
        <FigureRow label="You" f={mine} />
        <FigureRow label="Whole workspace" f={team} />
      </tbody>
    </table>
    <p class="muted small">Opens by mail scanners and image proxies are not counted as people.</p>
    <TimelineChart title="Workspace, day by day" points={timeline} series={SERIES} />
    {team.sent === 0 && (
      <p class="panel">
        Nothing sent this week yet. Reps send from Gmail with the Lumina extension; <a href="/console/prospects">add prospects</a> or <a href="/console/templates">write a template</a> to get started.
      </p>
    )}
    <h2>Workspace</h2>
    <div class="cards">
      <a class="card" href="/console/members">
        <b>{counts.members}</b>members
      </a>
      <a class="card" href="/console/mailboxes">
        <b>{counts.mailboxes}</b>mailboxes
      </a>
      <a class="card" href="/console/suppressions">
        <b>{counts.suppressions}</b>suppressed
      </a>
      <a class="card" href="/console/campaigns">
        <b>{counts.campaigns}</b>campaigns
      </a>
    </div>
  </>
);

const FigureRow: FC<{ label: string; f: WeekCounts }> = ({ label, f }) => (
  <tr data-figures={label}>
    <th scope="row">{label}</th>
    <td data-label="Sent">{f.sent}</td>
    <td data-label="Opened by people">{f.humanOpens}</td>
    <td data-label="Replies">{f.replies}</td>
    <td data-label="Bounces">{f.bounces}</td>
  </tr>
);
