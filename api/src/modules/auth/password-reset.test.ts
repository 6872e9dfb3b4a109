import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { auditEvents, passwordResets, users } from '../../../../db/schema';
import { errorEnvelopeSchema, paginationSchema } from '../../../../shared/errors';
import { inviteSchema } from '../../../../shared/contracts/admin';
import { passwordResetDone, passwordResetRequested, sessionResponse } from '../../../../shared/contracts/auth';
import { sandboxMessageSchema } from '../../../../shared/contracts/sandbox';
import { resetMailsSettled } from './password-reset';

let emu: GmailEmulator;
let rt: TestRuntime;
let boss: Awaited<ReturnType<typeof signIn>>;
const STRONG = 'violet-Harbor-92-quietly';
const NEWER = 'copper-Lantern-57-softly';

beforeAll(async () => {
  emu = await startGmailEmulator();
  // Sandbox mail on (the emulator), the production default for joining, sign-in limits out of the way.
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url, JOIN_BY_DOMAIN: 'false', AUTH_RATE_LIMIT_PER_MIN: '1000' } });
  boss = await signIn(rt.app, 'boss@reset.test', 'Boss'); // has the workspace's sandbox mailbox
});
afterAll(async () => {
  await resetMailsSettled();
  await rt?.close();
  await emu?.close();
});

const post = (path: string, json: unknown) => rt.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
const me = (token: string) => rt.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
const errorOf = async (res: Response) => errorEnvelopeSchema.parse(await res.json()).error;

async function passwordAccount(email: string) {
  const invite = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email } })).json());
  expect((await post('/api/auth/password/sign-up', { token: invite.signUpToken, password: STRONG })).status).toBe(201);
  return sessionResponse.parse(await (await post('/api/auth/password/sign-in', { email, password: STRONG })).json());
}

/** What the sandbox mailbox delivered to this address, parsed from the raw RFC 822 text. */
async function mailsTo(address: string, viewer = boss) {
  await resetMailsSettled();
  const list = paginationSchema(sandboxMessageSchema).parse(await (await viewer.call('/api/sandbox/messages?limit=100')).json());
  return Promise.all(list.data.filter((m) => m.to.includes(address)).map((m) => PostalMime.parse(m.raw)));
}
const linkIn = (mail: { text?: string }) => /https?:\/\/\S+\/console\/reset-password\?token=([\w-]+)/.exec(mail.text ?? '')?.[1];

