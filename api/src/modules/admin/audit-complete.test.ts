import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createEmulatedRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { auditEvents, users, workspaces } from '../../../../db/schema';
import { auditListResponse } from '../../../../shared/contracts/admin';
import { LOCKOUT } from '../auth/password';
import { markNeedsReauth } from '../mailboxes/gmail';
import { KNOWN_AUDIT_ACTIONS } from '../../../console/words';
import { consoleClient } from '../../../test/console-client';

let rt: TestRuntime;
beforeAll(async () => {
  // On a Gmail emulator: a sandbox sign-in connects a real (emulated) mailbox, and signing in again reconnects it.
  rt = await createEmulatedRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
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
    await expectRow('mailbox.connected', 'boss@audited.test', { provider: 'sandbox' }); // the sandbox mailbox a first sign-in connects

    // Cap, send window, ramp-up: one row each, before → after.
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { dailyCap: 40 } }));
    await expectRow('mailbox.updated', 'boss@audited.test', { before: { dailyCap: 200 }, after: { dailyCap: 40 } });
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { sendWindow: { tz: 'Europe/Paris', days: [1, 2, 3], start: '09:00', end: '17:00' } } }));
    await expectRow('mailbox.updated', 'boss@audited.test', { before: { sendWindow: null }, after: { sendWindow: expect.objectContaining({ tz: 'Europe/Paris' }) } });
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { rampUp: { startCap: 20, increment: 10, everyDays: 2 } } }));
    await expectRow('mailbox.updated', 'boss@audited.test', { before: { rampUp: null }, after: { rampUp: expect.objectContaining({ startCap: 20, increment: 10 }) } });
    // The DKIM selectors the sender check uses are a setting of the mailbox.
    await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'PATCH', json: { dkimSelectors: ['s1'] } }));
    await expectRow('settings.changed', 'dkimSelectors', { mailbox: 'boss@audited.test', before: [], after: ['s1'] });

    // Suppressions added and lifted.
    const sup = await ok(admin.call('/api/suppressions', { method: 'POST', json: { email: 'no@thanks.test' } }), 201);
    await expectRow('suppression.added', 'no@thanks.test', { reason: 'manual' });
    await ok(admin.call(`/api/suppressions/${sup.id}`, { method: 'DELETE' }), 204);
    await expectRow('suppression.lifted', 'no@thanks.test');
    const imported = await ok(admin.call('/api/suppressions/import', { method: 'POST', json: { emails: ['a@list.test', 'b@list.test', 'A@list.test', 'not-an-address'] } }));
    expect(imported).toEqual({ imported: 2, alreadyListed: 1, invalid: [{ email: 'not-an-address', message: 'not an e-mail address' }] });
    await expectRow('suppression.imported', null, { imported: 2, alreadyListed: 1, invalid: 1 });

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
    const forget = await ok(admin.call('/api/prospects', { method: 'POST', json: { email: 'forget-me@client.test' } }), 201);
    await ok(admin.call(`/api/prospects/${forget.id}/erase`, { method: 'POST' }));
    await expectRow('prospect.erased', forget.id);

    // A data export: the workspace's events, with the filters used.
    const csv = await admin.call('/api/analytics/export.csv?type=open');
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^occurred_at,type/);
    await expectRow('data.exported', 'events', { filters: expect.objectContaining({ type: ['open'] }) });

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
    const old = await ok(admin.call('/api/campaigns', { method: 'POST', json: { name: 'Q2', steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } }), 201);
    await ok(admin.call(`/api/campaigns/${old.id}/archive`, { method: 'POST' }));
    await expectRow('campaign.archived', old.id, { status: 'archived' });

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

    // A burst of wrong passwords locks the account: one row for the burst, beside each failure.
    const pat = await ok(admin.call('/api/admin/invites', { method: 'POST', json: { email: 'pat@audited.test' } }), 201);
    const password = (path: string, json: unknown) => rt.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    expect((await password('/api/auth/password/sign-up', { token: pat.signUpToken, password: 'Quiet-lantern-orbit-7351', name: 'Pat' })).status).toBe(201);
    for (let i = 0; i < LOCKOUT.points; i++) expect((await password('/api/auth/password/sign-in', { email: 'pat@audited.test', password: `wrong-${i}` })).status).toBe(401);
    expect((await password('/api/auth/password/sign-in', { email: 'pat@audited.test', password: 'wrong-again' })).status).toBe(429);
    const bursts = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.action, 'auth.sign_in_locked')));
    expect(bursts).toEqual([expect.objectContaining({ target: 'pat@audited.test', data: expect.objectContaining({ failures: LOCKOUT.points, lockedForSeconds: LOCKOUT.blockDuration }) })]);

    // Google refuses the mailbox's grant (what every Gmail call does on invalid_grant), then the owner signs in again.
    await markNeedsReauth(rt.deps, box.id);
    const lost = await rowOf(admin, 'mailbox.needs_reauth');
    expect(lost).toMatchObject({ actorId: null, target: 'boss@audited.test', data: { before: 'active', after: 'needs_reauth' } });
    await signIn(rt.app, 'boss@audited.test', 'Boss');
    await expectRow('mailbox.reconnected', 'boss@audited.test', { provider: 'sandbox' });

    // The console's own downloads are data exports too.
    const con = await consoleClient(rt, 'boss@audited.test');
    expect(await (await con.get('/console/suppressions/export.csv')).text()).toMatch(/^email,reason/);
    expect(await (await con.get('/console/audit/export.csv')).text()).toMatch(/^at_utc,/);
    const exports = await rt.deps.db.select({ target: auditEvents.target, actorId: auditEvents.actorId }).from(auditEvents).where(and(eq(auditEvents.workspaceId, admin.workspace.id), eq(auditEvents.action, 'data.exported')));
    expect(exports.map((e) => e.target).sort()).toEqual(['audit log', 'events', 'suppressions']);
    expect(new Set(exports.map((e) => e.actorId))).toEqual(new Set([admin.user.id]));

    // Mailbox disconnect, then sign-out.
    const off = await ok(admin.call(`/api/mailboxes/${box.id}`, { method: 'DELETE' }));
    expect(off.status).toBe('disabled');
    await expectRow('mailbox.disconnected', 'boss@audited.test', { before: 'active', after: 'disabled' });
    await ok(admin.call('/api/auth/logout', { method: 'POST' }));
    await expectRow('auth.signed_out', 'boss@audited.test');

    // The issue's list, item by item: each has its row in this workspace's log.
    const ISSUE_LIST: Record<string, string[]> = {
      'sign-in and sign-out': ['auth.signed_in', 'auth.signed_out'],
      'failed sign-in bursts': ['auth.sign_in_failed', 'auth.sign_in_locked'],
      'role change': ['member.role_changed'],
      'invite create/accept/revoke': ['invite.created', 'invite.accepted', 'invite.revoked'],
      'member removal': ['member.removed'],
      'mailbox connect/disconnect/reauth': ['mailbox.connected', 'mailbox.disconnected', 'mailbox.needs_reauth', 'mailbox.reconnected'],
      'cap/window/ramp change': ['mailbox.updated'],
      'suppression add/lift/import': ['suppression.added', 'suppression.lifted', 'suppression.imported'],
      'campaign create/launch/pause/resume/archive/edit': ['campaign.created', 'campaign.launched', 'campaign.paused', 'campaign.resumed', 'campaign.archived', 'campaign.updated'],
      'prospect import/delete/export/erase': ['prospect.imported', 'prospect.deleted', 'prospect.exported', 'prospect.erased'],
      'template delete': ['template.deleted'],
      'webhook create/update/delete': ['webhook.created', 'webhook.updated', 'webhook.deleted'],
      'settings changes': ['settings.changed'],
      'data export': ['data.exported'],
    };
    const logged = await rt.deps.db.select({ action: auditEvents.action, data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.workspaceId, admin.workspace.id));
    const actions = new Set(logged.map((r) => r.action));
    for (const [item, wanted] of Object.entries(ISSUE_LIST)) for (const action of wanted) expect(actions.has(action), `${item}: no ${action} row`).toBe(true);
    const changed = new Set(logged.filter((r) => r.action === 'mailbox.updated').flatMap((r) => Object.keys((r.data as { after?: object }).after ?? {})));
    for (const field of ['dailyCap', 'sendWindow', 'rampUp']) expect(changed.has(field), `cap/window/ramp change: no row changing ${field}`).toBe(true);
    // Every action written has words in the console's audit page.
    for (const action of actions) expect(KNOWN_AUDIT_ACTIONS, `console words for ${action}`).toContain(action);

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
    const [kept] = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, staying.workspace.id), eq(auditEvents.action, 'auth.signed_in')));
    expect(kept).toMatchObject({ action: 'auth.signed_in', actorId: null, target: 'boss@kept-ws.test' });
    await rt.deps.db.delete(workspaces).where(eq(workspaces.id, gone.workspace.id));
    expect(await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, gone.workspace.id))).toEqual([]);
  });
});
