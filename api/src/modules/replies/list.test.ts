import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { campaignLeads, campaigns, prospects } from '../../../../db/schema';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { replyListResponse } from '../../../../shared/contracts/replies';
import { closeEventRecorder } from '../tracking/recorder';
import { ingestInbound } from './ingest';
import { listReplies } from './list';

let rt: TestRuntime;
let admin: Awaited<ReturnType<typeof signIn>>;
let member: Awaited<ReturnType<typeof signIn>>;
let outsider: Awaited<ReturnType<typeof signIn>>;
let campaignId: string;
beforeAll(async () => {
  rt = await createTestRuntime();
  admin = await signIn(rt.app, 'ada@replies-list.test');
  await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'mo@elsewhere.test', role: 'member' } });
  member = await signIn(rt.app, 'mo@elsewhere.test');
  outsider = await signIn(rt.app, 'oz@rival-list.test');
  const db = rt.deps.db;
  const ws = admin.workspace.id;
  const [campaign] = await db.insert(campaigns).values({ workspaceId: ws, name: 'Q4 outreach', status: 'active' }).returning();
  campaignId = campaign!.id;
  const [dana] = await db.insert(prospects).values({ workspaceId: ws, email: 'dana@acme.test' }).returning();
  const [lead] = await db.insert(campaignLeads).values({ workspaceId: ws, campaignId, prospectId: dana!.id, status: 'active', nextDueAt: new Date(Date.now() + 86_400_000) }).returning();
  const toDana = await seedSentEmail(db, ws, { userId: admin.user.id, to: 'dana@acme.test', fromAddress: 'ada@replies-list.test', subject: 'Quick question', prospectId: dana!.id, campaignId, campaignLeadId: lead!.id });
  const toLee = await seedSentEmail(db, ws, { userId: member.user.id, to: 'lee@beta.test', fromAddress: 'mo@elsewhere.test', subject: 'Intro' });
  const inbound = (email: typeof toDana, id: string, from: string, body: string, extra: string[] = [], minutesAgo = 0) =>
    ingestInbound(rt.deps, ws, {
      raw: [`From: ${from}`, `Subject: Re: ${email.subject}`, `Message-ID: <${id}@in.test>`, `In-Reply-To: ${email.messageId}`, ...extra, '', body].join('\r\n'),
      threadId: email.threadId,
      messageId: `<${id}@in.test>`,
      providerMessageId: `gm-${id}`,
      from,
      date: new Date(Date.now() - minutesAgo * 60_000),
      subject: `Re: ${email.subject}`,
      snippet: body.slice(0, 80),
    });
  await inbound(toDana, 'ooo', 'dana@acme.test', 'I am out of the office until 2030-01-14 with limited access to email.', ['Auto-Submitted: auto-replied'], 30);
  await inbound(toDana, 'yes', 'dana@acme.test', 'Sounds good — can you do Thursday at 3pm? Happy to talk.', [], 10);
  await inbound(toLee, 'lee', 'lee@beta.test', 'Thanks, not interested right now.', [], 5);
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

const list = async (who: typeof admin, query = '') => {
  const res = await who.call(`/api/replies${query}`);
  expect(res.status).toBe(200);
  return replyListResponse.parse(await res.json());
};

describe('GET /api/replies', () => {
  it('lists what came back newest first, with meaning, campaign, lead state and the thread', async () => {
    const { data, pagination } = await list(admin);
    expect(pagination.total).toBe(3);
    expect(data.map((r) => r.from)).toEqual(['lee@beta.test', 'dana@acme.test', 'dana@acme.test']);
    const ooo = data[2]!;
    expect(ooo.meaning).toBe('out_of_office');
    expect(ooo.returnDate).toMatch(/^2030-01-1[45]/);
    expect(ooo.campaign).toEqual({ id: campaignId, name: 'Q4 outreach' });
    expect(data[1]!.leadStatus).toBe('replied'); // the human reply after the out-of-office stopped the lead
    expect(data[1]!.email.threadId).toMatch(/^thread-/);
    expect(data[0]!.campaign).toBeNull();
  });

  it('filters by meaning and by campaign, and pages', async () => {
    expect((await list(admin, '?meaning=out_of_office')).data.map((r) => r.meaning)).toEqual(['out_of_office']);
    expect((await list(admin, `?campaignId=${campaignId}`)).pagination.total).toBe(2);
    const page2 = await list(admin, '?limit=2&page=2');
    expect(page2.data).toHaveLength(1);
    expect(page2.pagination).toMatchObject({ page: 2, total: 3, totalPages: 2 });
  });

  it('counts up to a cap when asked (the console), saying it stopped, with the same page of rows', async () => {
    const session = { workspaceId: admin.workspace.id, userId: admin.user.id, role: 'admin' as const };
    const exact = await listReplies(rt.deps.db, session, { page: 1, limit: 25, scope: 'workspace' });
    expect(exact).toMatchObject({ total: 3, capped: false });
    const capped = await listReplies(rt.deps.db, session, { page: 1, limit: 25, scope: 'workspace' }, { countUpTo: 2 });
    expect(capped).toMatchObject({ total: 2, capped: true });
    expect(capped.rows.map((r) => r.id)).toEqual(exact.rows.map((r) => r.id));
    expect(await listReplies(rt.deps.db, session, { page: 1, limit: 25, scope: 'workspace' }, { countUpTo: 3 })).toMatchObject({ total: 3, capped: false });
  });

  it('shows a member the replies to their own mail only, and another workspace nothing', async () => {
    expect((await list(member)).data.map((r) => r.from)).toEqual(['lee@beta.test']);
    expect((await list(outsider)).pagination.total).toBe(0);
  });

  it('scope=me narrows an admin to the replies to their own mail; workspace (the default) is the team', async () => {
    expect((await list(admin, '?scope=me')).data.map((r) => r.from)).toEqual(['dana@acme.test', 'dana@acme.test']);
    expect((await list(admin, '?scope=workspace')).pagination.total).toBe(3);
    expect((await list(member, '?scope=workspace')).data.map((r) => r.from)).toEqual(['lee@beta.test']);
    expect((await list(member, '?scope=me')).data.map((r) => r.from)).toEqual(['lee@beta.test']);
  });

  it('answers a bad filter with 400 and the envelope', async () => {
    for (const q of ['?scope=everyone', '?meaning=maybe', '?campaignId=not-a-uuid', '?page=0', '?limit=5000']) {
      const res = await admin.call(`/api/replies${q}`);
      expect(res.status).toBe(400);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('VALIDATION_ERROR');
    }
  });
});
