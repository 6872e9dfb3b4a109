// Content script on Gmail: picks a host (InboxSDK, else the DOM fallback) and mounts
// Lumina's UI through it. Everything Gmail-specific stays behind the host interface.
import { extensionStore } from '../state/extension-store';
import { ask } from '../state/runtime';
import { composeKey } from '../state/drafts';
import type { ComposeHandle } from './host';
import { loadInboxSdkHost } from './inboxsdk-host';
import { createDomHost } from './dom-host';
import { mountCompose, mountThread } from './mount-ui';

/** How long InboxSDK gets before the DOM host takes over for good (it loads in < 1 s on Gmail). */
const INBOXSDK_DEADLINE_MS = 6_000;

void start();

/**
 * The first compose must not wait for InboxSDK (its load plus a 2 s poll: ~3 s): the DOM host
 * mounts the Glow at once, and when InboxSDK is ready each compose is handed over to it — the
 * DOM panel goes and its session saves first, then InboxSDK's panel opens on the same draft.
 * A compose whose early panel the rep already used (or that is thinking or sending) stays on
 * the DOM host instead. There is never a moment with two panels on one compose.
 */
async function start() {
  document.documentElement.dataset.lumina = 'starting';
  const store = extensionStore();
  const dom = createDomHost();
  const early: Array<{ compose: ComposeHandle; session: ReturnType<typeof mountCompose> }> = [];
  dom.onComposeOpened((compose) => early.push({ compose, session: mountCompose(compose, store) }));
  try {
    const sdk = await loadInboxSdkHost(__LUMINA_INBOXSDK_APP_ID__, INBOXSDK_DEADLINE_MS);
    dom.stopWatching();
    document.documentElement.dataset.lumina = 'inboxsdk';
    void ask({ type: 'host.report', host: 'inboxsdk' });
    const sameWindow = (a?: HTMLElement, b?: HTMLElement) => !!a && !!b && (a.contains(b) || b.contains(a));
    sdk.onComposeOpened((compose) => void takeOver(compose));
    /** The swap happens when InboxSDK has found the compose, so its panel follows the DOM one with no gap. */
    async function takeOver(compose: ComposeHandle) {
      const before = early.find((e) => sameWindow(e.compose.element, compose.element));
      if (before) {
        const session = await before.session;
        const s = session.store.getState();
        // Something under way (a suggestion, a send) lives in that session, and a panel the rep touched
        // may hold a half-made choice: that compose stays on the DOM host. One panel per compose, always.
        const quiet = (s.glow.status === 'idle' || s.glow.status === 'applied') && (s.send.state === 'idle' || s.send.state === 'error');
        if (!quiet || !dom.release(before.compose)) return;
        // What the early panel held is on disk before InboxSDK's session reads it, under the name InboxSDK knows.
        await session.flush();
        if (before.compose.key !== compose.key) await store.set({ [composeKey(compose.key)]: s.draftId });
      }
      await mountCompose(compose, store);
    }
    sdk.onThreadOpened((thread) => mountThread(thread));
  } catch (err) {
    document.documentElement.dataset.lumina = 'dom';
    void ask({ type: 'host.report', host: 'dom', reason: (err as Error).message });
    dom.onThreadOpened((thread) => mountThread(thread));
  }
  // The network coming back: let the outbox go now rather than at the next alarm.
  window.addEventListener('online', () => void ask({ type: 'sync.now' }));
}
