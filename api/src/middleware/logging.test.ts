import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../test/harness';

/** Every request leaves one JSON line an operator can search by request id or workspace. */
let rt: TestRuntime;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  rt = await createTestRuntime();
  // pino writes each line synchronously to a plain stream object: the test reads what production would print.
  rt.deps.logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
});
afterAll(() => rt?.close());

const requestLines = (requestId: string) => lines.filter((l) => l.msg === 'request' && l.requestId === requestId);

describe('request logs', () => {
  it('carry request id, workspace, route pattern, status and duration', async () => {
    const s = await signIn(rt.app, 'lou@logs.test');
    const res = await s.call(`/api/prospects/${crypto.randomUUID()}`, { headers: { 'x-request-id': 'log-req-1' } });
    expect(res.status).toBe(404);
    const [line, ...more] = requestLines('log-req-1');
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, requestId: 'log-req-1', workspaceId: s.workspace.id, method: 'GET', route: '/api/prospects/:id', status: 404 });
    expect(typeof line!.durationMs).toBe('number');
  });

  it('have no workspace before sign-in, and log 401s too', async () => {
    await rt.app.request('/api/me', { headers: { 'x-request-id': 'log-req-2' } });
    const [line] = requestLines('log-req-2');
    expect(line).toMatchObject({ status: 401, method: 'GET' });
    expect(line!.workspaceId).toBeUndefined();
  });

  it('log a failure at error level with its cause, while the client sees only the envelope', async () => {
    const broken = await createTestRuntime();
    const seen: Array<Record<string, unknown>> = [];
    broken.deps.logger = pino({ level: 'info' }, { write: (line: string) => void seen.push(JSON.parse(line)) });
    try {
      const s = await signIn(broken.app, 'gus@logs.test');
      await broken.dbHandle.close();
      const res = await s.call('/api/me', { headers: { 'x-request-id': 'log-req-3' } });
      expect(res.status).toBe(500);
      const mine = seen.filter((l) => l.requestId === 'log-req-3');
      const failure = mine.find((l) => l.msg === 'unhandled error') as { level: number; err: { stack: string } } | undefined;
      expect(failure?.level).toBe(50);
      expect(failure?.err.stack).toMatch(/\n\s+at /);
      expect(mine.find((l) => l.msg === 'request')).toMatchObject({ level: 50, status: 500 });
      expect(await res.text()).not.toContain(failure!.err.stack.split('\n')[1]!.trim());
    } finally {
      await broken.close().catch(() => {});
    }
  });
});
