import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { rowsOf } from '../../../../db/prepared';
import {
  auditEvents, campaignLeads, campaigns, emailEvents, emails, queueJobs, suppressions, webhookDeliveries, webhooks,
} from '../../../../db/schema';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { eraseResultSchema, prospectExportSchema } from '../../../../shared/contracts/privacy';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { recordAudit } from '../admin/audit';
import { erasedMarker, privacySalt } from '../suppressions/service';

let rt: TestRuntime;
type Session = Awaited<ReturnType<typeof signIn>>;
let admin: Session;
let member: Session;
let viewer: Session;
let rival: Session;

beforeAll(async () => {
  rt = await createTestRuntime();
  admin = await signIn(rt.app, 'boss@erasers.test', 'Boss');
  await giveMailbox(rt, admin, 'boss@erasers.test');
  for (const [email, role] of [['rep@erasers.test', 'member'], ['look@erasers.test', 'viewer']] as const) {
    expect((await admin.call('/api/admin/invites', { method: 'POST', json: { email, role } })).status).toBe(201);
  }
  member = await signIn(rt.app, 'rep@erasers.test', 'Rep');
  viewer = await signIn(rt.app, 'look@erasers.test', 'Look');
  rival = await signIn(rt.app, 'rex@rival-erasers.test', 'Rex');
});
afterAll(() => rt?.close());

const expectError = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe(code);
};

const ADDRESS = 'zorba.q@erase-me.test';
const NEEDLES = [ADDRESS, 'Zorbalina', 'Quixwater'];

/** Every text, varchar, array and jsonb column of every table: how many rows hold the needle. */
async function scanFor(needle: string): Promise<string[]> {
  const columns = rowsOf<{ table_name: string; column_name: string }>(
    await rt.deps.db.execute(sql`select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`),
  );
  expect(columns.length).toBeGreaterThan(30);
  const hits: string[] = [];
  for (const c of columns) {
    const [row] = rowsOf<{ n: number }>(
      await rt.deps.db.execute(sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)}::text ilike ${`%${needle}%`}`),
    );
    if (Number(row!.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

/** A person with something in every place Lumina keeps things about people. */
async function richPerson() {
  const db = rt.deps.db;
  const ws = admin.workspace.id;
  const made = await admin.call('/api/prospects', {
    method: 'POST',
    json: { email: 'Zorba.Q@erase-me.test', firstName: 'Zorbalina', lastName: 'Quixwater', company: 'Erase Co', customFields: { note: 'met Zorbalina at the fair' } },
  });
  const p = prospectSchema.parse(await made.json());
  const [campaign] = await db.insert(campaigns).values({ workspaceId: ws, ownerId: admin.user.id, name: 'Autumn', status: 'active' }).returning();
  await db.insert(campaignLeads).values({ workspaceId: ws, campaignId: campaign!.id, prospectId: p.id, status: 'active' });
  const sent = await seedSentEmail(db, ws, {
    to: `Zorbalina Quixwater <${ADDRESS}>`, prospectId: p.id, campaignId: campaign!.id, subject: 'Hi Zorbalina', bodyHtml: '<p>Dear Zorbalina Quixwater</p>',
    bodyText: 'Dear Zorbalina', inReplyTo: '<x@erase-me.test>', references: '<x@erase-me.test>', idempotencyKey: `campaign:${crypto.randomUUID()}:step:1`,
  });
  const oneOff = await seedSentEmail(db, ws, { to: ADDRESS, subject: 'Following up, Quixwater', failureReason: `refused by ${ADDRESS}` });
  await db.insert(emailEvents).values([
    { workspaceId: ws, emailId: sent.id, type: 'open', userAgent: 'Mozilla/5.0 (Zorbalina laptop)', ip: '203.0.113.7' },
    { workspaceId: ws, emailId: sent.id, type: 'click', userAgent: 'Mozilla/5.0', ip: '203.0.113.7', url: `https://shop.test/?who=${ADDRESS}`, linkIndex: 0 },
    { workspaceId: ws, emailId: sent.id, type: 'reply', data: { from: ADDRESS, snippet: 'Thanks! Zorbalina' }, dedupeKey: 'reply:<r1@erase-me.test>' },
    { workspaceId: ws, emailId: oneOff.id, type: 'open', machine: true, userAgent: 'GoogleImageProxy', ip: '66.249.0.1' },
  ]);
  // A pending send through the real accept path (no worker runs: it stays queued).
  const pending = await admin.call('/api/emails/send', {
    method: 'POST', headers: { 'idempotency-key': `k-${crypto.randomUUID()}` },
    json: { to: ADDRESS, subject: 'Later, Zorbalina', bodyHtml: '<p>Hi</p>', prospectId: p.id, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
  });
  expect(pending.status).toBe(202);
  const pendingId = ((await pending.json()) as { id: string }).id;
  expect((await admin.call('/api/drafts/draft-zq', { method: 'PUT', json: { version: 1, to: [`Zorbalina <${ADDRESS}>`], subject: 'Draft for Quixwater', bodyHtml: '<p>x</p>' } })).status).toBe(200);
  const [hook] = await db.insert(webhooks).values({ workspaceId: ws, url: 'https://hooks.test/x', events: ['email.replied'], secret: 's' }).returning();
  await db.insert(webhookDeliveries).values({ webhookId: hook!.id, event: 'email.replied', payload: { emailId: sent.id, data: { from: ADDRESS } } });
  await db.insert(queueJobs).values({ queue: 'test', id: crypto.randomUUID(), name: 'x', data: { to: ADDRESS }, state: 'completed' });
  await recordAudit(db, { workspaceId: ws, actorId: admin.user.id, action: 'lead.stopped', target: p.id, data: { email: ADDRESS, name: 'Zorbalina Quixwater' } });
  // A suppression added by hand (audited with the address as target).
  expect((await admin.call('/api/suppressions', { method: 'POST', json: { email: ADDRESS } })).status).toBe(201);
  return { p, campaign: campaign!, sent, oneOff, pendingId };
}

