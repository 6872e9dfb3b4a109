import { errorEnvelopeSchema } from '../../shared/errors';
import type { AiStreamEvent } from '../../shared/messages';
import type { KeyValueStore } from '../state/kv';
import { readSession, readSettings } from '../state/session';

export interface StreamDeps {
  store: KeyValueStore;
  defaultApiUrl: string;
  fetch?: typeof fetch;
}

/**
 * `POST /api/ai/generate` with `stream: true`: relays each SSE `token` as it arrives, then
 * the `suggestion` or the `error` event. Never throws: a failure is the last event.
 */
export async function streamGenerate(deps: StreamDeps, input: Record<string, unknown>, emit: (event: AiStreamEvent) => void): Promise<void> {
  const [{ apiUrl }, session] = await Promise.all([readSettings(deps.store, deps.defaultApiUrl), readSession(deps.store)]);
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(`${apiUrl}/api/ai/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(session ? { authorization: `Bearer ${session.token}` } : {}) },
      body: JSON.stringify({ ...input, stream: true }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    return emit({ type: 'error', error: { code: 'NETWORK', message: `Cannot reach the Lumina API at ${apiUrl} (${(err as Error).message})` } });
  }
  if (!res.ok || !res.body) {
    const envelope = errorEnvelopeSchema.safeParse(await res.json().catch(() => undefined));
    return emit({ type: 'error', error: envelope.success ? { ...envelope.data.error, status: res.status } : { code: 'HTTP_ERROR', status: res.status, message: `HTTP ${res.status}` } });
  }
  for await (const { event, data } of sseEvents(res.body)) {
    const payload = JSON.parse(data) as Record<string, unknown>;
    if (event === 'token') emit({ type: 'token', delta: String(payload.delta ?? '') });
    else if (event === 'suggestion') emit({ type: 'suggestion', data: payload });
    else if (event === 'error') {
      const envelope = errorEnvelopeSchema.safeParse(payload);
      emit({ type: 'error', error: envelope.success ? envelope.data.error : { code: 'INTERNAL_ERROR', message: 'The AI stream failed' } });
    }
  }
}

/** Server-sent events from a response body: `event:` and `data:` lines, blocks split by a blank line. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let cut: RegExpExecArray | null;
    while ((cut = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, cut.index);
      buffer = buffer.slice(cut.index + cut[0].length);
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim() ?? 'message';
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data) yield { event, data };
    }
    if (done) return;
  }
}
