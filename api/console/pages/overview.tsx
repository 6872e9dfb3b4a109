/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { getWorkspace } from '../../src/modules/auth/service';
import { countMembers } from '../../src/modules/admin/service';
import { countMailboxes } from '../../src/modules/mailboxes/service';
import { countSuppressions } from '../../src/modules/suppressions/service';
import { countCampaigns } from '../../src/modules/campaigns/service';

export async function loadOverview(db: Db, workspaceId: string) {
  const [workspace, members, mailboxes, suppressions, campaigns] = await Promise.all([
    getWorkspace(db, workspaceId),
    countMembers(db, workspaceId),
    countMailboxes(db, workspaceId),
    countSuppressions(db, workspaceId),
    countCampaigns(db, workspaceId),
  ]);
  return { workspace: { name: workspace.name, gmailMode: workspace.gmailMode }, counts: { members, mailboxes, suppressions, campaigns } };
}

type Overview = Awaited<ReturnType<typeof loadOverview>>;

export const OverviewPage: FC<Overview> = ({ workspace, counts }) => (
  <>
    <p>
      Workspace <strong>{workspace.name}</strong> · Gmail mode {workspace.gmailMode}
    </p>
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
