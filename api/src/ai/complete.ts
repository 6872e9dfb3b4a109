import OpenAI from 'openai';
import { z, type ZodType } from 'zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ApiError } from '../lib/api-error';
import type { AiRuntime } from './ai-runtime';
import type { AiTask } from '../env';

export interface StructuredCall<T extends ZodType> {
  task: AiTask;
  schema: T;
  messages: ChatCompletionMessageParam[];
  temperature?: number;
}

/**
 * One structured completion: the zod schema goes to the provider as `json_schema` and the
 * answer is validated on arrival. A malformed answer is asked for once more, then becomes
 * a clean AI_PROVIDER_ERROR; nothing unvalidated ever leaves this function.
 */
export async function completeStructured<T extends ZodType>(ai: AiRuntime, call: StructuredCall<T>): Promise<{ data: z.infer<T>; model: string }> {
  const client = requireClient(ai);
  const model = ai.modelFor(call.task);
  const responseFormat = {
    type: 'json_schema' as const,
    json_schema: { name: call.task.replace(/[^\w-]/g, '_'), strict: true, schema: jsonSchemaOf(call.schema) },
  };
  let lastProblem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const completion = await guarded(ai, () =>
      client.chat.completions.create({ model, messages: call.messages, temperature: call.temperature ?? 0.4, response_format: responseFormat }),
    );
    const content = completion.choices[0]?.message?.content ?? '';
    const parsed = parseJson(content, call.schema);
    if (parsed.success) {
      ai.breaker.recordSuccess();
      return { data: parsed.data, model: completion.model || model };
    }
    lastProblem = parsed.problem;
    ai.logger.warn({ task: call.task, attempt, problem: parsed.problem }, 'ai answer did not match its schema');
  }
  ai.breaker.recordFailure();
  throw new ApiError('AI_PROVIDER_ERROR', 'The AI provider answered in an unexpected shape twice; try again.', { problem: lastProblem });
}

/**
 * A streamed plain-text completion: yields text deltas as they arrive. The whole stream
 * shares one deadline, so a provider that stalls mid-answer times out too.
 */
export async function* streamCompletion(ai: AiRuntime, call: { task: AiTask; messages: ChatCompletionMessageParam[]; temperature?: number }): AsyncGenerator<string, { model: string }> {
  const client = requireClient(ai);
  const model = ai.modelFor(call.task);
  const deadline = AbortSignal.timeout(ai.timeoutMs);
  const stream = await guarded(ai, () =>
    client.chat.completions.create({ model, messages: call.messages, temperature: call.temperature ?? 0.6, stream: true }, { signal: deadline }),
  );
  let answeredBy = model;
  try {
    for await (const chunk of stream) {
      if (chunk.model) answeredBy = chunk.model;
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
    // The SDK's stream ends quietly when its signal aborts: without this check a timed-out,
    // half-written answer would pass for a complete one (and be cached).
    if (deadline.aborted) throw new ApiError('AI_TIMEOUT', 'The AI provider took too long to answer; try again.');
  } catch (err) {
    ai.breaker.recordFailure();
    throw toApiError(err, deadline.aborted);
  }
  ai.breaker.recordSuccess();
  return { model: answeredBy };
}

/** Whether a provider is configured; throws the 503 that says how to turn AI on. */
export function requireClient(ai: AiRuntime): OpenAI {
  if (!ai.client) {
    throw new ApiError(
      'AI_NOT_CONFIGURED',
      'AI writing is off on this server: set AI_BASE_URL and AI_MODEL (and AI_API_KEY unless your provider needs none) to any OpenAI-compatible endpoint.',
      { variables: ['AI_BASE_URL', 'AI_MODEL', 'AI_API_KEY'] },
    );
  }
  return ai.client;
}

export function isTimeoutError(err: unknown): boolean {
  return err instanceof OpenAI.APIConnectionTimeoutError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}

export function isProviderRateLimitError(err: unknown): err is InstanceType<typeof OpenAI.RateLimitError> {
  return err instanceof OpenAI.RateLimitError;
}

/** Runs one provider request behind the breaker and turns its failures into clean API errors. */
async function guarded<R>(ai: AiRuntime, request: () => Promise<R>): Promise<R> {
  const waitMs = ai.breaker.retryInMs();
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new ApiError('SERVICE_UNAVAILABLE', `The AI provider has been failing; AI is paused for ${seconds}s. Drafting and sending are unaffected.`, { breaker: 'open' }, { 'Retry-After': String(seconds) });
  }
  try {
    return await request();
  } catch (err) {
    // The provider's own rate limit says nothing about its health: it does not trip the breaker.
    if (!isProviderRateLimitError(err)) ai.breaker.recordFailure();
    throw toApiError(err, false);
  }
}

function toApiError(err: unknown, timedOut: boolean): ApiError {
  if (err instanceof ApiError) return err;
  if (timedOut || isTimeoutError(err)) return new ApiError('AI_TIMEOUT', 'The AI provider took too long to answer; try again.');
  if (isProviderRateLimitError(err)) {
    const retryAfter = err.headers?.get('retry-after') ?? '5';
    return new ApiError('SERVICE_UNAVAILABLE', 'The AI provider is rate limiting this server; try again shortly.', { upstreamStatus: 429 }, { 'Retry-After': retryAfter });
  }
  if (err instanceof OpenAI.APIError) {
    return new ApiError('AI_PROVIDER_ERROR', `The AI provider failed (${err.status ?? 'no status'}); try again.`, { upstreamStatus: err.status ?? null });
  }
  return new ApiError('AI_PROVIDER_ERROR', 'Could not reach the AI provider; try again.');
}

function parseJson<T extends ZodType>(content: string, schema: T): { success: true; data: z.infer<T> } | { success: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return { success: false, problem: 'not JSON' };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { success: true, data: result.data };
  return { success: false, problem: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

const schemas = new WeakMap<ZodType, Record<string, unknown>>();

/**
 * The JSON schema sent to the provider. OpenAI's strict mode takes only a subset of JSON
 * Schema and refuses string length bounds, so those are left out here; zod still checks
 * them when the answer arrives.
 */
function jsonSchemaOf(schema: ZodType): Record<string, unknown> {
  let json = schemas.get(schema);
  if (!json) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
    json = withoutKeys(rest, STRICT_UNSUPPORTED) as Record<string, unknown>;
    schemas.set(schema, json);
  }
  return json;
}

const STRICT_UNSUPPORTED = new Set(['minLength', 'maxLength']);

function withoutKeys(node: unknown, keys: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutKeys(n, keys));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => !keys.has(k)).map(([k, v]) => [k, k === 'properties' ? mapValues(v, keys) : withoutKeys(v, keys)]));
}

/** `properties` maps field names to schemas: a field may well be called `maxLength`. */
function mapValues(props: unknown, keys: Set<string>): unknown {
  if (!props || typeof props !== 'object') return props;
  return Object.fromEntries(Object.entries(props).map(([name, s]) => [name, withoutKeys(s, keys)]));
}
