// Service worker. Every listener is registered synchronously at the top level, and no
// state lives in memory: Chrome stops this worker whenever it likes.
import '@inboxsdk/core/background.js';
import { AI_STREAM_PORT, aiStreamStartSchema, parseRuntimeMessage } from '../../shared/messages';
import { streamGenerate } from './ai-stream';
import { chromeStore } from '../state/kv';
import { readSession } from '../state/session';
import { handleMessage, type RouterDeps } from './router';
import { syncDirtyDrafts } from './draft-sync';
import { createApiClient } from './api-client';
import { readSettings } from '../state/session';

const SYNC_ALARM = 'lumina-draft-sync';

const deps: RouterDeps = {
  store: chromeStore(),
  defaultApiUrl: __LUMINA_DEFAULT_API_URL__,
  launchWebAuthFlow: (url) => chrome.identity.launchWebAuthFlow({ url, interactive: true }),
  redirectUrl: chrome.identity?.getRedirectURL?.(),
};

chrome.runtime.onInstalled.addListener(ensureAlarm);
chrome.runtime.onStartup.addListener(ensureAlarm);
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) void syncNow(false);
});
// The network coming back wakes the outbox at once, backoff or not, instead of at the next alarm.
self.addEventListener('online', () => void syncNow(true));

chrome.runtime.onMessage.addListener((raw, _sender, sendResponse) => {
  const msg = parseRuntimeMessage(raw);
  if (!msg) return false; // not ours (InboxSDK uses this channel too)
  handleMessage(msg, deps).then(sendResponse, (err: Error) => sendResponse({ ok: false, error: { code: 'INTERNAL_ERROR', message: err.message } }));
  return true;
});

// A streamed AI generate: tokens go back on the port as the API streams them.
chrome.runtime.onConnect.addListener((port) => {
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
  void chrome.alarms.create(SYNC_ALARM, { periodInMinutes: 0.5 });
}

async function syncNow(retryNow: boolean) {
  const session = await readSession(deps.store);
  if (!session) return;
  const { apiUrl } = await readSettings(deps.store, deps.defaultApiUrl);
  await syncDirtyDrafts({ store: deps.store, api: createApiClient({ baseUrl: apiUrl, token: session.token }), retryNow });
}
