// Kept apart from runtime.ts: it parses with zod, which the popup and options pages need not load.
import { AI_STREAM_PORT, aiStreamEventSchema, type AiStreamEvent } from '../../shared/messages';
import { browser, type Runtime } from '../browser';

/**
 * Starts a streamed AI generate in the service worker; `onEvent` gets each token, then the
 * suggestion or an error. A port closed early (the worker stopped) becomes an error event.
 */
export function streamGenerate(input: Record<string, unknown>, onEvent: (event: AiStreamEvent) => void): () => void {
  let finished = false;
  const finish = (event: AiStreamEvent) => {
    if (event.type !== 'token') finished = true;
    onEvent(event);
  };
  let port: Runtime.Port;
  try {
    port = browser.runtime.connect({ name: AI_STREAM_PORT });
  } catch (err) {
    finish({ type: 'error', error: { code: 'NO_ANSWER', message: (err as Error).message } });
    return () => {};
  }
  port.onMessage.addListener((raw) => {
    const event = aiStreamEventSchema.safeParse(raw);
    if (event.success) finish(event.data);
  });
  port.onDisconnect.addListener(() => {
    if (!finished) finish({ type: 'error', error: { code: 'NO_ANSWER', message: 'The Lumina service worker stopped before the answer was complete' } });
  });
  port.postMessage({ type: 'ai.generate.start', input });
  return () => port.disconnect();
}
