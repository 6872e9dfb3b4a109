import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../test/harness';
import { serveOnFreePort } from '../../test/serve';
import { errorEnvelopeSchema } from '../../../shared/errors';

/** Over a real port, as clients send bodies: with Content-Length, or chunked with none. */
describe('the body limit over HTTP', () => {
  const LIMIT = 2000;
  let rt: TestRuntime;
  let server: Awaited<ReturnType<typeof serveOnFreePort>>;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { BODY_LIMIT_BYTES: String(LIMIT) } });
    server = await serveOnFreePort(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.close();
  });

  const login = (body: string, chunked = false) =>
    fetch(`${server.url}/api/auth/sandbox-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A stream has no length to announce: fetch sends it with Transfer-Encoding: chunked.
      ...(chunked ? { body: new Blob([body]).stream(), duplex: 'half' } : { body }),
    } as RequestInit);
  const withName = (bytes: number) => JSON.stringify({ email: 'ada@limit.test', name: 'x'.repeat(bytes) });

  it('lets a body within the limit through, whichever way it is sent', async () => {
    expect((await login(withName(100))).status).toBe(200);
    expect((await login(withName(100), true)).status).toBe(200);
  });

  it('answers 413 with the error envelope for an announced or a chunked body past the limit', async () => {
    for (const chunked of [false, true]) {
      const res = await login(withName(LIMIT + 10), chunked);
      expect(res.status).toBe(413);
      expect(errorEnvelopeSchema.parse(await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });
});
