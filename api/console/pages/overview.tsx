/** @jsxImportSource hono/jsx */
import { count, eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { campaigns, mailboxes, memberships, suppressions, workspaces } from '../../../db/schema';

export async function loadOverview(db: Db, workspaceId: string) {
  const n = async (table: typeof memberships | typeof mailboxes | typeof suppressions | typeof campaigns) =>
    (await db.select({ n: count() }).from(table).where(eq(table.workspaceId, workspaceId)))[0]?.n ?? 0;
  const [[ws], members, boxes, suppressed, camps] = await Promise.all([
    db.select({ name: workspaces.name, gmailMode: workspaces.gmailMode }).from(workspaces).where(eq(workspaces.id, workspaceId)),
    n(memberships),
    n(mailboxes),
    n(suppressions),
    n(campaigns),
  ]);
  return { workspace: ws!, counts: { members, mailboxes: boxes, suppressions: suppressed, campaigns: camps } };
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
