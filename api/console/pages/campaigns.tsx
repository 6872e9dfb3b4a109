/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { leadCountsOf, listCampaigns } from '../../src/modules/campaigns/service';
import type { PageQuery } from '../../src/lib/pagination';
import { Empty, When } from '../layout';
import { campaignStatusWords } from '../words';

/** The campaigns list of the API, with how its leads stand. */
export async function loadCampaigns(db: Db, workspaceId: string, page: PageQuery) {
  const { rows, total } = await listCampaigns(db, workspaceId, page);
  const leads = await leadCountsOf(db, workspaceId, rows.map((r) => r.id));
  const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);
  return {
    total,
    rows: rows.map((c) => {
      const counts = leads.get(c.id) ?? {};
      return { ...c, steps: c.steps.length, leads: sum(counts), replied: counts.replied ?? 0, completed: counts.completed ?? 0 };
    }),
  };
}

type Row = Awaited<ReturnType<typeof loadCampaigns>>['rows'][number];

export const CampaignsPage: FC<{ rows: Row[] }> = ({ rows }) => (
  <table class="rows">
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
      {rows.length === 0 && <Empty cols={7}>No campaigns yet — create one through the API (POST /api/campaigns) or add prospects first.</Empty>}
      {rows.map((r) => (
        <tr data-campaign={r.name}>
          <td data-label="Campaign">{r.name}</td>
          <td data-label="Status">{campaignStatusWords(r.status)}</td>
          <td data-label="Steps">{r.steps}</td>
          <td data-label="Leads">{r.leads}</td>
          <td data-label="Replied">{r.replied}</td>
          <td data-label="Finished">{r.completed}</td>
          <td data-label="Updated">
            <When at={r.updatedAt} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
