import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestRuntime, type TestRuntime } from '../../../test/harness';
import { auditEvents, mailboxes, users, workspaces } from '../../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { mailboxGmail, markNeedsReauth } from '../mailboxes/gmail';
import { openTokens } from '../../gmail/oauth';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { signState } from './state';

const EXTENSION = `https://${'abcdefghijklmnopabcdefghijklmnop'}.chromiumapp.org/`;
let emu: GmailEmulator;
let rt: TestRuntime;

beforeAll(async () => {
  emu = await startGmailEmulator({ clientId: 'lumina-cid', clientSecret: 'lumina-secret' });
  rt = await createTestRuntime({
    env: {
      GOOGLE_API_ROOT: emu.url,
      GOOGLE_CLIENT_ID: 'lumina-cid',
      GOOGLE_CLIENT_SECRET: 'lumina-secret',
      GOOGLE_OAUTH_REDIRECT_ALLOW: `${EXTENSION},https://app.partner.test/lumina/`,
      // Many sign-ins from one test client: the per-IP limit has its own tests (auth rate-limit suite).
      AUTH_RATE_LIMIT_PER_MIN: '1000',
    },
  });
});
afterAll(async () => {
  await rt?.close();
  await emu?.close();
});

/** The browser's part: follow our start redirect to Google (the emulator) and back to our callback. */
async function signInWithGoogle(email: string, query: string) {
  emu.control.consentAs(email, 'Neo Anderson');
  const start = await rt.app.request(`/api/auth/google/start?${query}`);
  expect(start.status).toBe(302);
  const consent = new URL(start.headers.get('location')!);
  const atGoogle = await fetch(consent, { redirect: 'manual' });
  expect(atGoogle.status).toBe(302);
  const back = new URL(atGoogle.headers.get('location')!);
  expect(back.origin + back.pathname).toBe('http://lumina.test/api/auth/google/callback');
  const callback = await rt.app.request(back.pathname + back.search);
  return { consent, callback };
}

const errorCode = async (res: Response) => errorEnvelopeSchema.parse(await res.json()).error.code;

