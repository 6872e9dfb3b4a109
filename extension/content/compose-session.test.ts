import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../state/kv';
import { composeKey, conflictsKey, draftKey, type ConflictCopy, type LocalDraft } from '../state/drafts';
import type { ComposeHandle } from './host';
import type { RuntimeMessage } from '../../shared/messages';
import type { Ask } from '../state/runtime';
import { startComposeSession, type StreamGenerate } from './compose-session';

/** A compose window as the host hands it over: subject, body and the change/close events. */
function fakeCompose(key = 'compose:cmp1') {
  const state = { subject: 'Onboarding at Acme', body: 'Hi Ada,' };
  let changed = () => {};
  let closed = () => {};
  let keydown: (e: KeyboardEvent) => void = () => {};
  let gmailSent: Parameters<ComposeHandle['onGmailSent']>[0] = () => {};
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
    onKeydown: (h) => ((keydown = h), () => (keydown = () => {})),
    close: () => closed(),
    addToolbarButton: () => {},
    mountPanel: () => {
      throw new Error('not used here');
    },
    onPresend: () => {},
    onGmailSent: (h) => void (gmailSent = h),
  };
  return {
    handle,
    type: (text: string) => ((state.body += text), changed()),
    /** The rep rewrites the body (an edit anywhere, not only at the end). */
    edit: (body: string) => ((state.body = body), changed()),
    close: () => closed(),
    /** Gmail's own Send went through (InboxSDK's `sent`). */
    gmailSent: (sent: Parameters<ComposeHandle['onGmailSent']>[0] extends (s: infer S) => void ? S : never) => gmailSent(sent),
    /** A key pressed in the compose; true when Lumina took it (preventDefault). */
    press: (init: KeyboardEventInit) => {
      let prevented = false;
      keydown({ ...init, key: init.key ?? '', ctrlKey: !!init.ctrlKey, metaKey: !!init.metaKey, shiftKey: !!init.shiftKey, altKey: !!init.altKey, preventDefault: () => (prevented = true), stopPropagation: () => {} } as unknown as KeyboardEvent);
      return prevented;
    },
  };
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
    expect(messages.filter((m) => (m as RuntimeMessage).type !== 'capabilities.get')).toEqual([expect.objectContaining({ type: 'draft.changed' })]);
  });

  it('reports a send made with Gmail’s own Send to the worker, by Gmail’s ids, so the budget counts it', async () => {
    const c = fakeCompose();
    await startComposeSession(c.handle, memoryStore(), ask);
    c.gmailSent({ messageId: '18f0000000000abc', threadId: '18f0000000000abc', account: 'rep@acme.test' });
    expect(messages.filter((m) => (m as RuntimeMessage).type === 'manualSend.report')).toEqual([
      { type: 'manualSend.report', account: 'rep@acme.test', report: { gmailMessageId: '18f0000000000abc', threadId: '18f0000000000abc' } },
    ]);
  });

  it('reports a send by an id of our own (the DOM host saw no Gmail id) in light mode only: full mode’s sync counts it by Gmail’s', async () => {
    for (const gmailMode of ['light', 'full'] as const) {
      const told: RuntimeMessage[] = [];
      const asked: Ask = async <T,>(m: RuntimeMessage) => {
        told.push(m);
        const data = m.type === 'session.get' ? { session: { token: 't', user: { id: 'u', email: 'rep@acme.test', name: 'Rita' }, workspace: { id: 'w', name: 'Acme', role: 'member', gmailMode } } } : {};
        return { ok: true, data: data as T };
      };
      const c = fakeCompose();
      await startComposeSession(c.handle, memoryStore(), asked);
      c.gmailSent({ messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', account: 'rep@acme.test', guessed: true });
      await vi.advanceTimersByTimeAsync(0);
      const reports = told.filter((m) => m.type === 'manualSend.report');
      expect(reports, gmailMode).toEqual(gmailMode === 'light' ? [{ type: 'manualSend.report', account: 'rep@acme.test', report: { gmailMessageId: 'aaaaaaaaaaaaaaaaaaaaaaaa' } }] : []);
    }
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

  it("a streamed generate keeps no confidence: the number the stream sends is the heuristic score, not the model's", async () => {
    const c = fakeCompose();
    const stream: StreamGenerate = (_input, onEvent) => {
      onEvent({ type: 'token', delta: 'Hi Ada, ' });
      onEvent({ type: 'suggestion', data: { ...suggestion, confidence: 0.74 } });
      return () => {};
    };
    const session = await startComposeSession(c.handle, memoryStore(), ask, stream);
    session.generate('book a call', 'concise');
    expect(session.store.getState().glow).toMatchObject({ status: 'ready', task: 'generate', confidence: null });
    await session.runAi('rewrite', 'concise');
    expect(session.store.getState().glow).toMatchObject({ status: 'ready', task: 'rewrite', confidence: 0.9 });
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

  it('Undo puts the rep\'s text back after an accept, by click or by Ctrl/Cmd+Z', async () => {
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, memoryStore(), ask);
    await session.runAi('rewrite', 'concise');
    session.accept();
    expect(c.handle.getBodyText()).toBe('Hi Ada, Lumina halves ramp time.');
    session.undo();
    expect(c.handle.getBodyText()).toBe('Hi Ada,');
    expect(session.store.getState().glow.status).toBe('idle');

    await session.runAi('rewrite', 'concise');
    session.accept();
    expect(c.press({ key: 'z', metaKey: true })).toBe(true);
    expect(c.handle.getBodyText()).toBe('Hi Ada,');
    // With nothing of Lumina's to undo, Ctrl+Z is Gmail's own.
    expect(c.press({ key: 'z', ctrlKey: true })).toBe(false);
  });

  it('Undo after the rep kept writing takes back only the suggestion\'s words', async () => {
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, memoryStore(), ask);
    await session.runAi('rewrite', 'concise');
    session.accept();
    c.edit('Dear Ada, Lumina halves ramp time.');
    expect(c.press({ key: 'z', ctrlKey: true })).toBe(false);
    session.undo();
    expect(c.handle.getBodyText()).toBe('Dear Ada,');
  });

  it('a stale suggestion merges around an edit elsewhere, and Ask again re-runs on the current draft', async () => {
    const asked: RuntimeMessage[] = [];
    const answer = { ...suggestion, suggestion: { body: 'Hi Ada, Lumina halves ramp time. Best, Rita' } };
    const recording: Ask = async <T,>(m: RuntimeMessage) => (asked.push(m), { ok: true, data: (m.type === 'ai.run' ? answer : {}) as T });
    const c = fakeCompose();
    c.edit('Hi Ada, Best, Rita');
    const session = await startComposeSession(c.handle, memoryStore(), recording);
    await session.runAi('rewrite', 'concise');
    c.edit('Hello Ada, Best, Rita');
    expect(session.store.getState().glow.status).toBe('stale');
    session.accept();
    expect(session.store.getState().glow).toMatchObject({ status: 'applied', merged: true });
    expect(c.handle.getBodyText()).toBe('Hello Ada, Lumina halves ramp time. Best, Rita');

    session.undo();
    await session.runAi('rewrite', 'concise');
    c.edit('Hello Ada, Best wishes, Rita');
    session.askAgain();
    await vi.waitFor(() => expect(session.store.getState().glow.status).toBe('ready'));
    const last = asked.filter((m) => m.type === 'ai.run').at(-1);
    expect(last).toMatchObject({ input: { draft: { body: 'Hello Ada, Best wishes, Rita' } } });
  });
});

describe('compose session: the send tells the truth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', new EventTarget());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('follows the accepted email through Sending to Sent, tombstones the draft, and a reopened compose cannot send again', async () => {
    const statuses = ['SENDING', 'SENT'];
    const messages: RuntimeMessage[] = [];
    const ask: Ask = async <T,>(m: RuntimeMessage) => {
      messages.push(m);
      if (m.type === 'email.send') return { ok: true, data: { id: 'e1', status: 'PENDING_SEND', createdAt: '' } as T };
      if (m.type === 'email.get') return { ok: true, data: { id: 'e1', status: statuses.shift() ?? 'SENT', scheduledAt: null, nextAttemptAt: null, sentAt: new Date().toISOString(), failureReason: null } as T };
      if (m.type === 'suppression.check') return { ok: true, data: { suppression: null } as T };
      if (m.type === 'mailboxes.list') return { ok: true, data: { data: [{ id: 'm1' }] } as T };
      return { ok: true, data: {} as T };
    };
    const store = memoryStore();
    const c = fakeCompose();
    const session = await startComposeSession(c.handle, store, ask);
    const sentTo: string[] = [];
    session.onSent((id) => sentTo.push(id));
    await session.send(true);
    expect(sentTo).toEqual(['e1']);
    expect(session.store.getState().send).toMatchObject({ state: 'accepted', emailId: 'e1', email: { status: 'PENDING_SEND' } });
    await vi.advanceTimersByTimeAsync(600);
    expect(session.store.getState().send.email?.status).toBe('SENDING');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(session.store.getState().send.email?.status).toBe('SENT');
    // Final: no more polling.
    const polls = messages.filter((m) => m.type === 'email.get').length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(messages.filter((m) => m.type === 'email.get').length).toBe(polls);

    const reopened = await startComposeSession(fakeCompose().handle, store, ask);
    expect(reopened.store.getState().send).toMatchObject({ state: 'accepted', emailId: 'e1' });
    await reopened.send(true);
    expect(messages.filter((m) => m.type === 'email.send')).toHaveLength(1);
    reopened.stopFollowing();
  });

  it('what the server would refuse blocks the send, even through "Send anyway"', async () => {
    const messages: RuntimeMessage[] = [];
    const ask: Ask = async <T,>(m: RuntimeMessage) => {
      messages.push(m);
      if (m.type === 'suppression.check') return { ok: true, data: { suppression: { reason: 'unsubscribed' } } as T };
      return { ok: true, data: {} as T };
    };
    const c = fakeCompose();
    c.edit('Hi {{firstName}}, would Thursday work?');
    const session = await startComposeSession(c.handle, memoryStore(), ask);
    await session.send(true);
    const send = session.store.getState().send;
    expect(send.state).toBe('checking');
    expect(send.blocking).toEqual([
      'Fill in {{firstName}} first: the prospect would see the braces.',
      'ada@prospect.test is on the do-not-email list (unsubscribed): Lumina will not send to this address.',
    ]);
    expect(messages.some((m) => m.type === 'email.send')).toBe(false);
  });
});


