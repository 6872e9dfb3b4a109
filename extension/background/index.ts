// Service worker. Every listener is registered synchronously at the top level, and no
// state lives in memory: Chrome stops this worker whenever it likes.
import '@inboxsdk/core/background.js';
import { AI_STREAM_PORT, aiStreamStartSchema, parseRuntimeMessage } from '../../shared/messages';
import { streamGenerate } from './ai-stream';
import { browser, type Runtime } from '../browser';
import { extensionStore } from '../state/extension-store';
import { readSession } from '../state/session';
import { handleMessage, type RouterDeps } from './router';
import { forgetHostReport } from './host-reports';
import { syncDirtyDrafts } from './draft-sync';
import { flushManualSends } from './manual-send-outbox';
import { createApiClient } from './api-client';
import { readSettings } from '../state/session';

const SYNC_ALARM = 'lumina-draft-sync';

const deps: RouterDeps = {
  store: extensionStore(),
  defaultApiUrl: __LUMINA_DEFAULT_API_URL__,
  launchWebAuthFlow: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
  redirectUrl: browser.identity?.getRedirectURL?.(),
  openOptions: () => browser.runtime.openOptionsPage(),
  // A tab's URL is readable here only on hosts we hold (Gmail), which is exactly the question.
  liveGmailTabs: async (tabIds) => {
    const tabs = await Promise.all(tabIds.map((id) => browser.tabs.get(id).catch(() => undefined)));
    return new Set(tabs.filter((t) => t?.url?.startsWith('https://mail.google.com/')).map((t) => t!.id!));
  },
};

browser.runtime.onInstalled.addListener(ensureAlarm);
browser.runtime.onStartup.addListener(() => {
  ensureAlarm();
  // Gmail sends reported while the browser was offline or the API down go now.
  void syncNow(true);
});
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) void syncNow(false);
});
// A closed tab's host report goes with it: the popup must not say "degraded" for a tab nobody has open.
browser.tabs.onRemoved.addListener((tabId) => void forgetHostReport(deps.store, tabId));
// The network coming back wakes the outboxes (drafts, Gmail send reports) at once, backoff or not, instead of at the next alarm.
self.addEventListener('online', () => void syncNow(true));

// The polyfill's onMessage answers with the promise a listener returns; anything else
// (undefined) leaves the message to other listeners — InboxSDK uses this channel too.
browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const msg = parseRuntimeMessage(raw);
  if (!msg) return undefined;
  return handleMessage(msg, deps, { tabId: sender.tab?.id }).catch((err: Error) => ({ ok: false, error: { code: 'INTERNAL_ERROR', message: err.message } }));
});

// A streamed AI generate: tokens go back on the port as the API streams them.
browser.runtime.onConnect.addListener((port) => {
  if (port.name !== AI_STREAM_PORT) return;
  port.onMessage.addListener((raw) => {
    const start = aiStreamStartSchema.safeParse(raw);
    if (!start.success) return port.disconnect();
    let open = true;
    port.onDisconnect.addListener(() => (open = false));
    void streamGenerate(deps, start.data.input, (event) => open && port.postMessage(event)).finally(() => open && port.disconnect());
  });
});

function ensureAlarm() {
  void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 0.5 });
}

async function syncNow(retryNow: boolean) {
  const session = await readSession(deps.store);
  if (!session) return;
  const { apiUrl } = await readSettings(deps.store, deps.defaultApiUrl);
  const api = createApiClient({ baseUrl: apiUrl, token: session.token });
  await Promise.allSettled([syncDirtyDrafts({ store: deps.store, api, retryNow }), flushManualSends({ store: deps.store, api, session, retryNow })]);
}
