import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { auditEvents, users, workspaces } from '../../../../db/schema';
import { auditListResponse } from '../../../../shared/contracts/admin';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

type Session = Awaited<ReturnType<typeof signIn>>;
const ok = async (res: Response | Promise<Response>, status = 200) => {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return r.headers.get('content-type')?.includes('json') ? ((await r.json()) as Record<string, unknown>) : {};
};

/** The newest row of an action in the workspace; fails when there is none. */
async function rowOf(admin: Session, action: string) {
  const rows = await rt.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.action, action)))
    .orderBy(sql`${auditEvents.createdAt} desc`);
  expect(rows.length, `no audit row for ${action}`).toBeGreaterThan(0);
  return rows[0]!;
}

describe('the audit log is complete', () => {
  it('writes one row with actor and target for every critical action', async () => {
    const admin = await signIn(rt.app, 'boss@audited.test', 'Boss');
    const box = await giveMailbox(rt, admin, 'boss@audited.test');
    const expectRow = async (action: string, target: unknown, data: Record<string, unknown> = {}) => {
      const row = await rowOf(admin, action);
      expect(row, action).toMatchObject({ actorId: admin.user.id, target, data: expect.objectContaining(data) });
    };
    await expectRow('auth.signed_in', 'boss@audited.test', { role: 'admin' });

    // Cap, send window, ramp-up: one row each, before → after.
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { dailyCap: 40 } }));
    await expectRow('mailbox.updated', 'boss@audited.test', { before: { dailyCap: 200 }, after: { dailyCap: 40 } });
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { sendWindow: { tz: 'Europe/Paris', days: [1, 2, 3], start: '09:00', end: '17:00' } } }));
    await expectRow('mailbox.updated', 'boss@audited.test', { before: { sendWindow: null }, after: { sendWindow: expect.objectContaining({ tz: 'Europe/Paris' }) } });

    // Suppressions added and lifted.
    const sup = await ok(admin.call('/api/suppressions', { method: 'POST', json: { email: 'no@thanks.test' } }), 201);
    await expectRow('suppression.added', 'no@thanks.test', { reason: 'manual' });
    await ok(admin.call(`/api/suppressions/${sup.id}`, { method: 'DELETE' }), 204);
    await expectRow('suppression.lifted', 'no@thanks.test');

    // Settings.
    await ok(admin.call('/api/replies/settings', { method: 'PATCH', json: { autoReplyPauseDays: 3 } }));
    await expectRow('settings.changed', null, { after: { autoReplyPauseDays: 3 } });
    await ok(admin.call('/api/privacy/settings', { method: 'PATCH', json: { rawEventRetentionDays: 90 } }));
    await expectRow('settings.changed', 'rawEventRetentionDays', { before: null, after: 90 });

    // Webhooks.
    const hook = await ok(admin.call('/api/webhooks', { method: 'POST', json: { url: 'http://127.0.0.1:9/hook', events: ['email.opened'] } }), 201);
    await expectRow('webhook.created', hook.id, { url: 'http://127.0.0.1:9/hook' });
    await ok(admin.call(`/api/webhooks/${hook.id}`, { method: 'PATCH', json: { active: false } }));
    await expectRow('webhook.updated', hook.id, { active: false });
    await ok(admin.call(`/api/webhooks/${hook.id}`, { method: 'DELETE' }), 204);
    await expectRow('webhook.deleted', hook.id);

    // Prospects: import, delete (export and erase are walked in privacy.test.ts).
    await ok(admin.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'email\nlead@client.test\ngone@client.test\n' }));
    await expectRow('prospect.imported', null, { imported: 2 });
    const prospects = (await ok(admin.call('/api/prospects'))).data as Array<{ id: string; email: string }>;
    const gone = prospects.find((p) => p.email === 'gone@client.test')!;
    await ok(admin.call(`/api/prospects/${gone.id}`, { method: 'DELETE' }), 204);
    await expectRow('prospect.deleted', gone.id);
    const lead = prospects.find((p) => p.email === 'lead@client.test')!;
    await ok(admin.call(`/api/prospects/${lead.id}/export`));
    await expectRow('prospect.exported', lead.id);

    // Campaigns: create, edit, leads, launch, pause, resume, delete.
    const campaign = await ok(admin.call('/api/campaigns', { method: 'POST', json: { name: 'Q3', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>', delayDays: 0 }] } }), 201);
    await expectRow('campaign.created', campaign.id, { name: 'Q3' });
    await ok(admin.call(`/api/campaigns/${campaign.id}`, { method: 'PATCH', json: { name: 'Q3 outreach' } }));
    await expectRow('campaign.updated', campaign.id);
    await ok(admin.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: [lead.id] } }));
    await expectRow('campaign.leads_added', campaign.id, { added: 1 });
    await ok(admin.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' }));
    await expectRow('campaign.launched', campaign.id, { status: 'active' });
    await ok(admin.call(`/api/campaigns/${campaign.id}/pause`, { method: 'POST' }));
    await expectRow('campaign.paused', campaign.id, { status: 'paused' });
    await ok(admin.call(`/api/campaigns/${campaign.id}/resume`, { method: 'POST' }));
    await expectRow('campaign.resumed', campaign.id, { status: 'active' });
    await ok(admin.call(`/api/campaigns/${campaign.id}`, { method: 'DELETE' }), 204);
    await expectRow('campaign.deleted', campaign.id);

    // Templates.
    const template = await ok(admin.call('/api/templates', { method: 'POST', json: { name: 'T', subject: 'S', bodyHtml: '<p>B</p>' } }), 201);
    await ok(admin.call(`/api/templates/${template.id}`, { method: 'DELETE' }), 204);
    await expectRow('template.deleted', template.id);

    // Members and invites.
    const invite = await ok(admin.call('/api/admin/invites', { method: 'POST', json: { email: 'rep@audited.test' } }), 201);
    await expectRow('invite.created', 'rep@audited.test');
    const rep = await signIn(rt.app, 'rep@audited.test', 'Rep');
    const accepted = await rowOf(admin, 'invite.accepted');
    expect(accepted).toMatchObject({ actorId: rep.user.id, target: 'rep@audited.test', data: { inviteId: invite.id, role: 'member' } });
    await ok(admin.call(`/api/admin/members/${rep.user.id}`, { method: 'PATCH', json: { role: 'viewer' } }));
    await expectRow('member.role_changed', 'rep@audited.test');
    const other = await ok(admin.call('/api/admin/invites', { method: 'POST', json: { email: 'maybe@audited.test' } }), 201);
    await ok(admin.call(`/api/admin/invites/${other.id}`, { method: 'DELETE' }), 204);
    await expectRow('invite.revoked', 'maybe@audited.test');
    await ok(admin.call(`/api/admin/members/${rep.user.id}`, { method: 'DELETE' }), 204);
    await expectRow('member.removed', 'rep@audited.test');

    // Mailbox disconnect, then sign-out.
    const off = await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'DELETE' }));
    expect(off.status).toBe('disabled');
    await expectRow('mailbox.disconnected', 'boss@audited.test', { before: 'active', after: 'disabled' });
    await ok(admin.call('/api/auth/logout', { method: 'POST' }));
    await expectRow('auth.signed_out', 'boss@audited.test');

    // Rows made by a route carry the request id; the admin audit API lists and filters them.
    expect((await rowOf(admin, 'campaign.launched')).data).toMatchObject({ requestId: expect.any(String) });
    const again = await signIn(rt.app, 'boss@audited.test', 'Boss');
    const listed = auditListResponse.parse(await (await again.call('/api/admin/audit?action=campaign.launched')).json());
    expect(listed.data.map((r) => [r.action, r.target])).toEqual([['campaign.launched', campaign.id]]);
  });

  it('is append-only: the database refuses UPDATE and DELETE, and no route changes a row', async () => {
    const admin = await signIn(rt.app, 'boss@append-only.test', 'Boss');
    const row = await rowOf(admin, 'auth.signed_in');
    const refusal = (p: Promise<unknown>) => p.then(() => 'allowed', (err: Error & { cause?: Error }) => String(err.cause?.message ?? err.message));
    expect(await refusal(rt.deps.db.update(auditEvents).set({ action: 'forged' }).where(eq(auditEvents.id, row.id)))).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(rt.deps.db.delete(auditEvents).where(eq(auditEvents.id, row.id)))).toMatch(/append-only \(DELETE refused\)/);
    expect((await admin.call(`/api/admin/audit/${row.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await admin.call(`/api/admin/audit/${row.id}`, { method: 'PATCH', json: {} })).status).toBe(404);
    expect((await rowOf(admin, 'auth.signed_in')).action).toBe('auth.signed_in');
  });

  it("lets a workspace's deletion take its rows, and a user's deletion clear the actor", async () => {
    const gone = await signIn(rt.app, 'boss@deleted-ws.test', 'Boss');
    const staying = await signIn(rt.app, 'boss@kept-ws.test', 'Kept');
    await rt.deps.db.delete(users).where(eq(users.id, staying.user.id));
    const [kept] = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, staying.workspace.id));
    expect(kept).toMatchObject({ action: 'auth.signed_in', actorId: null, target: 'boss@kept-ws.test' });
    await rt.deps.db.delete(workspaces).where(eq(workspaces.id, gone.workspace.id));
    expect(await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, gone.workspace.id))).toEqual([]);
  });
});
