import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { auditEvents, invites, users } from '../../../../db/schema';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { inviteSchema } from '../../../../shared/contracts/admin';
import { sessionResponse, workspaceSettingsSchema } from '../../../../shared/contracts/auth';

// The production default: nobody joins by domain unless the workspace turns it on.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { JOIN_BY_DOMAIN: 'false', AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  rt.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) });
const expectError = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  const body = errorEnvelopeSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error;
};
const STRONG = 'violet-Harbor-92-quietly';

describe('joining a workspace', () => {
  it('by domain only when the workspace turns it on, with the role it grants', async () => {
    const boss = await signIn(rt.app, 'boss@domain-join.test', 'Boss');
    const stranger = await signIn(rt.app, 'someone@domain-join.test', 'Someone');
    expect(stranger.workspace.id).not.toBe(boss.workspace.id); // off by default: a workspace of their own
    expect(stranger.workspace.role).toBe('admin');
    expect(workspaceSettingsSchema.parse(await (await boss.call('/api/admin/settings')).json())).toEqual({ joinByDomain: false, joinByDomainRole: 'member' });

    const on = await boss.call('/api/admin/settings', { method: 'PATCH', json: { joinByDomain: true, joinByDomainRole: 'viewer' } });
    expect(workspaceSettingsSchema.parse(await on.json())).toEqual({ joinByDomain: true, joinByDomainRole: 'viewer' });
    const colleague = await signIn(rt.app, 'colleague@domain-join.test', 'Colleague');
    expect(colleague.workspace).toMatchObject({ id: boss.workspace.id, role: 'viewer' });
    const rows = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, boss.workspace.id));
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['settings.changed', 'member.joined_by_domain']));
    await expectError(await colleague.call('/api/admin/settings', { method: 'PATCH', json: { joinByDomain: false } }), 403, 'FORBIDDEN');
  });

  it('by invite: single use, and not after it expired', async () => {
    const boss = await signIn(rt.app, 'boss@invites-7d.test', 'Boss');
    const made = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email: 'late@invites-7d.test' } })).json());
    expect(new Date(made.expiresAt).getTime() - new Date(made.createdAt).getTime()).toBeGreaterThan(6.9 * 86_400_000);
    await rt.deps.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, made.id));
    const late = await signIn(rt.app, 'late@invites-7d.test', 'Late');
    expect(late.workspace.id).not.toBe(boss.workspace.id); // the lapsed invite does not let them in

    await boss.call('/api/admin/invites', { method: 'POST', json: { email: 'once@invites-7d.test' } });
    const once = await signIn(rt.app, 'once@invites-7d.test', 'Once');
    expect(once.workspace.id).toBe(boss.workspace.id);
    const [used] = await rt.deps.db.select().from(invites).where(eq(invites.email, 'once@invites-7d.test'));
    expect(used!.acceptedAt).not.toBeNull();
  });
});

describe('e-mail + password accounts', () => {
  it('signs up by invite with a strong password, signs in, refuses wrong ones and locks after a burst', async () => {
    const boss = await signIn(rt.app, 'boss@passwords.test', 'Boss');
    const invite = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email: 'pat@passwords.test', role: 'admin' } })).json());
    expect(invite.signUpToken).toMatch(/^[0-9a-f-]{36}\.\d+\.[\w-]+$/);

    // A forged or altered token is refused; so is a weak password, with the rule.
    await expectError(await post('/api/auth/password/sign-up', { token: `${invite.signUpToken!.slice(0, -2)}xx`, password: STRONG }), 404, 'NOT_FOUND');
    const weak = await expectError(await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: 'password123' }), 400, 'VALIDATION_ERROR');
    expect(weak.message).toContain('at least 10 characters');
    await expectError(await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: 'pat@passwords.test' }), 400, 'VALIDATION_ERROR');

    const up = await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: STRONG, name: 'Pat' });
    expect(up.status).toBe(201);
    expect(sessionResponse.parse(await up.json()).workspace).toMatchObject({ id: boss.workspace.id, role: 'admin' });
    const [pat] = await rt.deps.db.select().from(users).where(eq(users.email, 'pat@passwords.test'));
    expect(pat!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // Single use: the same link again is refused.
    await expectError(await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: STRONG }), 404, 'NOT_FOUND');

    const signedIn = await post('/api/auth/password/sign-in', { email: 'PAT@passwords.test', password: STRONG });
    expect(signedIn.status).toBe(200);
    const session = sessionResponse.parse(await signedIn.json());
    expect((await rt.app.request('/api/me', { headers: { authorization: `Bearer ${session.token}` } })).status).toBe(200);

    await expectError(await post('/api/auth/password/sign-in', { email: 'pat@passwords.test', password: 'wrong-password-1' }), 401, 'UNAUTHORIZED');
    await expectError(await post('/api/auth/password/sign-in', { email: 'nobody@passwords.test', password: STRONG }), 401, 'UNAUTHORIZED');
    const failed = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in_failed'));
    expect(failed).toEqual([expect.objectContaining({ workspaceId: boss.workspace.id, target: 'pat@passwords.test' })]);
    for (let i = 0; i < 9; i++) await post('/api/auth/password/sign-in', { email: 'pat@passwords.test', password: `wrong-${i}` });
    const locked = await post('/api/auth/password/sign-in', { email: 'pat@passwords.test', password: STRONG });
    await expectError(locked.clone(), 429, 'RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('never gives a password to an existing account through an invite', async () => {
    const boss = await signIn(rt.app, 'boss@takeover.test', 'Boss');
    await signIn(rt.app, 'victim@elsewhere.test', 'Victim');
    const invite = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email: 'victim@elsewhere.test' } })).json());
    await expectError(await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: STRONG }), 409, 'CONFLICT');
  });

  it('rate-limits password sign-in per address like the other sign-in doors', async () => {
    const strict = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await strict.app.request('/api/auth/password/sign-in', {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' }, body: JSON.stringify({ email: `p${i}@rl.test`, password: 'x' }),
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await strict.close();
    }
  });

  it('signs in on the console with e-mail and password', async () => {
    const boss = await signIn(rt.app, 'boss@console-pw.test', 'Boss');
    const invite = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email: 'ops@console-pw.test', role: 'admin' } })).json());
    expect((await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: STRONG })).status).toBe(201);
    const form = (password: string) =>
      rt.app.request('/console/login', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
        body: new URLSearchParams({ email: 'ops@console-pw.test', password }).toString(),
      });
    const wrong = await form('not-the-password');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong e-mail address or password.');
    const right = await form(STRONG);
    expect(right.status).toBe(303);
    expect(right.headers.get('set-cookie')).toMatch(/lumina_console=/);
  });
});
