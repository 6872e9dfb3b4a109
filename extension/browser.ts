/**
 * The WebExtension APIs every Lumina context uses (storage, runtime messaging, alarms,
 * identity), promise-based through Mozilla's webextension-polyfill. Code in extension/
 * imports `browser` from here rather than touching `chrome.*`, so the callback/lastError
 * quirks stay in one well-tested library and a Firefox build needs no rewrite.
 *
 * The polyfill throws when loaded outside an extension: modules that unit tests load
 * (kv.ts, describe-error.ts, the sessions) do not import this file.
 */
import browser from 'webextension-polyfill';

export { browser };
export type { Runtime, Storage } from 'webextension-polyfill';
