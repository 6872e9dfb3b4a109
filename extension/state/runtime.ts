import type { RuntimeAnswers, RuntimeMessage, RuntimeResult } from '../../shared/messages';
import { browser } from '../browser';

/** How sessions reach the service worker: `ask` in the extension, a recorder in unit tests. */
export type Ask = <M extends RuntimeMessage>(msg: M) => Promise<RuntimeResult<RuntimeAnswers[M['type']]>>;

/**
 * Chrome stops an idle MV3 service worker at will; a message caught by the stop gets no
 * answer, and the next one wakes a fresh worker. So a message without an answer is asked
 * again, twice, before the rep is told. Asking again is safe: every handler is a read, a
 * versioned write or a send keyed by its draft, which the API accepts once.
 */
const RETRY_DELAYS_MS = [250, 1_000];

/** Sends a runtime message to the service worker; a dead channel becomes an error result, never a throw. */
export const ask: Ask = async (msg) => {
  let last = await askOnce(msg);
  for (const delay of RETRY_DELAYS_MS) {
    if (last.ok || last.error.code !== 'NO_ANSWER') return last;
    await new Promise((r) => setTimeout(r, delay));
    last = await askOnce(msg);
  }
  return last;
};

async function askOnce<M extends RuntimeMessage>(msg: M): Promise<RuntimeResult<RuntimeAnswers[M['type']]>> {
  try {
    const res = (await browser.runtime.sendMessage(msg)) as RuntimeResult<RuntimeAnswers[M['type']]> | undefined;
    return res ?? { ok: false, error: { code: 'NO_ANSWER', message: 'The Lumina service worker did not answer' } };
  } catch (err) {
    return { ok: false, error: { code: 'NO_ANSWER', message: (err as Error).message } };
  }
}