describe('password reset', () => {
  it('answers the same for any address, mails a single-use link, and signs every session out', async () => {
    const pat = await passwordAccount('pat@reset.test');
    expect((await me(pat.token)).status).toBe(200);

    const known = await post('/api/auth/password/reset-request', { email: 'PAT@reset.test' });
    const unknown = await post('/api/auth/password/reset-request', { email: 'nobody@reset.test' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(passwordResetRequested.parse(await known.json())).toEqual(passwordResetRequested.parse(await unknown.json()));

    const mails = await mailsTo('pat@reset.test');
    expect(mails).toHaveLength(1);
    expect(await mailsTo('nobody@reset.test')).toHaveLength(0);
    expect(mails[0]!.subject).toBe('Choose a new Lumina password');
    const token = linkIn(mails[0]!)!;
    expect(token).toBeTruthy();
    expect(mails[0]!.html).toContain(`token=${token}`);
    // Only the hash is kept.
    const [row] = await rt.deps.db.select().from(passwordResets);
    expect(row!.tokenHash).not.toContain(token);
    expect(Math.abs(row!.expiresAt.getTime() - row!.createdAt.getTime() - 3600_000)).toBeLessThan(1000);

    // A weak password is refused with the rule, and the link still works after it.
    const weak = await post('/api/auth/password/reset', { token, password: 'password123' });
    expect(weak.status).toBe(400);
    expect((await errorOf(weak)).message).toContain('at least 10 characters');
    expect((await me(pat.token)).status).toBe(200);

    const done = await post('/api/auth/password/reset', { token, password: NEWER });
    expect(done.status).toBe(200);
    expect(passwordResetDone.parse(await done.json()).message).toContain('signed out');
    expect((await me(pat.token)).status).toBe(401); // the session open before the reset is gone
    expect((await post('/api/auth/password/sign-in', { email: 'pat@reset.test', password: STRONG })).status).toBe(401);
    expect((await post('/api/auth/password/sign-in', { email: 'pat@reset.test', password: NEWER })).status).toBe(200);
    // Single use.
    const again = await post('/api/auth/password/reset', { token, password: `${NEWER}-2` });
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe('NOT_FOUND');

    const audit = await rt.deps.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, boss.workspace.id), eq(auditEvents.target, 'pat@reset.test')));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.password_reset_requested', 'auth.password_reset']));
    expect(audit.find((a) => a.action === 'auth.password_reset')!.data).toEqual({ sessionsEnded: 2 }); // the sign-up's and the sign-in's
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses an expired link and one a newer request replaced', async () => {
    await passwordAccount('lee@reset.test');
    await post('/api/auth/password/reset-request', { email: 'lee@reset.test' });
    const first = linkIn((await mailsTo('lee@reset.test'))[0]!)!;
    await post('/api/auth/password/reset-request', { email: 'lee@reset.test' });
    const second = linkIn((await mailsTo('lee@reset.test')).find((m) => linkIn(m) !== first)!)!;
    expect((await post('/api/auth/password/reset', { token: first, password: NEWER })).status).toBe(404);

    const [user] = await rt.deps.db.select().from(users).where(eq(users.email, 'lee@reset.test'));
    await rt.deps.db.update(passwordResets).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(passwordResets.userId, user!.id));
    expect((await post('/api/auth/password/reset', { token: second, password: NEWER })).status).toBe(404);
    expect((await post('/api/auth/password/sign-in', { email: 'lee@reset.test', password: STRONG })).status).toBe(200); // nothing changed
  });

  it('mails an address at most three times an hour, and never an account without a password', async () => {
    await passwordAccount('kim@reset.test');
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/password/reset-request', { email: 'kim@reset.test' })).status).toBe(202);
    expect(await mailsTo('kim@reset.test')).toHaveLength(3);

    // No password on this account (its own workspace, with its own sandbox mailbox that could send).
    const gina = await signIn(rt.app, 'google-only@reset.test', 'Gina');
    await post('/api/auth/password/reset-request', { email: 'google-only@reset.test' });
    expect(await mailsTo('google-only@reset.test', gina)).toHaveLength(0);
    expect(await rt.deps.db.select().from(passwordResets).innerJoin(users, eq(users.id, passwordResets.userId)).where(eq(users.email, 'google-only@reset.test'))).toHaveLength(0);

    const bad = await post('/api/auth/password/reset-request', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('VALIDATION_ERROR');
  });

  it('is rate limited per client address like the other sign-in doors', async () => {
    const strict = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '2' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await strict.app.request('/api/auth/password/reset-request', {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' }, body: JSON.stringify({ email: `x${i}@rl-reset.test` }),
        });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([202, 202, 429, 429]);
    } finally {
      await resetMailsSettled();
      await strict.close();
    }
  });

  it('works from the console: forgot-password form, then the link’s page', async () => {
    await passwordAccount('ops@reset.test');
    const form = (path: string, fields: Record<string, string>) =>
      rt.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: new URLSearchParams(fields).toString() });
    const login = await (await rt.app.request('/console/login')).text();
    expect(login).toContain('href="/console/forgot-password"');
    const asked = await form('/console/forgot-password', { email: 'ops@reset.test' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('a link to choose a new password is on its way');
    const token = linkIn((await mailsTo('ops@reset.test'))[0]!)!;
    const dead = await rt.app.request(`/console/reset-password?token=${'x'.repeat(43)}`);
    expect(dead.status).toBe(404); // said before anyone types a new password
    expect(await dead.text()).toContain('Ask for a new link');

    const shown = await rt.app.request(`/console/reset-password?token=${token}`);
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await shown.text()).toContain(`value="${token}"`);
    const mismatch = await form('/console/reset-password', { token, password: NEWER, confirm: 'something-else' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('The two passwords are not the same.');
    const changed = await form('/console/reset-password', { token, password: NEWER, confirm: NEWER });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('Your password is changed');
    const reused = await form('/console/reset-password', { token, password: NEWER, confirm: NEWER });
    expect(reused.status).toBe(404);
    expect(await reused.text()).toContain('Ask for a new link');
  });
});
