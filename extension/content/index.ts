// Content script on Gmail: picks a host (InboxSDK, else the DOM fallback) and mounts
// Lumina's UI through it. Everything Gmail-specific stays behind the host interface.
import { extensionStore } from '../state/extension-store';
import { ask } from '../state/runtime';
import type { GmailHost } from './host';
import { loadInboxSdkHost } from './inboxsdk-host';
import { createDomHost } from './dom-host';
import { mountCompose, mountThread } from './mount-ui';

/** How long InboxSDK gets before the DOM host takes over (it loads in < 1 s on Gmail). */
const INBOXSDK_DEADLINE_MS = 6_000;

void start();

async function start() {
  document.documentElement.dataset.lumina = 'starting';
  let host: GmailHost;
  try {
    host = await loadInboxSdkHost(__LUMINA_INBOXSDK_APP_ID__, INBOXSDK_DEADLINE_MS);
    void ask({ type: 'host.report', host: 'inboxsdk' });
  } catch (err) {
    host = createDomHost();
    void ask({ type: 'host.report', host: 'dom', reason: (err as Error).message });
  }
  document.documentElement.dataset.lumina = host.kind;
  const store = extensionStore();
  host.onComposeOpened((compose) => void mountCompose(compose, store));
  host.onThreadOpened((thread) => mountThread(thread));
  // The network coming back: let the outbox go now rather than at the next alarm.
  window.addEventListener('online', () => void ask({ type: 'sync.now' }));
}