describe('compose session: AI availability', () => {
  beforeEach(() => vi.stubGlobal('window', new EventTarget()));
  afterEach(() => vi.unstubAllGlobals());

  it('knows on mount that the server has no AI provider, and what to set', async () => {
    const ask: Ask = async <T,>(m: RuntimeMessage) =>
      ({ ok: true, data: (m.type === 'capabilities.get' ? { ai: { configured: false, hint: 'Set AI_BASE_URL and AI_MODEL.' }, googleSignIn: false, sandboxLogin: true } : {}) as T });
    const session = await startComposeSession(fakeCompose().handle, memoryStore(), ask);
    await vi.waitFor(() => expect(session.store.getState().ai).toEqual({ state: 'off', hint: 'Set AI_BASE_URL and AI_MODEL.' }));
  });
});

describe('compose session: first run', () => {
  beforeEach(() => vi.stubGlobal('window', new EventTarget()));
  afterEach(() => vi.unstubAllGlobals());
  const ask: Ask = async <T,>() => ({ ok: true, data: {} as T });

  it('signed out: says where to sign in; signed in the first time: what Lumina does, until dismissed for good', async () => {
    const out = await startComposeSession(fakeCompose().handle, memoryStore(), ask);
    await vi.waitFor(() => expect(out.store.getState().intro).toBe('signed-out'));

    const store = memoryStore();
    await store.set({ session: { token: 't' } });
    const first = await startComposeSession(fakeCompose().handle, store, ask);
    await vi.waitFor(() => expect(first.store.getState().intro).toBe('first-run'));
    first.dismissIntro();
    expect(first.store.getState().intro).toBeUndefined();
    const later = await startComposeSession(fakeCompose('compose:cmp2').handle, store, ask);
    await new Promise((r) => setTimeout(r, 0));
    expect(later.store.getState().intro).toBeUndefined();
  });
});
