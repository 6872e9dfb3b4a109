import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// The real SDK only loads on Gmail; the compose handle is what is under test here.
vi.mock('@inboxsdk/core', () => ({ load: () => new Promise(() => {}) }));
const { composeHandle } = await import('./inboxsdk-host');

/** A ComposeView as InboxSDK hands it over: an event emitter with the getters the handle reads. */
function fakeView() {
  const view = Object.assign(new EventEmitter(), {
    getElement: () => ({ querySelector: () => null }) as unknown as HTMLElement,
    getThreadID: () => '',
    getSubject: () => 'Lunch?',
  });
  return view;
}

describe('InboxSDK compose handle', () => {
  it('turns InboxSDK’s `sent` event into Gmail’s message and thread ids, with the tab’s account', async () => {
    const view = fakeView();
    const handle = composeHandle(view as never, 'rep@acme.test');
    const seen: unknown[] = [];
    handle.onGmailSent((s) => seen.push(s));
    view.emit('sent', { getMessageID: async () => '18f0000000000abc', getThreadID: async () => '18f0000000000abd' });
    await vi.waitFor(() => expect(seen).toEqual([{ messageId: '18f0000000000abc', threadId: '18f0000000000abd', account: 'rep@acme.test' }]));
  });

  it('reports nothing when Gmail’s id cannot be read', async () => {
    const view = fakeView();
    const handle = composeHandle(view as never);
    const seen: unknown[] = [];
    handle.onGmailSent((s) => seen.push(s));
    view.emit('sent', { getMessageID: () => Promise.reject(new Error('no id')), getThreadID: async () => 'x' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
  });
});
