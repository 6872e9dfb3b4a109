import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../state/kv';
import { composeKey, conflictsKey, draftKey, type ConflictCopy, type LocalDraft } from '../state/drafts';
import type { ComposeHandle } from './host';
import type { RuntimeMessage } from '../../shared/messages';
import type { Ask } from '../state/runtime';
import { startComposeSession } from './compose-session';

/** A compose window as the host hands it over: subject, body and the change/close events. */
function fakeCompose(key = 'compose:cmp1') {
  const state = { subject: 'Onboarding at Acme', body: 'Hi Ada,' };
  let changed = () => {};
  let closed = () => {};
  const handle: ComposeHandle = {
    key,
    getSubject: () => state.subject,
    setSubject: (s) => void (state.subject = s),
    getBodyText: () => state.body,
    getBodyHtml: () => `<div>${state.body}</div>`,
    setBodyText: (t) => void (state.body = t),
    getRecipients: () => ['ada@prospect.test'],
    threadId: () => undefined,
    onChange: (h) => ((changed = h), () => (changed = () => {})),
    onClosed: (h) => void (closed = h),
    addToolbarButton: () => {},
    mountPanel: () => {
      throw new Error('not used here');
    },
    onPresend: () => {},
  };
  return { handle, type: (text: string) => ((state.body += text), changed()), close: () => closed() };
}

describe('compose session', () => {
  const messages: unknown[] = [];
  // What the service worker would be told, recorded instead of sent.
  const ask: Ask = async <T,>(m: RuntimeMessage) => (messages.push(m), { ok: true, data: {} as T });
  beforeEach(() => {
    vi.useFakeTimers();
    messages.length = 0;
    vi.stubGlobal('window', new EventTarget());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const saved = async (store: ReturnType<typeof memoryStore>, compose: string) => {
    const id = await store.get<string>(composeKey(compose));
    return store.get<LocalDraft>(draftKey(id!));
  };

  it('saves ~300 ms after the rep stops typing, and asks the worker to sync', async () => {
    const store = memoryStore();
    const c = fakeCompose();
    await startComposeSession(c.handle, store, ask);
    c.type(' would Thursday work?');
    expect(await saved(store, c.handle.key)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(300);
    expect((await saved(store, c.handle.key))?.bodyText).toBe('Hi Ada, would Thursday work?');
    expect(messages).toEqual([expect.objectContaining({ type: 'draft.changed' })]);
  });

  it('flushes a change still in its debounce at once, so a send right after typing sends what is saved', async () => {
    const store = memoryStore();
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, store, ask);
    c.type(' Best, Rita');
    await session.flush();
    expect((await saved(store, c.handle.key))?.bodyText).toBe('Hi Ada, Best, Rita');
    expect(session.store.getState().saved).toBe('saved');
    // The debounce is spent: no second save of the same text.
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await saved(store, c.handle.key))?.version).toBe(1);
  });

  it('keeps the last keystrokes when the page goes away inside the debounce, and restores them after the reload', async () => {
    const store = memoryStore();
    const c = fakeCompose();
    await startComposeSession(c.handle, store, ask);
    c.type(' PS: see you Thursday.');
    window.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(0);
    expect((await saved(store, c.handle.key))?.bodyText).toBe('Hi Ada, PS: see you Thursday.');

    const reloaded = fakeCompose();
    const again = await startComposeSession(reloaded.handle, store, ask);
    expect(reloaded.handle.getBodyText()).toBe('Hi Ada, PS: see you Thursday.');
    expect(again.store.getState().saved).toBe('restored');
  });

  it('brings back a copy kept from a sync conflict, and keeps the text it replaces', async () => {
    const store = memoryStore();
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, store, ask);
    const draftId = session.store.getState().draftId;
    // What the service worker keeps when the API held another device's text.
    await store.set({ [conflictsKey(draftId)]: [{ version: 5, subject: 'From the laptop', bodyHtml: '<div>Laptop text</div>', bodyText: 'Laptop text', keptAt: 1 }] });
    expect((await session.keptCopies()).map((k) => k.subject)).toEqual(['From the laptop']);

    await session.restoreKept(5);
    expect(c.handle.getSubject()).toBe('From the laptop');
    expect(c.handle.getBodyText()).toBe('Laptop text');
    expect((await saved(store, c.handle.key))?.bodyText).toBe('Laptop text');
    const kept = await store.get<ConflictCopy[]>(conflictsKey(draftId));
    expect(kept?.map((k) => [k.subject, k.bodyText])).toEqual([['Onboarding at Acme', 'Hi Ada,']]);
  });
  it('names the inserted template in the send, so the template’s figures count the email', async () => {
    const store = memoryStore();
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, store, ask);
    session.store.setState({ templateId: '7f1c0a52-5b43-4d1e-9a57-2f0e6c1b9d10' });
    await session.send(true);
    const sent = messages.find((m): m is Extract<RuntimeMessage, { type: 'email.send' }> => (m as RuntimeMessage).type === 'email.send');
    expect(sent?.payload).toMatchObject({ to: 'ada@prospect.test', templateId: '7f1c0a52-5b43-4d1e-9a57-2f0e6c1b9d10' });
  });
});

describe('compose session: the Glow', () => {
  const suggestion = { suggestion: { body: 'Hi Ada, Lumina halves ramp time.' }, confidence: 0.9, input_hash: 'h1', model: 'fake', cached: false, timestamp: new Date(0).toISOString() };
  const ask: Ask = async <T,>(m: RuntimeMessage) => ({ ok: true, data: (m.type === 'ai.run' ? suggestion : {}) as T });
  beforeEach(() => vi.stubGlobal('window', new EventTarget()));
  afterEach(() => vi.unstubAllGlobals());

  it('thinks, is ready, and writes the suggestion into the compose only on an explicit accept', async () => {
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, memoryStore(), ask);
    const asked = session.runAi('rewrite', 'concise');
    expect(session.store.getState().glow.status).toBe('thinking');
    await asked;
    expect(session.store.getState().glow).toMatchObject({ status: 'ready', confidence: 0.9, inputHash: 'h1' });
    expect(c.handle.getBodyText()).toBe('Hi Ada,');
    session.accept();
    expect(session.store.getState().glow.status).toBe('applied');
    expect(c.handle.getBodyText()).toBe('Hi Ada, Lumina halves ramp time.');
  });

  it('an edit makes a ready suggestion stale, and a stale one cannot be accepted', async () => {
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, memoryStore(), ask);
    await session.runAi('rewrite', 'concise');
    c.type(' Best, Rita');
    expect(session.store.getState().glow.status).toBe('stale');
    session.accept();
    expect(session.store.getState().glow.status).toBe('stale');
    expect(c.handle.getBodyText()).toBe('Hi Ada, Best, Rita');
    session.reject();
    expect(session.store.getState().glow).toEqual({ status: 'idle', last: { inputHash: 'h1', action: 'rejected' } });
  });
});
