import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/src/env';
import { startRuntime } from '../../api/src/runtime';
import { serveOnFreePort } from '../../api/test/serve';
import type { FakeOpenAI } from '../../api/test/fake-openai';

export interface RunningApi {
  url: string;
  /** The in-process runtime behind the port, for arranging what no public door can (e.g. a send Gmail gave up on). */
  runtime: Awaited<ReturnType<typeof startRuntime>>;
  close(): Promise<void>;
}

/**
 * The real Lumina API in embedded mode (PGlite in a temp DATA_DIR, inline queue, sandbox
 * mailbox), served on a free port of 127.0.0.1 — the extension's host permission covers any port there.
 */
export async function startEmbeddedApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lumina-e2e-'));
  // Suites sign colleagues in by domain, and import `.test` addresses no resolver knows (api/test/harness.ts says why).
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', JOIN_BY_DOMAIN: 'true', RECIPIENT_DNS_CHECK: 'false', ...env });
  const runtime = await startRuntime(config);
  const server = await serveOnFreePort(runtime);
  return {
    url: server.url,
    runtime,
    async close() {
      await server.close();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The API's environment for the OpenAI-compatible fake as its AI provider. */
export const fakeAiEnv = (ai: FakeOpenAI): Record<string, string> => ({ AI_BASE_URL: ai.baseUrl, AI_MODEL: 'fake-model', AI_API_KEY: 'sk-fake' });

/** Calls the API as a test (not as the extension): arrange and assert through the public door. */
export async function apiJson<T = unknown>(api: RunningApi, path: string, init: { token?: string; method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}