describe('export and erase of one person', () => {
  it('exports everything, erases it everywhere, and keeps the figures and a hash that blocks send and import', async () => {
    const { p, campaign, sent, pendingId } = await richPerson();

    // Export: members may, viewers may not, another workspace gets 404.
    await expectError(await viewer.call(`/api/prospects/${p.id}/export`), 403, 'FORBIDDEN');
    await expectError(await rival.call(`/api/prospects/${p.id}/export`), 404, 'NOT_FOUND');
    const res = await member.call(`/api/prospects/${p.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const doc = prospectExportSchema.parse(await res.json());
    expect(doc.prospect).toMatchObject({ id: p.id, email: ADDRESS, firstName: 'Zorbalina', customFields: { note: 'met Zorbalina at the fair' } });
    expect(doc.campaigns).toEqual([expect.objectContaining({ campaignId: campaign.id, campaignName: 'Autumn', leadStatus: 'active' })]);
    expect(doc.emails).toHaveLength(3);
    const first = doc.emails.find((e) => e.id === sent.id)!;
    expect(first).toMatchObject({ subject: 'Hi Zorbalina', bodyHtml: '<p>Dear Zorbalina Quixwater</p>' });
    expect(first.headers).toMatchObject({ To: `Zorbalina Quixwater <${ADDRESS}>`, 'Message-ID': sent.messageId, 'In-Reply-To': '<x@erase-me.test>' });
    expect(first.events.map((e) => e.type)).toEqual(['open', 'click', 'reply']);
    expect(first.events[0]).toMatchObject({ userAgent: 'Mozilla/5.0 (Zorbalina laptop)', ip: '203.0.113.7' });
    expect(doc.replies).toEqual([expect.objectContaining({ type: 'reply', data: { from: ADDRESS, snippet: 'Thanks! Zorbalina' } })]);
    expect(doc.drafts).toEqual([expect.objectContaining({ id: 'draft-zq', subject: 'Draft for Quixwater' })]);
    expect(doc.suppressions).toEqual([expect.objectContaining({ email: ADDRESS, reason: 'manual' })]);
    expect(doc.auditEvents.map((a) => a.action)).toEqual(expect.arrayContaining(['lead.stopped', 'suppression.added']));
    expect(doc.webhookDeliveries).toHaveLength(1);

    const statsBefore = ((await (await admin.call('/api/dashboard/stats')).json()) as { figures: unknown }).figures;
    const campaignBefore = (await (await admin.call(`/api/campaigns/${campaign.id}/stats`)).json()) as { emails: unknown; events: unknown };
    const eventsBefore = await rt.deps.db.select({ n: sql<number>`count(*)::int` }).from(emailEvents).where(eq(emailEvents.workspaceId, admin.workspace.id));

    // The scan sees the person before the erase (so its empty answer after means something).
    expect((await scanFor(ADDRESS)).length).toBeGreaterThan(8);

    // Erase: admins only.
    await expectError(await member.call(`/api/prospects/${p.id}/erase`, { method: 'POST' }), 403, 'FORBIDDEN');
    await expectError(await viewer.call(`/api/prospects/${p.id}/erase`, { method: 'POST' }), 403, 'FORBIDDEN');
    await expectError(await rival.call(`/api/prospects/${p.id}/erase`, { method: 'POST' }), 404, 'NOT_FOUND');
    const erased = await admin.call(`/api/prospects/${p.id}/erase`, { method: 'POST' });
    expect(erased.status).toBe(200);
    expect(eraseResultSchema.parse(await erased.json())).toMatchObject({ erased: true, emails: 3, events: 4, drafts: 1, campaignLeads: 1 });

    // No table holds the address or the name any more.
    for (const needle of NEEDLES) expect(await scanFor(needle), needle).toEqual([]);

    // What is left: the hash on the list, the erase in the audit log without the address.
    const salt = await privacySalt(rt.deps.db, admin.workspace.id);
    const left = await rt.deps.db.select().from(suppressions).where(eq(suppressions.workspaceId, admin.workspace.id));
    expect(left).toEqual([expect.objectContaining({ email: erasedMarker(salt, ADDRESS), reason: 'erased' })]);
    const [audit] = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.action, 'prospect.erased')));
    expect(audit).toMatchObject({ actorId: admin.user.id, target: p.id, data: expect.objectContaining({ emails: 3 }) });
    const [pendingRow] = await rt.deps.db.select().from(emails).where(eq(emails.id, pendingId));
    expect(pendingRow!.status).toBe('CANCELLED');

    // Figures stay: the same events (scrubbed), the same dashboard and campaign email counts.
    const eventsAfter = await rt.deps.db.select({ n: sql<number>`count(*)::int` }).from(emailEvents).where(eq(emailEvents.workspaceId, admin.workspace.id));
    expect(eventsAfter).toEqual(eventsBefore);
    expect(((await (await admin.call('/api/dashboard/stats')).json()) as { figures: unknown }).figures).toEqual(statsBefore);
    const campaignAfter = (await (await admin.call(`/api/campaigns/${campaign.id}/stats`)).json()) as typeof campaignBefore;
    expect(campaignAfter.emails).toEqual(campaignBefore.emails);
    expect(campaignAfter.events).toEqual(campaignBefore.events);

    // Gone: a second erase and an export answer 404.
    await expectError(await admin.call(`/api/prospects/${p.id}/erase`, { method: 'POST' }), 404, 'NOT_FOUND');
    await expectError(await admin.call(`/api/prospects/${p.id}/export`), 404, 'NOT_FOUND');

    // Never mailed or re-imported by accident: send, CSV import and a manual add all refuse.
    await expectError(
      await admin.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `k-${crypto.randomUUID()}` }, json: { to: 'ZORBA.Q@erase-me.test', subject: 'Hi', bodyHtml: '<p>Hi</p>' } }),
      422, 'RECIPIENT_SUPPRESSED',
    );
    const imported = await admin.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `email,first_name\nnew@erase-me.test,New\n${ADDRESS},Again\n` });
    expect(await imported.json()).toEqual({ imported: 1, updated: 0, skipped: 1, errors: [{ row: 3, message: 'this person was erased at their request; not imported' }], suppressed: [] });
    await expectError(await admin.call('/api/prospects', { method: 'POST', json: { email: ADDRESS } }), 409, 'CONFLICT');
    // Nor by renaming another prospect to the erased address.
    const other = prospectSchema.parse(await (await admin.call('/api/prospects', { method: 'POST', json: { email: 'other@erase-me.test' } })).json());
    await expectError(await admin.call(`/api/prospects/${other.id}`, { method: 'PATCH', json: { email: 'Zorba.Q@erase-me.test' } }), 409, 'CONFLICT');
    expect(await scanFor(ADDRESS)).toEqual([]);
  });

  it('redacts audit rows naming the person by whole words only', async () => {
    const ws = admin.workspace.id;
    const p = prospectSchema.parse(await (await admin.call('/api/prospects', { method: 'POST', json: { email: 'tom.ek@short-name.test', firstName: 'Tom', lastName: 'Ek' } })).json());
    const note = async (text: string) =>
      (await rt.deps.db.insert(auditEvents).values({ workspaceId: ws, actorId: admin.user.id, action: 'test.note', data: { text } }).returning())[0]!.id;
    const named = await note('Tom asked for a call');
    const unrelated = await note('custom fields of Tomas were updated');
    expect((await admin.call(`/api/prospects/${p.id}/erase`, { method: 'POST' })).status).toBe(200);
    const rows = new Map((await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'test.note'))).map((r) => [r.id, r.data]));
    expect(rows.get(named)).toEqual({ redacted: true });
    expect(rows.get(unrelated)).toEqual({ text: 'custom fields of Tomas were updated' });
  });

  it('answers 404 for an unknown prospect and 400 for a malformed id', async () => {
    await expectError(await admin.call(`/api/prospects/${crypto.randomUUID()}/erase`, { method: 'POST' }), 404, 'NOT_FOUND');
    await expectError(await admin.call('/api/prospects/not-a-uuid/export'), 400, 'VALIDATION_ERROR');
  });
});
