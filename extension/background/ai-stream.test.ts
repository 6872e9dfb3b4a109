import { describe, expect, it } from 'vitest';
import { sseEvents } from './ai-stream';

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });

describe('server-sent events from the AI stream', () => {
  it('reassembles events split anywhere across chunks, multi-byte characters included', async () => {
    const text = 'event: token\ndata: {"delta":"Hé"}\n\nevent: token\r\ndata: {"delta":"llo"}\r\n\r\nevent: suggestion\ndata: {"a":1}\n\n';
    const bytes = new TextEncoder().encode(text);
    // Cut inside the "é" and inside a line break.
    const cuts = [1, 30, 31, 60];
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const c of [...cuts, bytes.length]) {
      parts.push(bytes.slice(from, c));
      from = c;
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(p);
        controller.close();
      },
    });
    const events = [];
    for await (const e of sseEvents(body)) events.push(e);
    expect(events).toEqual([
      { event: 'token', data: '{"delta":"Hé"}' },
      { event: 'token', data: '{"delta":"llo"}' },
      { event: 'suggestion', data: '{"a":1}' },
    ]);
  });

  it('joins multi-line data and ignores comments and empty blocks', async () => {
    const events = [];
    for await (const e of sseEvents(streamOf(': keep-alive\n\n', 'data: one\ndata: two\n\n'))) events.push(e);
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
