import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../test/harness';
import { suppressions, workspaces } from '../../../db/schema';
import { rowsOf } from '../../../db/prepared';
import { listPage, pageable, paginated } from './pagination';

let rt: TestRuntime;
let mine: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  mine = await workspaceWithFive();
});
afterAll(() => rt?.close());

/** Five suppressed addresses in one workspace, a sixth in another that must never count. */
async function workspaceWithFive() {
  const mine = await signIn(rt.app, 'owner@pages.test');
  const other = await signIn(rt.app, 'owner@pages-other.test');
  const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i));
  await rt.deps.db.insert(suppressions).values([
    ...[1, 2, 3, 4, 5].map((i) => ({ workspaceId: mine.workspace.id, email: `p${i}@client.test`, reason: 'manual' as const, createdAt: at(i) })),
    { workspaceId: other.workspace.id, email: 'elsewhere@client.test', reason: 'manual' as const },
  ]);
  return mine;
}

describe('listPage', () => {
  const pageOf = (workspaceId: string, page: number, limit: number) => {
    const where = eq(suppressions.workspaceId, workspaceId);
    return listPage(rt.deps.db, { page, limit }, { rows: rt.deps.db.select().from(suppressions).where(where).orderBy(desc(suppressions.createdAt)), from: suppressions, where });
  };

  it('reads a page and the total of the whole list, not of the page', async () => {
    const first = await pageOf(mine.workspace.id, 1, 2);
    expect(first.rows.map((r) => r.email)).toEqual(['p5@client.test', 'p4@client.test']);
    expect(first.total).toBe(5);

    const last = await pageOf(mine.workspace.id, 3, 2);
    expect(last.rows.map((r) => r.email)).toEqual(['p1@client.test']);
    expect(paginated(last.rows, last.total, 3, 2).pagination).toEqual({ page: 3, limit: 2, total: 5, totalPages: 3 });

    const past = await pageOf(mine.workspace.id, 4, 2);
    expect(past.rows).toEqual([]);
    expect(paginated(past.rows, past.total, 4, 2).pagination).toEqual({ page: 4, limit: 2, total: 5, totalPages: 3 });

    const exact = await pageOf(mine.workspace.id, 1, 5);
    expect(paginated(exact.rows, exact.total, 1, 5).pagination.totalPages).toBe(1);
  });

  it('gives an empty list one empty page', async () => {
    const empty = await signIn(rt.app, 'owner@pages-empty.test');
    const page = await pageOf(empty.workspace.id, 1, 50);
    expect(page).toEqual({ rows: [], total: 0 });
    expect(paginated(page.rows, page.total, 1, 50).pagination).toEqual({ page: 1, limit: 50, total: 0, totalPages: 1 });
  });

  it('answers the HTTP list envelope with the same figures', async () => {
    const get = async (query: string) => (await rt.app.request(`/api/suppressions?${query}`, { headers: { authorization: `Bearer ${mine.token}` } })).json();
    const last = await get('page=3&limit=2');
    expect(last.data.map((s: { email: string }) => s.email)).toEqual(['p1@client.test']);
    expect(last.pagination).toEqual({ page: 3, limit: 2, total: 5, totalPages: 3 });
    const past = await get('page=9&limit=2');
    expect(past).toEqual({ data: [], pagination: { page: 9, limit: 2, total: 5, totalPages: 3 } });
  });

  it('counts with a count query of its own, and pages a hand-written statement', async () => {
    const { db } = rt.deps;
    const where = eq(suppressions.workspaceId, mine.workspace.id);
    // A total over a join (here a filter on the workspace's name) instead of one table.
    const joined = await listPage(db, { page: 2, limit: 2 }, {
      rows: db.select({ email: suppressions.email }).from(suppressions).where(where).orderBy(desc(suppressions.createdAt)),
      count: db.select({ n: count() }).from(suppressions).innerJoin(workspaces, eq(workspaces.id, suppressions.workspaceId)).where(and(where, eq(workspaces.id, mine.workspace.id))),
    });
    expect(joined).toEqual({ rows: [{ email: 'p3@client.test' }, { email: 'p2@client.test' }], total: 5 });
    // Raw SQL is handed the limit and offset of the asked page.
    const raw = await listPage(db, { page: 3, limit: 2 }, {
      rows: pageable((limit, offset) => db.execute(sql`select email from suppressions where workspace_id = ${mine.workspace.id} order by created_at desc limit ${limit} offset ${offset}`).then((r) => rowsOf<{ email: string }>(r))),
      from: suppressions,
      where,
    });
    expect(raw).toEqual({ rows: [{ email: 'p1@client.test' }], total: 5 });
  });
});
