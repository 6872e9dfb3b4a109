import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible server for tests: a real HTTP server the openai SDK reaches through
 * `AI_BASE_URL`. It answers `POST /v1/chat/completions` (plain, streaming SSE ending with
 * `data: [DONE]`, and `response_format: json_schema`), counts every request, and plays
 * scripted answers and faults in order: slow, 500, malformed JSON, 429.
 */

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  stream?: boolean;
  response_format?: { type: string; json_schema?: { name: string; schema: JsonSchema; strict?: boolean } };
}

export type FakeAnswer =
  /** `chunkDelayMs` paces a streamed answer, so a test can watch tokens arrive while the provider still writes. */
  | { content: string; chunkDelayMs?: number }
  | { json: unknown }
  | { fault: 'slow'; ms: number; then?: FakeAnswer }
  | { fault: '500' }
  | { fault: 'malformed' }
  | { fault: '429'; retryAfter?: number };

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`, for AI_BASE_URL. */
  baseUrl: string;
  /** Every chat completion request received, in order. */
  requests: ChatRequest[];
  /** Streamed answers still being written. */
  openStreams: number;
  /** Queue answers: each request takes the next one; when empty, `respond` decides. */
  script(...answers: FakeAnswer[]): void;
  /** The default answer (initially: a sample built from the requested JSON schema, or plain text). */
  respond: (req: ChatRequest) => FakeAnswer;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeAnswer[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const fake: FakeOpenAI = {
    baseUrl: '',
    requests: [],
    openStreams: 0,
    script: (...answers) => void queue.push(...answers),
    respond: defaultAnswer,
    reset() {
      queue.length = 0;
      fake.requests.length = 0;
      fake.respond = defaultAnswer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequest;
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    fake.requests.push(body);
    await answer(fake, res, body, queue.shift() ?? fake.respond(body));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

async function answer(fake: FakeOpenAI, res: ServerResponse, req: ChatRequest, a: FakeAnswer): Promise<void> {
  if ('fault' in a) {
    switch (a.fault) {
      case 'slow': {
        const done = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), a.ms);
          res.on('close', () => {
            clearTimeout(timer);
            resolve(false);
          });
        });
        if (done && !res.destroyed) await answer(fake, res, req, a.then ?? defaultAnswer(req));
        return;
      }
      case '500':
        return send(res, 500, { error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
      case '429':
        return send(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_error' } }, { 'retry-after': String(a.retryAfter ?? 1) });
      case 'malformed':
        return complete(fake, res, req, '{"subject": "Hi", "body": "unterminated');
    }
  }
  if ('json' in a) return complete(fake, res, req, JSON.stringify(a.json));
  return complete(fake, res, req, a.content, a.chunkDelayMs);
}

async function complete(fake: FakeOpenAI, res: ServerResponse, req: ChatRequest, content: string, chunkDelayMs = 0): Promise<void> {
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  if (!req.stream) {
    return send(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: req.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: content.length, total_tokens: 10 + content.length },
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: req.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
  fake.openStreams++;
  try {
    res.write(chunk({ role: 'assistant', content: '' }, null));
    for (const piece of content.match(/[\s\S]{1,8}/g) ?? []) {
      if (chunkDelayMs) await new Promise((r) => setTimeout(r, chunkDelayMs));
      if (res.destroyed) return;
      res.write(chunk({ content: piece }, null));
    }
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  } finally {
    fake.openStreams--;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

// ---- default answers -----------------------------------------------------------------

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
};

/** A valid answer for whatever JSON schema was asked for; plain text otherwise. */
export function defaultAnswer(req: ChatRequest): FakeAnswer {
  const schema = req.response_format?.json_schema?.schema;
  if (schema) return { json: sampleOf(schema, 'root') };
  return { content: 'Subject: A quick idea\n\nHi there,\n\nA sample email from the fake provider. Would you be open to a call?\n\nBest,\nSam' };
}

function sampleOf(schema: JsonSchema, key: string): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sampleOf(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]!, key);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sampleOf(s, k)]));
    case 'array': {
      const n = Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 1, 3));
      return Array.from({ length: n }, (_, i) => {
        const item = sampleOf(schema.items ?? { type: 'string' }, key);
        return typeof item === 'string' ? `${item} ${i + 1}` : item;
      });
    }
    case 'number':
    case 'integer':
      return key === 'confidence' ? 0.8 : (schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return key === 'body' ? 'Hi there, a sample body from the fake provider. Would you be open to a call?' : `sample ${key}`;
  }
}
