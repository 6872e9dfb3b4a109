import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import type { Deps } from '../../context';
import { closeRateLimits } from '../../middleware/rate-limit';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { haveService, services } from '../../../test/services';
import { inviteSchema } from '../../../../shared/contracts/admin';

/**
 * The password lockout seen from two API processes on one database: two apps, each with deps
 * of its own (so limiters of its own), as two `LUMINA_ROLE=api` processes would have.
 */
const STRONG = 'violet-Harbor-92-quietly';

async function twoProcesses(env: Record<string, string>) {
  const rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000', ...env } });
  const otherDeps: Deps = { ...rt.deps };
  const apps = [rt.app, createApp(otherDeps)] as const;
  const boss = await signIn(rt.app, `boss@${env.REDIS_URL ? 'redis' : 'memory'}-lockout.test`, 'Boss');
  const email = `pat@${env.REDIS_URL ? 'redis' : 'memory'}-lockout.test`;
  const invite = inviteSchema.parse(await (await boss.call('/api/admin/invites', { method: 'POST', json: { email } })).json());
  const up = await rt.app.request('/api/auth/password/sign-up', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invite.signUpToken, password: STRONG }) });
  expect(up.status).toBe(201);
  const signInOn = (n: 0 | 1, password: string) =>
    apps[n].request('/api/auth/password/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return {
    rt, signInOn,
    async close() {
      await closeRateLimits(rt.deps);
      await closeRateLimits(otherDeps);
      await rt.close();
    },
  };
}

describe('password lockout on the embedded default (process memory)', () => {
  let p: Awaited<ReturnType<typeof twoProcesses>>;
  beforeAll(async () => {
    p = await twoProcesses({});
  });
  afterAll(() => p?.close());

  it('locks after ten misses in the process that saw them', async () => {
    for (let i = 0; i < 10; i++) expect((await p.signInOn(0, `wrong-${i}`)).status).toBe(401);
    const locked = await p.signInOn(0, STRONG);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800); // about 15 minutes
    // In memory the count is per process: embedded mode runs one (PGlite lives inside it).
    expect((await p.signInOn(1, STRONG)).status).toBe(200);
  });
});

describe.runIf(haveService('redis', 'password lockout in Redis'))('password lockout with REDIS_URL (Redis)', () => {
  let p: Awaited<ReturnType<typeof twoProcesses>>;
  beforeAll(async () => {
    p = await twoProcesses({ REDIS_URL: services.redisUrl!, REDIS_PREFIX: `lockout-${crypto.randomUUID()}` });
  });
  afterAll(() => p?.close());

  it('counts misses across API processes: five on each lock the account on both', async () => {
    for (let i = 0; i < 5; i++) expect((await p.signInOn(0, `wrong-a${i}`)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await p.signInOn(1, `wrong-b${i}`)).status).toBe(401);
    for (const n of [0, 1] as const) {
      const locked = await p.signInOn(n, STRONG);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    }
  });
});
