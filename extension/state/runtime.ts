import type { RuntimeMessage, RuntimeResult } from '../../shared/messages';
import { browser } from '../browser';

/** How sessions reach the service worker: `ask` in the extension, a recorder in unit tests. */
export type Ask = <T = unknown>(msg: RuntimeMessage) => Promise<RuntimeResult<T>>;

/** Sends a runtime message to the service worker; a dead channel becomes an error result, never a throw. */
export async function ask<T = unknown>(msg: RuntimeMessage): Promise<RuntimeResult<T>> {
  try {
    const res = (await browser.runtime.sendMessage(msg)) as RuntimeResult<T> | undefined;
    return res ?? { ok: false, error: { code: 'NO_ANSWER', message: 'The Lumina service worker did not answer' } };
  } catch (err) {
    return { ok: false, error: { code: 'NO_ANSWER', message: (err as Error).message } };
  }
}
