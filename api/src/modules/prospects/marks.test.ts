import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestRuntime, signIn, type SignedIn, type TestRuntime } from '../../../test/harness';
import { consoleClient } from '../../../test/console-client';
import { campaignLeads, emailEngagement, emailEvents, emails, mailboxes, prospects, userEventRollups } from '../../../../db/schema';
import { rowsOf } from '../../../../db/prepared';
import { importResultSchema, prospectListResponse, prospectSchema, type Prospect } from '../../../../shared/contracts/prospects';
import { statsResponse } from '../../../../shared/contracts/dashboard';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { suppressionSchema } from '../../../../shared/contracts/suppressions';
import { closeEventRecorder } from '../tracking/recorder';

/*
 * The stored marks (contacted, replied, suppressed), the answers of replies, the per-sender rollups and the
 * recipient flags are derived data kept by triggers and by the add / import / edit paths. Each
 * story here changes something through the public door, then checks the stored value against
 * the same fact derived from the source rows — on PGlite and on Postgres alike.
 */
let rt: TestRuntime;
let ana: SignedIn;
let ben: SignedIn;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@marks-co.test', 'Ana');
  ben = await signIn(rt.app, 'ben@marks-co.test', 'Ben');
  for (const who of [ana, ben]) await rt.deps.db.insert(mailboxes).values({ workspaceId: who.workspace.id, userId: who.user.id, provider: 'sandbox', email: `${who.user.id.slice(0, 8)}@marks-co.test` });
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

let n = 0;
const addProspect = async (who: SignedIn, email = `p${++n}@client-co.test`) => {
  const res = await who.call('/api/prospects', { method: 'POST', json: { email } });
  expect(res.status).toBe(201);
  return prospectSchema.parse(await res.json());
};
const read = async (id: string) => prospectSchema.parse(await (await ana.call(`/api/prospects/${id}`)).json());
const listed = async (query: string) => prospectListResponse.parse(await (await ana.call(`/api/prospects?limit=100&${query}`)).json()).data.map((p) => p.email);

/** The marks as the old derived definition computes them from emails, engagement and leads. */
async function derivedMarks(id: string) {
  const [row] = rowsOf<{ contacted: boolean; replied: boolean }>(
    await rt.deps.db.execute(sql`select
      exists (select 1 from emails e where e.prospect_id = ${id}) or exists (select 1 from campaign_leads cl where cl.prospect_id = ${id}) as contacted,
      exists (select 1 from emails e join email_engagement g on g.email_id = e.id where e.prospect_id = ${id} and g.replied_at is not null)
        or exists (select 1 from campaign_leads cl where cl.prospect_id = ${id} and cl.status in ('replied', 'referred')) as replied`),
  );
  return { contacted: Boolean(row!.contacted), replied: Boolean(row!.replied) };
}
const expectMarks = async (p: Prospect, marks: { contacted: boolean; replied: boolean }) => {
  expect(await derivedMarks(p.id)).toEqual(marks);
  expect(await read(p.id)).toMatchObject(marks);
};

/** POST /api/emails/send to a prospect (the row is written at once; no worker runs here). */
async function sendTo(who: SignedIn, p: Prospect, subject = 'Hello') {
  const res = await who.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, json: { to: p.email, prospectId: p.id, subject, bodyHtml: '<p>Hi</p>' } });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  // Settled as the send worker does: SENT, in a Gmail thread, with its `sent` event.
  const sentAt = new Date();
  await rt.deps.db.update(emails).set({ status: 'SENT', sentAt, threadId: `thread-${id}`, providerMessageId: `gm-${id}` }).where(eq(emails.id, id));
  await rt.deps.db.insert(emailEvents).values({ workspaceId: who.workspace.id, emailId: id, type: 'sent', occurredAt: sentAt });
  return id;
}

/** The extension reports a reply it saw in Gmail (light mode): the real reply path. */
async function replyTo(who: SignedIn, emailId: string, from: string) {
  const res = await who.call('/api/replies/observed', { method: 'POST', json: { threadId: `thread-${emailId}`, messageId: `gm-r-${crypto.randomUUID()}`, from, date: new Date().toISOString(), snippet: 'Sounds good' } });
  expect(await res.json()).toMatchObject({ status: 'recorded', kind: 'reply', emailId });
}

