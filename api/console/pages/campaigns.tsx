/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Db } from '../../../db/client';
import { leadCountsOf, listCampaigns } from '../../src/modules/campaigns/service';
import type { PageQuery } from '../../src/lib/pagination';
import { Empty, When } from '../layout';

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
