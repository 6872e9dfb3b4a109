import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime, expectError } from '../../../test/harness';
import { auditListResponse, inviteListResponse, inviteSchema, memberListResponse, memberSchema, queuesResponse } from '../../../../shared/contracts/admin';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { OPERATOR_EMAILS: 'boss@queues-a.test' } });
});
afterAll(() => rt?.close());

type Session = Awaited<ReturnType<typeof signIn>>;

/** A fresh workspace: its first member is the admin, the second a member. */
async function team(domain: string): Promise<{ admin: Session; member: Session }> {
  const admin = await signIn(rt.app, `boss@${domain}`, 'Boss');
  const member = await signIn(rt.app, `rep@${domain}`, 'Rep');
  return { admin, member };
}

describe('members', () => {
  it('lists members for an admin and refuses a member', async () => {
    const { admin, member } = await team('members-a.test');
    const list = memberListResponse.parse(await (await admin.call('/api/admin/members')).json());
    expect(list.data.map((m) => [m.email, m.role])).toEqual([
      ['boss@members-a.test', 'admin'],
      ['rep@members-a.test', 'member'],
    ]);
    expect(list.pagination.total).toBe(2);
    await expectError(await member.call('/api/admin/members'), 403, 'FORBIDDEN');
    await expectError(await member.call('/api/admin/invites', { method: 'POST', json: { email: 'x@members-a.test' } }), 403, 'FORBIDDEN');
  });

  it('changes roles but never leaves the workspace without an admin', async () => {
    const { admin, member } = await team('members-b.test');
    await expectError(await admin.call(`/api/admin/members/${admin.user.id}`, { method: 'PATCH', json: { role: 'member' } }), 409, 'CONFLICT');
    await expectError(await admin.call(`/api/admin/members/${admin.user.id}`, { method: 'DELETE' }), 409, 'CONFLICT');

    const promoted = memberSchema.parse(await (await admin.call(`/api/admin/members/${member.user.id}`, { method: 'PATCH', json: { role: 'admin' } })).json());
    expect(promoted.role).toBe('admin');
    // Now there are two admins, so the first may step down, and the rep can see the admin API.
    const down = await admin.call(`/api/admin/members/${admin.user.id}`, { method: 'PATCH', json: { role: 'viewer' } });
    expect(memberSchema.parse(await down.json()).role).toBe('viewer');
    expect((await member.call('/api/admin/members')).status).toBe(200);
    await expectError(await member.call(`/api/admin/members/${member.user.id}`, { method: 'PATCH', json: { role: 'member' } }), 409, 'CONFLICT');
  });

  it('removes a member and ends their session', async () => {
    const { admin, member } = await team('members-c.test');
    expect((await admin.call(`/api/admin/members/${member.user.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await member.call('/api/me'), 401, 'UNAUTHORIZED');
    const list = memberListResponse.parse(await (await admin.call('/api/admin/members')).json());
    expect(list.data.map((m) => m.email)).toEqual(['boss@members-c.test']);
    await expectError(await admin.call(`/api/admin/members/${member.user.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it("cannot touch another workspace's member", async () => {
    const a = await team('members-d.test');
    const b = await team('members-e.test');
    await expectError(await a.admin.call(`/api/admin/members/${b.member.user.id}`, { method: 'PATCH', json: { role: 'viewer' } }), 404, 'NOT_FOUND');
    await expectError(await a.admin.call(`/api/admin/members/${b.member.user.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('validates input', async () => {
    const { admin, member } = await team('members-f.test');
    await expectError(await admin.call(`/api/admin/members/${member.user.id}`, { method: 'PATCH', json: { role: 'owner' } }), 400, 'VALIDATION_ERROR');
    await expectError(await admin.call('/api/admin/members/not-a-uuid', { method: 'PATCH', json: { role: 'admin' } }), 400, 'VALIDATION_ERROR');
    await expectError(await admin.call('/api/admin/members?limit=1000'), 400, 'VALIDATION_ERROR');
  });
});

describe('invites', () => {
  it('creates, lists, replaces, revokes, and the invitee joins with the role', async () => {
    const { admin } = await team('invites-a.test');
    const inv = inviteSchema.parse(await (await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'Zed@Gmail.com', role: 'viewer' } })).json());
    expect(inv).toMatchObject({ email: 'zed@gmail.com', role: 'viewer', acceptedAt: null, invitedBy: admin.user.id });
    const again = await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'zed@gmail.com', role: 'member' } });
    expect(again.status).toBe(201);
    const list = inviteListResponse.parse(await (await admin.call('/api/admin/invites')).json());
    expect(list.data.map((i) => [i.email, i.role])).toEqual([['zed@gmail.com', 'member']]);

    const zed = await signIn(rt.app, 'zed@gmail.com');
    expect(zed.workspace).toMatchObject({ id: admin.workspace.id, role: 'member' });

    const other = inviteSchema.parse(await (await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'yan@gmail.com' } })).json());
    expect((await admin.call(`/api/admin/invites/${other.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await admin.call(`/api/admin/invites/${other.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('refuses to invite a current member', async () => {
    const { admin } = await team('invites-b.test');
    await expectError(await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'rep@invites-b.test' } }), 409, 'CONFLICT');
    await expectError(await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'nope' } }), 400, 'VALIDATION_ERROR');
  });

  it("cannot revoke another workspace's invite", async () => {
    const a = await team('invites-c.test');
    const b = await team('invites-d.test');
    const inv = inviteSchema.parse(await (await a.admin.call('/api/admin/invites', { method: 'POST', json: { email: 'new@invites-c.test' } })).json());
    await expectError(await b.admin.call(`/api/admin/invites/${inv.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  });
});

describe('audit log', () => {
  it('records admin actions, newest first, paginated and workspace-scoped', async () => {
    const { admin, member } = await team('audit-a.test');
    await admin.call(`/api/admin/members/${member.user.id}`, { method: 'PATCH', json: { role: 'viewer' } });
    await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'new@audit-a.test', role: 'member' } });
    const page1 = auditListResponse.parse(await (await admin.call('/api/admin/audit?limit=1')).json());
    // Two sign-ins, the member's joining by domain, the role change and the invite.
    expect(page1.pagination).toEqual({ page: 1, limit: 1, total: 5, totalPages: 5 });
    expect(page1.data[0]).toMatchObject({ action: 'invite.created', target: 'new@audit-a.test', actorEmail: 'boss@audit-a.test' });
    const changed = auditListResponse.parse(await (await admin.call('/api/admin/audit?action=member.role_changed')).json());
    expect(changed.data[0]?.data).toEqual({ userId: member.user.id, from: 'member', to: 'viewer' });

    const outsider = await team('audit-b.test');
    const theirs = auditListResponse.parse(await (await outsider.admin.call('/api/admin/audit')).json());
    // Only their own sign-ins: nothing of audit-a's.
    expect(theirs.data.length).toBeGreaterThan(0);
    expect(theirs.data.every((r) => r.actorEmail?.endsWith('@audit-b.test') && !JSON.stringify(r).includes('audit-a.test'))).toBe(true);
  });
});

describe('queue health', () => {
  it('answers the counts of each queue', async () => {
    const { admin, member } = await team('queues-a.test');
    await rt.deps.queue.enqueue('console-demo', 'noop', {}, { delayMs: 60_000 });
    const health = queuesResponse.parse(await (await admin.call('/api/admin/queues')).json());
    expect(health.driver).toBe('inline');
    expect(health.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['send', 'sequence', 'console-demo']));
    expect(health.queues.find((q) => q.name === 'console-demo')?.counts).toMatchObject({ waiting: 0, delayed: 1 });
    await expectError(await member.call('/api/admin/queues'), 403, 'FORBIDDEN');
  });

  it("shows a workspace admin who is no operator only their workspace's counts", async () => {
    const { admin } = await team('queues-b.test');
    await rt.deps.queue.enqueue('console-demo', 'noop', {}, { delayMs: 60_000 });
    const health = queuesResponse.parse(await (await admin.call('/api/admin/queues')).json());
    expect(health.scope).toBe('workspace');
    expect(health.queues.map((q) => q.name)).not.toContain('console-demo');
    expect(health.queues.find((q) => q.name === 'send')?.counts).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
  });
});
