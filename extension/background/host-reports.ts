import type { KeyValueStore } from '../state/kv';
import { HOST_KEY, type HostStatus } from '../state/session';

/**
 * Which Gmail host runs in each tab, one storage key per tab (`hostStatus:<tabId>`): two tabs
 * reporting at once never overwrite each other, and a tab's report goes with the tab. The popup
 * shows "degraded" only while a Gmail tab that is still open reports the DOM host; a report
 * outlives neither its tab (chrome.tabs.onRemoved) nor the tab leaving Gmail (checked on read).
 */
export const HOST_REPORT_PREFIX = `${HOST_KEY}:`;

/** Which of these tabs are still open on Gmail: `browser.tabs.get` in the extension, a fake in unit tests. */
export type LiveGmailTabs = (tabIds: number[]) => Promise<Set<number>>;

export async function recordHostReport(store: KeyValueStore, tabId: number | undefined, report: Omit<HostStatus, 'at'>): Promise<void> {
  if (tabId === undefined) return; // only a content script in a tab reports; nothing to tie it to otherwise
  await store.set({ [`${HOST_REPORT_PREFIX}${tabId}`]: { host: report.host, ...(report.reason ? { reason: report.reason } : {}), at: Date.now() } satisfies HostStatus });
}

export async function forgetHostReport(store: KeyValueStore, tabId: number): Promise<void> {
  await store.remove(`${HOST_REPORT_PREFIX}${tabId}`);
}

/**
 * The host status to show: a DOM-host report of an open Gmail tab if there is one (the newest),
 * else the newest InboxSDK one, else none. Reports of tabs gone or no longer on Gmail are
 * removed on the way, as is the single report older versions kept for every tab.
 */
export async function currentHostStatus(store: KeyValueStore, liveGmailTabs?: LiveGmailTabs): Promise<HostStatus | null> {
  const stored = await store.getByPrefix<HostStatus>(HOST_REPORT_PREFIX);
  const reports = Object.entries(stored).map(([key, status]) => ({ key, tabId: Number(key.slice(HOST_REPORT_PREFIX.length)), status }));
  const live = liveGmailTabs ? await liveGmailTabs(reports.map((r) => r.tabId).filter(Number.isInteger)) : undefined;
  const stale = reports.filter((r) => !Number.isInteger(r.tabId) || (live && !live.has(r.tabId)));
  await store.remove([HOST_KEY, ...stale.map((r) => r.key)]);
  const kept = reports.filter((r) => !stale.includes(r)).map((r) => r.status).sort((a, b) => b.at - a.at);
  return kept.find((s) => s.host === 'dom') ?? kept[0] ?? null;
}
