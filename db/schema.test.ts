import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from './client';
import { campaignLeads, campaigns, emails, prospects, sendJobs, workspaces } from './schema';
import { rowsOf } from './prepared';

/** The tables DESIGN.md §5 promises, by their SQL names: later work only adds columns to them. */
const DESIGN_TABLES = [
  'workspaces', 'users', 'memberships', 'sessions', 'mailboxes', 'prospects', 'templates', 'drafts', 'emails',
  'email_events', 'campaigns', 'sequence_steps', 'campaign_leads', 'send_jobs', 'suppressions', 'audit_events', 'ai_feedback',
];

let handle: DbHandle;
beforeAll(async () => {
  handle = await openDb({ dataDir: 'memory://' });
}, 120_000);
afterAll(() => handle?.close());

describe('the migrated schema', () => {
  it('has every table of the design', async () => {
    const rows = rowsOf<{ name: string }>(await handle.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public'`));
    const present = new Set(rows.map((r) => r.name));
    expect(DESIGN_TABLES.filter((t) => !present.has(t))).toEqual([]);
  });

  it('refuses the duplicates the design rules out, and only within one workspace', async () => {
    const { db } = handle;
    const [a, b] = await db.insert(workspaces).values([{ name: 'A' }, { name: 'B' }]).returning();
    const ws = a!.id;

    await db.insert(prospects).values({ workspaceId: ws, email: 'lee@client.test' });
    expect(await violation(db.insert(prospects).values({ workspaceId: ws, email: 'lee@client.test' }))).toBe('prospects_ws_email_uq');
    await db.insert(prospects).values({ workspaceId: b!.id, email: 'lee@client.test' });

    const email = (key: string, workspaceId = ws) => ({ workspaceId, idempotencyKey: key, requestHash: 'h', to: 'lee@client.test', subject: 's', bodyHtml: 'b', messageId: `<${crypto.randomUUID()}@lumina.test>` });
    const [sent] = await db.insert(emails).values(email('k1')).returning();
    expect(await violation(db.insert(emails).values(email('k1')))).toBe('emails_ws_idem_uq');
    const [elsewhere] = await db.insert(emails).values(email('k1', b!.id)).returning();

    await db.insert(sendJobs).values({ workspaceId: ws, emailId: sent!.id, idempotencyKey: 'k1' });
    const [second] = await db.insert(emails).values(email('k2')).returning();
    expect(await violation(db.insert(sendJobs).values({ workspaceId: ws, emailId: second!.id, idempotencyKey: 'k1' }))).toBe('send_jobs_ws_idem_uq');
    await db.insert(sendJobs).values({ workspaceId: b!.id, emailId: elsewhere!.id, idempotencyKey: 'k1' });

    const [campaign] = await db.insert(campaigns).values({ workspaceId: ws, name: 'Q4' }).returning();
    const [lead] = await db.insert(prospects).values({ workspaceId: ws, email: 'ada@client.test' }).returning();
    await db.insert(campaignLeads).values({ workspaceId: ws, campaignId: campaign!.id, prospectId: lead!.id });
    expect(await violation(db.insert(campaignLeads).values({ workspaceId: ws, campaignId: campaign!.id, prospectId: lead!.id }))).toBe('campaign_leads_campaign_prospect_uq');
  });

  it('deleting a workspace takes its rows with it', async () => {
    const { db } = handle;
    const [ws] = await db.insert(workspaces).values({ name: 'Gone' }).returning();
    await db.insert(prospects).values({ workspaceId: ws!.id, email: 'x@gone.test' });
    await db.execute(sql`delete from workspaces where id = ${ws!.id}`);
    const left = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from prospects where workspace_id = ${ws!.id}`));
    expect(left[0]!.n).toBe(0);
  });
});

/** The name of the unique constraint a write broke (postgres.js and PGlite both report it). */
async function violation(write: PromiseLike<unknown>): Promise<string | undefined> {
  try {
    await write;
    return undefined;
  } catch (err) {
    const pg = ((err as { cause?: unknown }).cause ?? err) as { code?: string; constraint?: string; message?: string };
    expect(pg.code).toBe('23505');
    return pg.constraint ?? /"([^"]+)"/.exec(pg.message ?? '')?.[1];
  }
}
