import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../harness';
import { errorEnvelopeSchema } from '../../../shared/errors';
import { closeRateLimits } from '../../src/middleware/rate-limit';
import { startOwnRedis } from '../own-redis';

/** Defect 8: sign-in and bad-token bursts per IP answer 429 RATE_LIMITED with Retry-After. */
const LIMITS = { AUTH_RATE_LIMIT_PER_MIN: '5', BAD_TOKEN_RATE_LIMIT_PER_MIN: '5' };
let redis: Awaited<ReturnType<typeof startOwnRedis>>;
beforeAll(async () => {
  redis = await startOwnRedis();
});
afterAll(() => redis?.stop());

const login = (rt: TestRuntime, ip: string, i: number) =>
  rt.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email: `u${i}@rl.test` }) });

async function expect429(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('RATE_LIMITED');
}

describe.each([
  ['memory', () => ({})],
  ['redis', () => ({ REDIS_URL: redis.url })],
])('rate limits (%s)', (_name, env) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { ...LIMITS, TRUST_PROXY: '1', REDIS_PREFIX: `rl-${crypto.randomUUID().slice(0, 8)}`, ...env() } });
  });
  afterAll(async () => {
    await closeRateLimits(rt.deps);
    await rt?.close();
  });

  it('limit sign-in per client address, and another address is not held back', async () => {
    for (let i = 0; i < 5; i++) expect((await login(rt, '198.51.100.7', i)).status).toBe(200);
    await expect429(await login(rt, '198.51.100.7', 99));
    await expect429(await rt.app.request('/api/auth/google/start', { headers: { 'x-forwarded-for': '198.51.100.7' } }));
    expect((await login(rt, '198.51.100.8', 100)).status).toBe(200);
  });

  it('limit requests with a bad bearer token, and then refuse even before looking the token up', async () => {
    const bad = () => rt.app.request('/api/me', { headers: { authorization: 'Bearer not-a-real-token', 'x-forwarded-for': '203.0.113.9' } });
    for (let i = 0; i < 5; i++) expect((await bad()).status).toBe(401);
    await expect429(await bad());
    await expect429(await bad());
  });
});

describe('without TRUST_PROXY', () => {
  it('a forged X-Forwarded-For does not buy a fresh bucket', async () => {
    const rt = await createTestRuntime({ env: LIMITS });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await login(rt, `192.0.2.${i}`, i)).status);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes.slice(5)).toEqual([429, 429]);
    } finally {
      await rt.close();
    }
  });
});
