/** @jsxImportSource hono/jsx */
import { desc, eq, sql } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { campaignLeads, campaigns, sequenceSteps } from '../../../db/schema';
import { Empty, When } from '../layout';

export async function loadCampaigns(db: Db, workspaceId: string) {
  const steps = sql<number>`(select count(*) from ${sequenceSteps} where ${sequenceSteps.campaignId} = ${campaigns.id})`.mapWith(Number);
  const leadCount = (status?: string) =>
    sql<number>`(select count(*) from ${campaignLeads} where ${campaignLeads.campaignId} = ${campaigns.id}${status ? sql` and ${campaignLeads.status} = ${status}` : sql``})`.mapWith(Number);
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      status: campaigns.status,
      updatedAt: campaigns.updatedAt,
      steps,
      leads: leadCount(),
      replied: leadCount('replied'),
      completed: leadCount('completed'),
    })
    .from(campaigns)
    .where(eq(campaigns.workspaceId, workspaceId))
    .orderBy(desc(campaigns.updatedAt));
}

type Row = Awaited<ReturnType<typeof loadCampaigns>>[number];

export const CampaignsPage: FC<{ rows: Row[] }> = ({ rows }) => (
  <table>
    <thead>
      <tr>
        <th>Campaign</th>
        <th>Status</th>
        <th>Steps</th>
        <th>Leads</th>
        <th>Replied</th>
        <th>Finished</th>
        <th>Updated</th>
      </tr>
    </thead>
    <tbody>
      {rows.length === 0 && <Empty cols={7}>No campaigns yet.</Empty>}
      {rows.map((r) => (
        <tr data-campaign={r.name}>
          <td>{r.name}</td>
          <td>{r.status}</td>
          <td>{r.steps}</td>
          <td>{r.leads}</td>
          <td>{r.replied}</td>
          <td>{r.completed}</td>
          <td>
            <When at={r.updatedAt} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
