import { afterEach, describe, expect, it, vi } from 'vitest';

// The real webextension-polyfill wraps a Chrome-shaped runtime: it checks runtime.id on
// import and speaks Chrome's callback + lastError protocol, so the fake has to exist first.
const worker = vi.hoisted(() => {
  type Reply = (answer?: unknown, lastError?: { message: string }) => void;
  const state = {
    answer: (_msg: unknown, reply: Reply) => reply({ ok: true, data: 'default' }),
    lastError: undefined as { message: string } | undefined,
    received: [] as unknown[],
  };
  const runtime = {
    id: 'lumina-unit-test',
    get lastError() {
      return state.lastError;
    },
    sendMessage(msg: unknown, callback: (answer?: unknown) => void) {
      state.received.push(msg);
      setTimeout(() =>
        state.answer(msg, (answer, lastError) => {
          state.lastError = lastError;
          callback(answer);
          state.lastError = undefined;
        }),
      );
    },
  };
  (globalThis as { chrome?: unknown }).chrome = { runtime };
  return state;
});

import { ask } from './runtime';

describe('ask: runtime messages through webextension-polyfill', () => {
  const defaultAnswer = worker.answer;
  afterEach(() => {
    worker.answer = defaultAnswer;
    worker.received.length = 0;
  });

  it('hands the message to the runtime and returns the service worker’s answer', async () => {
    worker.answer = (_msg, reply) => reply({ ok: true, data: { user: 'rep@lumina.test' } });
    expect(await ask({ type: 'session.get' })).toEqual({ ok: true, data: { user: 'rep@lumina.test' } });
    expect(worker.received).toEqual([{ type: 'session.get' }]);
  });

  it('turns a worker that closed the channel without answering into NO_ANSWER, not undefined', async () => {
    worker.answer = (_msg, reply) => reply(undefined, { message: 'The message port closed before a response was received.' });
    expect(await ask({ type: 'sync.now' })).toEqual({ ok: false, error: { code: 'NO_ANSWER', message: 'The Lumina service worker did not answer' } });
  });

  it('turns a missing receiver (worker not running, extension reloaded) into an error result, never a throw', async () => {
    worker.answer = (_msg, reply) => reply(undefined, { message: 'Could not establish connection. Receiving end does not exist.' });
    expect(await ask({ type: 'sync.now' })).toEqual({ ok: false, error: { code: 'NO_ANSWER', message: 'Could not establish connection. Receiving end does not exist.' } });
  });
});
