import type { RuntimeMessage, RuntimeResult } from '../../shared/messages';

/** Sends a runtime message to the service worker; a dead channel becomes an error result, never a throw. */
export async function ask<T = unknown>(msg: RuntimeMessage): Promise<RuntimeResult<T>> {
  try {
    const res = (await chrome.runtime.sendMessage(msg)) as RuntimeResult<T> | undefined;
    return res ?? { ok: false, error: { code: 'NO_ANSWER', message: 'The Lumina service worker did not answer' } };
  } catch (err) {
    return { ok: false, error: { code: 'NO_ANSWER', message: (err as Error).message } };
  }
}

/** What a panel says for an error: the API's own message, or plainly that the feature is not there yet. */
export function describeError(error: { code: string; message: string }): string {
  if (error.code === 'NOT_AVAILABLE') return 'Not available yet on this Lumina server.';
  if (error.code === 'UNAUTHORIZED') return 'Sign in from Lumina’s options page.';
  if (error.code === 'AI_NOT_CONFIGURED') return 'AI is not configured on this Lumina server — the score still works.';
  return error.message;
}
