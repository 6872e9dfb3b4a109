import type { RuntimeAnswers, RuntimeMessage, RuntimeResult } from '../../shared/messages';
import { browser } from '../browser';

/** How sessions reach the service worker: `ask` in the extension, a recorder in unit tests. */
export type Ask = <M extends RuntimeMessage>(msg: M) => Promise<RuntimeResult<RuntimeAnswers[M['type']]>>;

/** Sends a runtime message to the service worker; a dead channel becomes an error result, never a throw. */
export const ask: Ask = async (msg) => {
  try {
    const res = (await browser.runtime.sendMessage(msg)) as RuntimeResult<RuntimeAnswers[typeof msg['type']]> | undefined;
    return res ?? { ok: false, error: { code: 'NO_ANSWER', message: 'The Lumina service worker did not answer' } };
  } catch (err) {
    return { ok: false, error: { code: 'NO_ANSWER', message: (err as Error).message } };
  }
};
