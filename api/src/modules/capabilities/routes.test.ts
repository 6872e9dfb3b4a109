import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesResponse } from '../../../../shared/contracts/capabilities';
import { createTestRuntime, type TestRuntime } from '../../../test/harness';

describe('GET /api/capabilities', () => {
  let rt: TestRuntime | undefined;
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
  });

  it('answers before sign-in: no AI, no Google, sandbox on says so', async () => {
    rt = await createTestRuntime({ env: { SANDBOX_LOGIN: 'true' } });
    const res = await rt.app.request('/api/capabilities');
    expect(res.status).toBe(200);
    const body = capabilitiesResponse.parse(await res.json());
    expect(body).toMatchObject({ googleSignIn: false, sandboxLogin: true, ai: { configured: false } });
    expect(body.ai.hint).toContain('AI_BASE_URL');
  });

  it('a server with a provider and a Google client offers both, and no sandbox when it is off', async () => {
    rt = await createTestRuntime({ env: { AI_BASE_URL: 'http://127.0.0.1:9/v1', AI_MODEL: 'm', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', SANDBOX_LOGIN: 'false' } });
    const body = capabilitiesResponse.parse(await (await rt.app.request('/api/capabilities')).json());
    expect(body).toEqual({ ai: { configured: true, hint: null }, googleSignIn: true, sandboxLogin: false });
  });
});
