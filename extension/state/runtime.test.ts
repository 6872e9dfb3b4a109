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

  it('asks again when a stopped worker dropped the message, and the fresh worker answers', async () => {
    let calls = 0;
    worker.answer = (_msg, reply) => (++calls === 1 ? reply(undefined, { message: 'The message port closed before a response was received.' }) : reply({ ok: true, data: 'fresh worker' }));
    expect(await ask({ type: 'session.get' })).toEqual({ ok: true, data: 'fresh worker' });
    expect(worker.received).toEqual([{ type: 'session.get' }, { type: 'session.get' }]);
  });

  it('gives up after three tries, and never asks again after a real answer, even an error', async () => {
    worker.answer = (_msg, reply) => reply(undefined, { message: 'Could not establish connection. Receiving end does not exist.' });
    expect((await ask({ type: 'sync.now' })).ok).toBe(false);
    expect(worker.received).toHaveLength(3);
    worker.received.length = 0;
    worker.answer = (_msg, reply) => reply({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in again' } });
    expect(await ask({ type: 'sync.now' })).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in again' } });
    expect(worker.received).toHaveLength(1);
  });
});