describe('Google sign-in against the emulator', () => {
  it('full mode: consent URL, code exchange, user + membership + mailbox, session in the fragment', async () => {
    const redirect = 'http://lumina.test/console/signed-in';
    const { consent, callback } = await signInWithGoogle('neo@matrix.test', `mode=full&redirect=${encodeURIComponent(redirect)}`);
    expect(consent.origin + consent.pathname).toBe(`${emu.url}/o/oauth2/v2/auth`);
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('prompt')).toBe('consent');
    expect(consent.searchParams.get('client_id')).toBe('lumina-cid');
    expect(consent.searchParams.get('scope')!.split(' ').sort()).toEqual(
      ['email', 'https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send', 'openid', 'profile'].sort(),
    );

    expect(callback.status).toBe(302);
    const landing = new URL(callback.headers.get('location')!);
    expect(landing.origin + landing.pathname).toBe(redirect);
    expect(landing.search).toBe('');
    const token = new URLSearchParams(landing.hash.slice(1)).get('token')!;
    const me = await rt.app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string; name: string }; workspace: { id: string; role: string } };
    expect(body.user).toMatchObject({ email: 'neo@matrix.test', name: 'Neo Anderson' });
    expect(body.workspace.role).toBe('admin');
    expect(body.workspace).toMatchObject({ gmailMode: 'full' }); // the admin's choice is the workspace's mode

    const [user] = await rt.deps.db.select().from(users).where(eq(users.email, 'neo@matrix.test'));
    expect(user!.googleSub).toMatch(/^\d+$/);
    const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, body.workspace.id));
    expect(box).toMatchObject({ provider: 'gmail', email: 'neo@matrix.test', status: 'active' });
    expect(box!.scopes).toContain('https://www.googleapis.com/auth/gmail.readonly');
    const tokens = openTokens(rt.config, box!);
    const dump = JSON.stringify(await rt.deps.db.execute(sql`select * from mailboxes`));
    expect(dump).not.toContain(tokens.access_token!);
    expect(dump).not.toContain(tokens.refresh_token!);

    // The stored mailbox sends through the client.
    const gmail = await mailboxGmail(rt.deps, box!);
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe('neo@matrix.test');
  });

  it('light mode asks for gmail.send and identity only; signing in again reuses user and mailbox', async () => {
    const { consent, callback } = await signInWithGoogle('trin@matrix.test', `mode=light&redirect=${encodeURIComponent(EXTENSION)}`);
    expect(consent.searchParams.get('scope')!.split(' ')).not.toContain('https://www.googleapis.com/auth/gmail.readonly');
    expect(callback.headers.get('location')!.startsWith(`${EXTENSION}#token=`)).toBe(true);
    const again = await signInWithGoogle('trin@matrix.test', 'mode=light');
    expect(again.callback.status).toBe(200);
    const rows = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.email, 'trin@matrix.test'));
    expect(rows).toHaveLength(1);
    expect((await rt.deps.db.select().from(users).where(eq(users.email, 'trin@matrix.test')))).toHaveLength(1);
  });

  it('a mailbox Google stopped accepting is reconnected by signing in again, and the audit log says which', async () => {
    await signInWithGoogle('reauth@zion.test', 'mode=light');
    const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.email, 'reauth@zion.test'));
    await markNeedsReauth(rt.deps, box!.id);
    await signInWithGoogle('reauth@zion.test', 'mode=light');
    const [after] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.id, box!.id));
    expect(after!.status).toBe('active');
    const log = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, box!.workspaceId)).orderBy(auditEvents.createdAt);
    expect(log.filter((r) => r.action.startsWith('mailbox.')).map((r) => [r.action, r.target, (r.data as { before?: string }).before ?? null])).toEqual([
      ['mailbox.connected', 'reauth@zion.test', null],
      ['mailbox.needs_reauth', 'reauth@zion.test', 'active'],
      ['mailbox.reconnected', 'reauth@zion.test', 'needs_reauth'],
    ]);
  });

  it('a colleague signing in without a mode gets the full workspace’s scopes: Google is asked once more for gmail.readonly', async () => {
    const { consent, callback } = await signInWithGoogle('oracle@matrix.test', `redirect_uri=${encodeURIComponent(EXTENSION)}`);
    expect(consent.searchParams.get('scope')!.split(' ')).not.toContain('https://www.googleapis.com/auth/gmail.readonly');
    expect(callback.status).toBe(302);
    const again = new URL(callback.headers.get('location')!);
    expect(again.origin + again.pathname).toBe(`${emu.url}/o/oauth2/v2/auth`);
    expect(again.searchParams.get('scope')!.split(' ')).toContain('https://www.googleapis.com/auth/gmail.readonly');
    expect(again.searchParams.get('login_hint')).toBe('oracle@matrix.test');

    const back = new URL((await fetch(again, { redirect: 'manual' })).headers.get('location')!);
    const done = await rt.app.request(back.pathname + back.search);
    expect(done.status).toBe(302);
    // `redirect_uri` (OAuth's name for `redirect`) is the same allow-listed redirect.
    expect(done.headers.get('location')!.startsWith(`${EXTENSION}#token=`)).toBe(true);
    const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.email, 'oracle@matrix.test'));
    expect(box!.scopes).toContain('https://www.googleapis.com/auth/gmail.readonly');
    const me = (await (await rt.app.request('/api/me', { headers: { authorization: `Bearer ${new URLSearchParams(new URL(done.headers.get('location')!).hash.slice(1)).get('token')}` } })).json()) as { workspace: { role: string; gmailMode: string } };
    expect(me.workspace).toMatchObject({ role: 'member', gmailMode: 'full' });
  });

  it('a member naming light mode is not asked again, and cannot change the workspace’s mode', async () => {
    const { callback } = await signInWithGoogle('cypher@matrix.test', 'mode=light');
    expect(callback.status).toBe(200);
    const [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.email, 'cypher@matrix.test'));
    expect(box!.scopes).not.toContain('https://www.googleapis.com/auth/gmail.readonly');
    const [ws] = await rt.deps.db.select().from(workspaces).where(eq(workspaces.id, box!.workspaceId));
    expect(ws!.gmailMode).toBe('full');
  });

  it('without a redirect, answers a small page that carries the session', async () => {
    const { callback } = await signInWithGoogle('morph@matrix.test', 'mode=light');
    expect(callback.status).toBe(200);
    expect(callback.headers.get('cache-control')).toBe('no-store');
    const html = await callback.text();
    expect(html).toContain('morph@matrix.test');
    expect(html).toMatch(/"type":"lumina:session","token":"[A-Za-z0-9_-]{40,}"/);
  });

  it('rejects a redirect that is not allow-listed, before going to Google', async () => {
    for (const bad of ['https://evil.test/steal', 'https://app.partner.test/other/', 'http://lumina.test.evil.test/', 'https://user:pw@lumina.test/']) {
      const res = await rt.app.request(`/api/auth/google/start?redirect=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(await errorCode(res)).toBe('VALIDATION_ERROR');
    }
    const partner = await rt.app.request(`/api/auth/google/start?redirect=${encodeURIComponent('https://app.partner.test/lumina/done')}`);
    expect(partner.status).toBe(302);
    const unknownExtension = await rt.app.request(`/api/auth/google/start?redirect=${encodeURIComponent(`https://${'p'.repeat(32)}.chromiumapp.org/`)}`);
    expect(unknownExtension.status).toBe(302); // embedded mode allows local unpacked extension ids
  });

  it('rejects forged, altered and expired state with a 400 envelope', async () => {
    emu.control.consentAs('forger@matrix.test');
    const start = await rt.app.request('/api/auth/google/start?mode=light');
    const atGoogle = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(atGoogle.headers.get('location')!);
    const code = back.searchParams.get('code')!;
    const state = back.searchParams.get('state')!;
    const [payload, mac] = state.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), redirect: 'https://evil.test/' })).toString('base64url');
    const expired = signState(rt.config, { mode: 'light' }, Date.now() - 11 * 60_000);
    const otherKey = signState({ encryptionKey: Buffer.alloc(32, 7) }, { mode: 'light' });
    for (const bad of ['nope', `${altered}.${mac}`, expired, otherKey, `${state}.x`]) {
      const res = await rt.app.request(`/api/auth/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('VALIDATION_ERROR');
    }
    expect((await rt.app.request('/api/auth/google/callback?code=x')).status).toBe(400);
    // The genuine state still works once; the same code again is refused.
    expect((await rt.app.request(back.pathname + back.search)).status).toBe(200);
    const replay = await rt.app.request(back.pathname + back.search);
    expect(replay.status).toBe(400);
    expect(await errorCode(replay)).toBe('VALIDATION_ERROR');
  });

  it('a cancelled consent goes back to the redirect with the error', async () => {
    const state = signState(rt.config, { mode: 'light', redirect: EXTENSION });
    const res = await rt.app.request(`/api/auth/google/callback?error=access_denied&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${EXTENSION}#error=access_denied`);
  });

  it('answers 403 with a clear message when Google is not configured', async () => {
    const bare = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url } });
    try {
      const res = await bare.app.request('/api/auth/google/start');
      expect(res.status).toBe(403);
      expect(errorEnvelopeSchema.parse(await res.json()).error.message).toMatch(/GOOGLE_CLIENT_ID/);
    } finally {
      await bare.close();
    }
  });
});