describe('stored marks: contacted and replied', () => {
  it('a send marks the prospect contacted, a reply marks them replied, and the status filters follow', async () => {
    const p = await addProspect(ana);
    await expectMarks(p, { contacted: false, replied: false });
    expect(await listed('status=not_contacted')).toContain(p.email);
    expect(await listed('status=contacted')).not.toContain(p.email);

    const emailId = await sendTo(ana, p);
    await expectMarks(p, { contacted: true, replied: false });
    expect(await listed('status=not_contacted')).not.toContain(p.email);
    expect(await listed('status=contacted')).toContain(p.email);
    expect(await listed('status=replied')).not.toContain(p.email);

    await replyTo(ana, emailId, p.email);
    await expectMarks(p, { contacted: true, replied: true });
    expect(await listed('status=replied')).toContain(p.email);
  });

  it('a bounce leaves the marks as they were (contacted, not replied)', async () => {
    const p = await addProspect(ana);
    const emailId = await sendTo(ana, p);
    await rt.deps.db.insert(emailEvents).values({ workspaceId: ana.workspace.id, emailId, type: 'bounce', dedupeKey: `inbound:bounce-${emailId}` });
    await expectMarks(p, { contacted: true, replied: false });
    const [g] = await rt.deps.db.select().from(emailEngagement).where(eq(emailEngagement.emailId, emailId));
    expect(g).toMatchObject({ userId: ana.user.id, bouncedAt: expect.any(Date), repliedAt: null });
  });

  it('campaign places: adding a lead contacts, a replied or referred lead replies, and removing the place clears both', async () => {
    const p = await addProspect(ana);
    const campaign = campaignSchema.parse(await (await ana.call('/api/campaigns', { method: 'POST', json: { name: `Marks ${++n}`, steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
    expect((await ana.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [p.id] } })).status).toBeLessThan(300);
    await expectMarks(p, { contacted: true, replied: false });

    // The reply effects and the scheduler move lead states; only replied/referred count.
    await rt.deps.db.update(campaignLeads).set({ status: 'referred' }).where(eq(campaignLeads.prospectId, p.id));
    await expectMarks(p, { contacted: true, replied: true });
    await rt.deps.db.update(campaignLeads).set({ status: 'completed' }).where(eq(campaignLeads.prospectId, p.id));
    await expectMarks(p, { contacted: true, replied: false });
    await rt.deps.db.update(campaignLeads).set({ status: 'replied' }).where(eq(campaignLeads.prospectId, p.id));
    await expectMarks(p, { contacted: true, replied: true });

    await rt.deps.db.delete(campaignLeads).where(and(eq(campaignLeads.campaignId, campaign.id), eq(campaignLeads.prospectId, p.id)));
    await expectMarks(p, { contacted: false, replied: false });
    expect(await listed('status=not_contacted')).toContain(p.email);
  });

  it('deleting or erasing a prospect leaves the others’ marks true to their own mail', async () => {
    const gone = await addProspect(ana);
    const kept = await addProspect(ana);
    const emailId = await sendTo(ana, gone);
    await replyTo(ana, emailId, gone.email);
    await sendTo(ana, kept);
    expect((await ana.call(`/api/prospects/${gone.id}`, { method: 'DELETE' })).status).toBe(204);
    const [mail] = await rt.deps.db.select().from(emails).where(eq(emails.id, emailId));
    expect(mail!.prospectId).toBeNull(); // the history stays, unlinked
    await expectMarks(kept, { contacted: true, replied: false });

    const erased = await addProspect(ana);
    const erasedMail = await sendTo(ana, erased);
    await replyTo(ana, erasedMail, erased.email);
    expect((await ana.call(`/api/prospects/${erased.id}/erase`, { method: 'POST' })).status).toBeLessThan(300);
    expect((await rt.deps.db.select().from(prospects).where(eq(prospects.id, erased.id))).length).toBe(0);
    await expectMarks(kept, { contacted: true, replied: false });
    expect(await listed('status=replied')).not.toContain(erased.email);
  });
});

describe('stored mark: suppressed', () => {
  const isSuppressedNow = async (id: string) => {
    const [row] = rowsOf<{ on: boolean }>(await rt.deps.db.execute(sql`select exists (select 1 from suppressions s join prospects p on p.workspace_id = s.workspace_id and p.email = s.email where p.id = ${id}) as on`));
    return Boolean(row!.on);
  };
  const expectSuppressed = async (p: Prospect, on: boolean) => {
    expect(await isSuppressedNow(p.id)).toBe(on);
    expect((await read(p.id)).suppressed).toBe(on);
    expect((await listed('status=suppressed')).includes((await read(p.id)).email)).toBe(on);
  };

  it('follows suppressions added and lifted, prospects added or imported at a suppressed address, and a changed address', async () => {
    const p = await addProspect(ana);
    await expectSuppressed(p, false);
    const added = suppressionSchema.parse(await (await ana.call('/api/suppressions', { method: 'POST', json: { email: p.email } })).json());
    await expectSuppressed(p, true);
    expect((await ana.call(`/api/suppressions/${added.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectSuppressed(p, false);

    await ana.call('/api/suppressions', { method: 'POST', json: { email: 'gone@supp-co.test' } });
    await ana.call('/api/suppressions', { method: 'POST', json: { email: 'left@supp-co.test' } });
    const late = await addProspect(ana, 'gone@supp-co.test');
    await expectSuppressed(late, true);
    await ana.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'email\nleft@supp-co.test\nstay@supp-co.test\n' });
    const [left] = await rt.deps.db.select().from(prospects).where(and(eq(prospects.workspaceId, ana.workspace.id), eq(prospects.email, 'left@supp-co.test')));
    expect(left!.suppressed).toBe(true);
    expect(await listed('status=suppressed')).not.toContain('stay@supp-co.test');

    // A new address is judged afresh, both ways.
    await ana.call(`/api/prospects/${late.id}`, { method: 'PATCH', json: { email: 'back@supp-co.test' } });
    await expectSuppressed(late, false);
    await ana.call(`/api/prospects/${p.id}`, { method: 'PATCH', json: { email: 'gone2@supp-co.test' } });
    await ana.call('/api/suppressions', { method: 'POST', json: { email: 'gone2@supp-co.test' } });
    await expectSuppressed(p, true);
  });
});

describe('replies waiting and the per-sender rollups (Home)', () => {
  it('counts a reply as waiting until an email to that address is written, for the workspace and its sender', async () => {
    const home = await consoleClient(rt, 'ana@marks-co.test');
    const waiting = async () => /data-figure="replies-waiting">\s*<b>(\d+)<\/b>[^<]*?(?:\((\d+) to your mail\))?/.exec(await (await home.get('/console')).text());
    const before = await waiting();
    const base = Number(before?.[1] ?? 0);

    const p = await addProspect(ben);
    const emailId = await sendTo(ben, p);
    await replyTo(ben, emailId, p.email);
    const [g] = await rt.deps.db.select().from(emailEngagement).where(eq(emailEngagement.emailId, emailId));
    expect(g).toMatchObject({ userId: ben.user.id, repliedAt: expect.any(Date), answeredAt: null });
    const now = await waiting();
    expect(Number(now![1])).toBe(base + 1);
    // Ben's reply: Ana's own count ("to your mail") does not include it.
    expect(Number(now![2] ?? 0)).toBe(Number(before?.[2] ?? 0));

    await sendTo(ben, p, 'Re: Hello');
    const [answered] = await rt.deps.db.select().from(emailEngagement).where(eq(emailEngagement.emailId, emailId));
    expect(answered!.answeredAt).toBeInstanceOf(Date);
    expect(Number((await waiting())?.[1] ?? 0)).toBe(base);
  });

  it("keeps each sender's week in step with their events: sent, people's opens (not scanners'), replies, bounces", async () => {
    const p = await addProspect(ben);
    const emailId = await sendTo(ben, p);
    await rt.deps.db.insert(emailEvents).values([
      { workspaceId: ben.workspace.id, emailId, type: 'open' },
      { workspaceId: ben.workspace.id, emailId, type: 'open' },
      { workspaceId: ben.workspace.id, emailId, type: 'open', machine: true },
      { workspaceId: ben.workspace.id, emailId, type: 'bounce', dedupeKey: `inbound:b-${emailId}` },
    ]);
    await replyTo(ben, emailId, p.email);

    const fromEvents = async (userId: string) => {
      const [r] = rowsOf<Record<'sent' | 'human_opens' | 'replies' | 'bounces', number>>(
        await rt.deps.db.execute(sql`select count(*) filter (where ev.type = 'sent')::int as sent, count(*) filter (where ev.type = 'open' and not ev.machine)::int as human_opens,
          count(*) filter (where ev.type = 'reply')::int as replies, count(*) filter (where ev.type = 'bounce')::int as bounces
          from email_events ev join emails e on e.id = ev.email_id where e.user_id = ${userId} and ev.occurred_at >= now() - interval '7 days'`),
      );
      return { sent: Number(r!.sent), humanOpens: Number(r!.human_opens), replies: Number(r!.replies), bounces: Number(r!.bounces) };
    };
    for (const who of [ana, ben]) {
      const stats = statsResponse.parse(await (await who.call('/api/dashboard/stats?scope=me&days=7')).json()).figures;
      expect({ sent: stats.sent, humanOpens: stats.humanOpens, replies: stats.replies, bounces: stats.bounces }).toEqual(await fromEvents(who.user.id));
    }
    const benWeek = await fromEvents(ben.user.id);
    expect(benWeek.humanOpens).toBeGreaterThanOrEqual(2);

    // Ben's Home "You" row is the same four numbers.
    const home = await consoleClient(rt, 'ben@marks-co.test');
    const html = await (await home.get('/console')).text();
    const you = /<tr data-figures="You">([\s\S]*?)<\/tr>/.exec(html)![1]!;
    const cells = [...you.matchAll(/<td data-label="[^"]+">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(cells).toEqual([benWeek.sent, benWeek.humanOpens, benWeek.replies, benWeek.bounces]);
    const rollupRows = await rt.deps.db.select().from(userEventRollups).where(eq(userEventRollups.userId, ben.user.id));
    expect(rollupRows.length).toBeGreaterThan(0);
  });
});

describe('recipient flags', () => {
  it('stores what the check found on add, import and edit, filters by it, and rechecks only a changed address', async () => {
    const role = await addProspect(ana, 'sales@flag-co.test');
    expect(role.recipientFlags).toEqual(['role']);
    const person = await addProspect(ana, 'dana@flag-co.test');
    expect(person.recipientFlags).toEqual([]);

    const csv = 'email,first name\ninfo@mailinator.com,Info\nlee@flag-co.test,Lee\nsupport@flag-co.test,Sue\n';
    const imported = importResultSchema.parse(await (await ana.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })).json());
    expect(imported.imported).toBe(3);
    expect(imported.flagged?.map((f) => [f.email, f.flags])).toEqual([
      ['info@mailinator.com', ['disposable', 'role']],
      ['support@flag-co.test', ['role']],
    ]);
    const flagsOf = async (email: string) => (await rt.deps.db.select({ f: prospects.recipientFlags }).from(prospects).where(and(eq(prospects.workspaceId, ana.workspace.id), eq(prospects.email, email))))[0]!.f;
    expect(await flagsOf('info@mailinator.com')).toEqual(['disposable', 'role']);
    expect(await flagsOf('lee@flag-co.test')).toEqual([]);

    expect(await listed('flag=role')).toEqual(expect.arrayContaining(['sales@flag-co.test', 'info@mailinator.com', 'support@flag-co.test']));
    expect(await listed('flag=disposable')).toEqual(['info@mailinator.com']);
    const any = await listed('flag=any');
    expect(any).toContain('info@mailinator.com');
    expect(any).not.toContain('lee@flag-co.test');
    expect((await ana.call('/api/prospects?flag=bogus')).status).toBe(400);

    // An edit that keeps the address keeps its flags; a new address is checked again.
    const renamed = prospectSchema.parse(await (await ana.call(`/api/prospects/${role.id}`, { method: 'PATCH', json: { firstName: 'Sam' } })).json());
    expect(renamed.recipientFlags).toEqual(['role']);
    const moved = prospectSchema.parse(await (await ana.call(`/api/prospects/${role.id}`, { method: 'PATCH', json: { email: 'sam@flag-co.test' } })).json());
    expect(moved.recipientFlags).toEqual([]);

    // Re-importing an address with `update` replaces its flags with the fresh answer.
    await rt.deps.db.update(prospects).set({ recipientFlags: ['unverified'] }).where(eq(prospects.id, person.id));
    await ana.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'email\ndana@flag-co.test\n' });
    expect((await read(person.id)).recipientFlags).toEqual([]);
  });

  it('the console lists the flags in words and filters by them; an unknown flag is ignored, not an error', async () => {
    const page = await consoleClient(rt, 'ana@marks-co.test');
    await addProspect(ana, 'office@flag-console.test');
    const res = await page.get('/console/prospects?flag=role');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('office@flag-console.test');
    expect(html).toMatch(/<span class="badge warn" title="[^"]+">Role address<\/span>/);
    expect(html).not.toContain('dana@flag-co.test');
    const bad = await page.get('/console/prospects?flag=%3Cscript%3E');
    expect(bad.status).toBe(200);
    expect(await bad.text()).toContain('dana@flag-co.test');
  });
});
