import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createTestRuntime, rowCounts, signIn, type TestRuntime } from '../../../test/harness';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/fake-openai';
import { haveService } from '../../../test/services';
import { createApp } from '../../app';
import { aiFor, closeAi } from '../../ai/ai-runtime';
import { aiClassifyReply } from '../../ai/classify-reply';
import { schema } from '../../../../db/client';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { scoreResponse, suggestionResponse, tonePresets, type ReplyClassification } from '../../../../shared/contracts/ai';

const redisEnv: Record<string, string> = process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {};
/** Each run writes new text, so a Redis cache left by an earlier run never answers for this one. */
const run = Math.random().toString(36).slice(2, 8);
const draft = (tag: string) => ({ subject: `Quick idea ${tag}`, body: `Hi Ada,\n\nA short note about onboarding (${run}-${tag}). Would you be open to a call?\n\nSam` });

const expectEnvelope = async (res: Response, status: number, code: string) => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = errorEnvelopeSchema.parse(JSON.parse(text));
  expect(body.error.code).toBe(code);
  return body;
};

type Session = Awaited<ReturnType<typeof signIn>>;
const post = (s: Session, path: string, json: unknown) => s.call(path, { method: 'POST', json });

let fake: FakeOpenAI;
let rt: TestRuntime;
let rep: Session;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  rt = await createTestRuntime({
    env: {
      AI_BASE_URL: fake.baseUrl,
      AI_MODEL: 'fake-model',
      AI_API_KEY: 'test-key',
      AI_TIMEOUT_MS: '1500',
      AI_RATE_LIMIT_PER_MIN: '1000',
      AI_BREAKER_THRESHOLD: '3',
      AI_BREAKER_COOLDOWN_MS: '600',
      AI_MODEL_OVERRIDES: 'subject-lines=fake-small',
      ...redisEnv,
    },
  });
  rep = await signIn(rt.app, `rep-${run}@acme-ai.test`, 'Rep');
});
afterAll(async () => {
  await closeAi(rt?.deps);
  await rt?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
  // Each test starts with a healthy provider: failures from the previous test do not count.
  aiFor(rt.deps).breaker.recordSuccess();
});

describe('writing endpoints against an OpenAI-compatible provider', () => {
  it('rewrite answers a validated suggestion and asks for JSON schema output', async () => {
    fake.script({ json: { subject: 'Onboarding, faster', body: 'Hi Ada, shorter and kinder. Open to a call?', confidence: 0.9 } });
    const res = await post(rep, '/api/ai/rewrite', { draft: draft('rw'), tone: 'concise' });
    expect(res.status).toBe(200);
    const body = suggestionResponse.parse(await res.json());
    expect(body).toMatchObject({ suggestion: { subject: 'Onboarding, faster', body: 'Hi Ada, shorter and kinder. Open to a call?' }, confidence: 0.9, model: 'fake-model', cached: false });
    expect(body.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.model).toBe('fake-model');
    expect(req.response_format?.type).toBe('json_schema');
    expect(req.response_format?.json_schema).toMatchObject({ strict: true, schema: { type: 'object', required: ['subject', 'body', 'confidence'], additionalProperties: false } });
    // Strict mode refuses string length bounds: they are checked on arrival instead (see the malformed tests).
    expect(JSON.stringify(req.response_format?.json_schema?.schema)).not.toMatch(/"(minLength|maxLength)"/);
    expect(req.messages[0]!.content).toContain('as short as possible');
  });

  it('the same input answers from the cache without a provider call', async () => {
    const input = { draft: draft('cache'), instruction: 'make it warmer' };
    const first = suggestionResponse.parse(await (await post(rep, '/api/ai/rewrite', input)).json());
    const second = suggestionResponse.parse(await (await post(rep, '/api/ai/rewrite', input)).json());
    expect(fake.requests).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(second).toEqual({ ...first, cached: true });
    await post(rep, '/api/ai/rewrite', { ...input, instruction: 'make it shorter' });
    expect(fake.requests).toHaveLength(2);
  });

  it('personalize with prospectId uses the stored prospect of this workspace only', async () => {
    const [mine] = await rt.deps.db
      .insert(schema.prospects)
      .values({ workspaceId: rep.workspace.id, email: `ada-${run}@globex.test`, firstName: 'Ada', company: 'Globex', title: 'CTO', customFields: { industry: 'logistics' } })
      .returning();
    const other = await signIn(rt.app, `other-${run}@initech-ai.test`);
    const [theirs] = await rt.deps.db.insert(schema.prospects).values({ workspaceId: other.workspace.id, email: `bob-${run}@initech.test`, firstName: 'Bob' }).returning();

    const res = await post(rep, '/api/ai/personalize', { draft: draft('pers'), prospectId: mine!.id, tone: 'friendly' });
    expect(res.status).toBe(200);
    const sent = fake.requests[0]!.messages.map((m) => m.content).join('\n');
    for (const fact of ['Globex', 'CTO', 'logistics', 'Ada']) expect(sent).toContain(fact);

    await expectEnvelope(await post(rep, '/api/ai/personalize', { draft: draft('pers'), prospectId: theirs!.id }), 404, 'NOT_FOUND');
    expect(fake.requests).toHaveLength(1);
  });

  it('personalize accepts an inline prospect', async () => {
    const res = await post(rep, '/api/ai/personalize', { draft: draft('inline'), prospect: { firstName: 'Cleo', company: 'Umbrella' } });
    expect(res.status).toBe(200);
    expect(fake.requests[0]!.messages.at(-1)!.content).toContain('Umbrella');
  });

  it('subject-lines answers 3–10 options, short ones first, on its per-task model', async () => {
    fake.script({ json: { options: ['A very long subject line that goes on and on about everything', 'Hi', 'Faster onboarding for Globex', 'Idea for your team'], confidence: 0.7 } });
    const res = await post(rep, '/api/ai/subject-lines', { draft: draft('subj'), count: 4 });
    const body = suggestionResponse.parse(await res.json());
    expect(body.options).toEqual(['Faster onboarding for Globex', 'Idea for your team', 'Hi', 'A very long subject line that goes on and on about everything']);
    expect(body.suggestion.subject).toBe('Faster onboarding for Globex');
    expect(fake.requests[0]!.model).toBe('fake-small');
    await expectEnvelope(await post(rep, '/api/ai/subject-lines', { draft: draft('subj'), count: 2 }), 400, 'VALIDATION_ERROR');
    await expectEnvelope(await post(rep, '/api/ai/subject-lines', { draft: draft('subj'), count: 11 }), 400, 'VALIDATION_ERROR');
    expect(fake.requests).toHaveLength(1);
  });

  it('subject-lines asks again when the model gives fewer than three different lines', async () => {
    fake.script({ json: { options: ['Idea for Globex', 'idea  for GLOBEX', 'A note for Ada'], confidence: 0.7 } }, { json: { options: ['Idea for Globex', 'Faster onboarding at Globex', 'A note for Ada'], confidence: 0.6 } });
    const res = await post(rep, '/api/ai/subject-lines', { draft: draft('subj-few'), count: 3 });
    expect(suggestionResponse.parse(await res.json()).options).toEqual(['Idea for Globex', 'Faster onboarding at Globex', 'A note for Ada']);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.response_format?.json_schema?.schema).toMatchObject({ properties: { options: { minItems: 3, maxItems: 3 } } });
  });

  it('each tone preset (friendly, formal, concise, confident) asks the model for its own tone', async () => {
    expect(tonePresets).toEqual(['friendly', 'formal', 'concise', 'confident']);
    const instructions = new Set<string>();
    for (const tone of tonePresets) {
      const res = await post(rep, '/api/ai/rewrite', { draft: draft('tones'), tone });
      expect(res.status, tone).toBe(200);
      instructions.add(fake.requests.at(-1)!.messages[0]!.content);
    }
    expect(fake.requests).toHaveLength(tonePresets.length);
    expect(instructions.size).toBe(tonePresets.length);
  });

  it('an unknown tone is a 400', async () => {
    await expectEnvelope(await post(rep, '/api/ai/rewrite', { draft: draft('tone-x'), tone: 'sarcastic' }), 400, 'VALIDATION_ERROR');
    expect(fake.requests).toHaveLength(0);
  });

  it('generate answers a whole email for a goal', async () => {
    const res = await post(rep, '/api/ai/generate', { goal: `Book a demo ${run}`, tone: 'confident', prospect: { firstName: 'Dee', company: 'Hooli' } });
    const body = suggestionResponse.parse(await res.json());
    expect(body.suggestion.body).toBeTruthy();
    expect(body.suggestion.subject).toBeTruthy();
    expect(fake.requests[0]!.messages[0]!.content).toContain('confident');
  });

  it('generate with a template of another workspace is 404', async () => {
    await expectEnvelope(await post(rep, '/api/ai/generate', { goal: 'x', templateId: crypto.randomUUID() }), 404, 'NOT_FOUND');
  });

  it('bad requests are 400 envelopes, never 500', async () => {
    for (const [path, body] of [
      ['/api/ai/rewrite', { draft: draft('x') }],
      ['/api/ai/rewrite', { draft: { subject: 1 }, instruction: 'x' }],
      ['/api/ai/personalize', { draft: draft('x'), prospectId: 'not-a-uuid' }],
      ['/api/ai/generate', { goal: '' }],
      ['/api/ai/score', { draft: draft('x'), extra: true }],
      ['/api/ai/feedback', { inputHash: 'abc', action: 'accepted' }],
    ] as const) {
      await expectEnvelope(await post(rep, path, body), 400, 'VALIDATION_ERROR');
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('streaming generate', () => {
  const readEvents = async (res: Response) => {
    const text = await res.text();
    return text
      .split('\n\n')
      .filter((block) => block.includes('data:'))
      .map((block) => ({
        event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
        data: JSON.parse(block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')),
      }));
  };

  it('streams tokens as server-sent events, then the validated suggestion; a repeat comes from the cache', async () => {
    const email = 'Subject: Faster onboarding at Hooli\n\nHi Dee,\n\nYour new hires could be productive on day one. Would you be open to a short call on Tuesday?\n\nSam';
    fake.script({ content: email });
    const input = { goal: `Stream a demo ask ${run}`, tone: 'friendly', prospect: { firstName: 'Dee', company: 'Hooli' }, stream: true };
    const res = await post(rep, '/api/ai/generate', input);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(res);
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.map((e) => e.data.delta).join('')).toBe(email);
    const final = events.at(-1)!;
    expect(final.event).toBe('suggestion');
    const answer = suggestionResponse.parse(final.data);
    expect(answer.suggestion).toEqual({ subject: 'Faster onboarding at Hooli', body: email.split('\n\n').slice(1).join('\n\n') });
    expect(answer.cached).toBe(false);
    expect(answer.confidence).toBeGreaterThan(0);
    expect(fake.requests[0]!.stream).toBe(true);

    const again = await readEvents(await post(rep, '/api/ai/generate', input));
    expect(fake.requests).toHaveLength(1);
    expect(again.filter((e) => e.event === 'token')).toHaveLength(1);
    expect(suggestionResponse.parse(again.at(-1)!.data)).toMatchObject({ cached: true, input_hash: answer.input_hash });
  });

  it('through a real port, the first tokens reach the client while the provider is still writing', async () => {
    const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const email = 'Subject: Paced answer\n\nHi Dee, this answer arrives a few characters at a time. Would you be open to a call?';
    fake.script({ content: email, chunkDelayMs: 60 });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/ai/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rep.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ goal: `paced ${run}`, stream: true }),
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      let providerStillWriting: boolean | undefined;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += chunk.value;
        if (providerStillWriting === undefined && text.includes('event: token')) providerStillWriting = fake.openStreams > 0;
      }
      expect(providerStillWriting).toBe(true);
      expect(text).toContain('event: suggestion');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a provider that stalls mid-answer times out: the tokens so far, then an AI_TIMEOUT error event', async () => {
    // 25 chunks 100 ms apart outlast this runtime's 1.5 s deadline for the whole stream.
    fake.script({ content: `Subject: Slow\n\n${'word '.repeat(39)}`, chunkDelayMs: 100 });
    const started = Date.now();
    const events = await readEvents(await post(rep, '/api/ai/generate', { goal: `stall ${run}`, stream: true }));
    expect(Date.now() - started).toBeLessThan(2_400);
    expect(events.filter((e) => e.event === 'token').length).toBeGreaterThan(0);
    expect(events.at(-1)!.event).toBe('error');
    expect(errorEnvelopeSchema.parse(events.at(-1)!.data).error.code).toBe('AI_TIMEOUT');
    // The half-written answer was not cached: asking again goes back to the provider.
    const again = await readEvents(await post(rep, '/api/ai/generate', { goal: `stall ${run}`, stream: true }));
    expect(again.at(-1)!.event).toBe('suggestion');
    expect(fake.requests).toHaveLength(2);
  });

  it('a provider failure mid-stream ends with an error event in the envelope shape', async () => {
    fake.script({ fault: '500' });
    const events = await readEvents(await post(rep, '/api/ai/generate', { goal: `fail ${run}`, stream: true }));
    expect(events.at(-1)!.event).toBe('error');
    expect(errorEnvelopeSchema.parse(events.at(-1)!.data).error.code).toBe('AI_PROVIDER_ERROR');
  });
});

describe('provider faults become clean errors', () => {
  it('malformed then valid: retried once, answered', async () => {
    fake.script({ fault: 'malformed' }, { json: { subject: 'Fixed', body: 'Valid the second time. Open to a call?', confidence: 0.6 } });
    const res = await post(rep, '/api/ai/rewrite', { draft: draft('retry'), instruction: 'fix' });
    expect(res.status).toBe(200);
    expect((await res.json()).suggestion.subject).toBe('Fixed');
    expect(fake.requests).toHaveLength(2);
  });

  it('an answer over the length bounds the schema could not carry is malformed too', async () => {
    fake.script({ json: { subject: 'x'.repeat(301), body: 'Fine body. Open to a call?', confidence: 0.5 } }, { json: { subject: 'Short', body: 'Fine body. Open to a call?', confidence: 0.5 } });
    const res = await post(rep, '/api/ai/rewrite', { draft: draft('len'), instruction: 'fix' });
    expect(suggestionResponse.parse(await res.json()).suggestion.subject).toBe('Short');
    expect(fake.requests).toHaveLength(2);
  });

  it('malformed twice (bad JSON, then the wrong shape): 502 AI_PROVIDER_ERROR, nothing cached', async () => {
    fake.script({ fault: 'malformed' }, { json: { subject: 'no body', confidence: 2 } });
    const input = { draft: draft('bad2'), instruction: 'fix' };
    await expectEnvelope(await post(rep, '/api/ai/rewrite', input), 502, 'AI_PROVIDER_ERROR');
    expect(fake.requests).toHaveLength(2);
    expect((await post(rep, '/api/ai/rewrite', input)).status).toBe(200);
    expect(fake.requests).toHaveLength(3);
  });

  it('a slow provider times out: 504 AI_TIMEOUT', async () => {
    fake.script({ fault: 'slow', ms: 10_000 });
    const started = Date.now();
    await expectEnvelope(await post(rep, '/api/ai/rewrite', { draft: draft('slow'), instruction: 'x' }), 504, 'AI_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(9_000);
  });

  it('provider 500 → 502; provider 429 → 503 with Retry-After', async () => {
    fake.script({ fault: '500' });
    await expectEnvelope(await post(rep, '/api/ai/rewrite', { draft: draft('500'), instruction: 'x' }), 502, 'AI_PROVIDER_ERROR');
    fake.script({ fault: '429', retryAfter: 7 });
    const res = await post(rep, '/api/ai/rewrite', { draft: draft('429'), instruction: 'x' });
    expect(res.headers.get('retry-after')).toBe('7');
    await expectEnvelope(res, 503, 'SERVICE_UNAVAILABLE');
  });

  it('oversize input is 413 before any provider call', async () => {
    const res = await post(rep, '/api/ai/rewrite', { draft: { subject: 'x', body: 'word '.repeat(5_000) }, instruction: 'x' });
    await expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(fake.requests).toHaveLength(0);
  });

  it('the circuit breaker opens after repeated failures, answers fast, and closes after the cool-down', async () => {
    fake.respond = () => ({ fault: '500' });
    for (let i = 0; i < 3; i++) await expectEnvelope(await post(rep, '/api/ai/rewrite', { draft: draft(`cb${i}`), instruction: 'x' }), 502, 'AI_PROVIDER_ERROR');
    const res = await post(rep, '/api/ai/rewrite', { draft: draft('cb-open'), instruction: 'x' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectEnvelope(res, 503, 'SERVICE_UNAVAILABLE');
    expect(fake.requests).toHaveLength(3);

    fake.respond = (req) => ({ json: { subject: 'Back', body: `Recovered ${req.model}. Open to a call?`, confidence: 0.5 } });
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await post(rep, '/api/ai/rewrite', { draft: draft('cb-after'), instruction: 'x' })).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(aiFor(rt.deps).breaker.state).toBe('closed');
  });
});

describe('score', () => {
  it('merges the LLM critique into the heuristic signals, with spans, without moving the number', async () => {
    const d = draft('score');
    fake.script({ json: { issues: [{ severity: 'warning', message: 'The ask is vague: name a day.', quote: 'Would you be open to a call?' }, { severity: 'info', message: 'Nice and short.', quote: null }] } });
    const res = await post(rep, '/api/ai/score', { draft: d, prospect: { firstName: 'Ada' } });
    const body = scoreResponse.parse(await res.json());
    const llm = body.signals.filter((s) => s.source === 'llm');
    expect(llm).toHaveLength(2);
    expect(d.body.slice(llm[0]!.span!.start, llm[0]!.span!.end)).toBe('Would you be open to a call?');
    expect(body.signals.some((s) => s.source === 'heuristic' && s.id === 'word-count')).toBe(true);
    expect(body.critique).toMatchObject({ model: 'fake-model', cached: false });
    const offline = scoreResponse.parse(await (await post(rep, '/api/ai/score', { draft: d, prospect: { firstName: 'Ada' }, critique: false })).json());
    expect(offline.score).toBe(body.score);
    expect(offline.critique).toBeNull();
    expect(fake.requests).toHaveLength(1);
    const again = scoreResponse.parse(await (await post(rep, '/api/ai/score', { draft: d, prospect: { firstName: 'Ada' } })).json());
    expect(again.critique).toMatchObject({ cached: true, input_hash: body.critique!.input_hash });
    expect(again.signals).toEqual(body.signals);
    expect(fake.requests).toHaveLength(1);
  });

  it('a failing critique leaves the heuristic score standing', async () => {
    fake.script({ fault: 'malformed' }, { fault: 'malformed' });
    const body = scoreResponse.parse(await (await post(rep, '/api/ai/score', { draft: draft('score-fail') })).json());
    expect(body.critique).toBeNull();
    expect(body.signals.find((s) => s.id === 'llm.unavailable')?.message).toContain('AI_PROVIDER_ERROR');
  });
});

describe('purity and feedback', () => {
  const domainCounts = () => rowCounts(rt.deps.db);

  it('AI calls change no table; feedback writes exactly one ai_feedback row', async () => {
    const before = await domainCounts();
    expect(Object.keys(before).length).toBeGreaterThan(10);
    const d = draft('pure');
    const answers = [
      await post(rep, '/api/ai/personalize', { draft: d, prospect: { firstName: 'Ada' } }),
      await post(rep, '/api/ai/rewrite', { draft: d, tone: 'formal' }),
      await post(rep, '/api/ai/subject-lines', { draft: d, count: 3 }),
      await post(rep, '/api/ai/generate', { goal: `pure ${run}` }),
      await post(rep, '/api/ai/generate', { goal: `pure stream ${run}`, stream: true }),
      await post(rep, '/api/ai/score', { draft: d }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await answers[4]!.text();
    await aiClassifyReply(rt.deps, `Thanks, not interested ${run}`);
    expect(await domainCounts()).toEqual(before);

    const hash = suggestionResponse.parse(await answers[1]!.json()).input_hash;
    const res = await post(rep, '/api/ai/feedback', { inputHash: hash, action: 'accepted', task: 'rewrite' });
    expect(res.status).toBe(201);
    expect(await domainCounts()).toEqual({ ...before, ai_feedback: before.ai_feedback! + 1 });
  });
});

describe('aiClassifyReply', () => {
  it.each<[Record<string, unknown>, ReplyClassification]>([
    [{ label: 'out_of_office', returnDate: '2026-03-02', referralName: null, referralEmail: null, confidence: 0.95 }, { label: 'out_of_office', returnDate: '2026-03-02', confidence: 0.95 }],
    [{ label: 'referral', returnDate: null, referralName: 'Jo Park', referralEmail: 'JO@acme.test', confidence: 0.8 }, { label: 'referral', referral: { name: 'Jo Park', email: 'jo@acme.test' }, confidence: 0.8 }],
    [{ label: 'interested', returnDate: '2026-01-01', referralName: 'x', referralEmail: null, confidence: 1.4 }, { label: 'interested', confidence: 1 }],
    [{ label: 'out_of_office', returnDate: 'next week', referralName: null, referralEmail: null, confidence: 0.9 }, { label: 'out_of_office', confidence: 0.9 }],
    [{ label: 'referral', returnDate: null, referralName: 'Kim', referralEmail: 'not an address', confidence: 0.7 }, { label: 'referral', referral: { name: 'Kim' }, confidence: 0.7 }],
    ...(['not_interested', 'unsubscribe', 'bounce', 'other'] as const).map((label): [Record<string, unknown>, ReplyClassification] => [
      { label, returnDate: null, referralName: null, referralEmail: null, confidence: 0.5 },
      { label, confidence: 0.5 },
    ]),
  ])('maps the model answer to the reply contract (%#)', async (json, expected) => {
    fake.script({ json });
    expect(await aiClassifyReply(rt.deps, `a reply ${run} ${expected.label} ${Math.random()}`)).toEqual(expected);
  });
});

describe.runIf(haveService('redis', 'AI cache and rate limits on Redis'))('with Redis', () => {
  it('a second API process shares the cache and the rate limiter', async () => {
    expect(aiFor(rt.deps).limiter).toBeInstanceOf(RateLimiterRedis);
    const input = { draft: draft('shared'), instruction: 'share' };
    const first = suggestionResponse.parse(await (await post(rep, '/api/ai/rewrite', input)).json());
    const otherDeps = { ...rt.deps };
    const otherProcess = createApp(otherDeps);
    try {
      const res = await otherProcess.request('/api/ai/rewrite', { method: 'POST', headers: { authorization: `Bearer ${rep.token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
      expect(suggestionResponse.parse(await res.json())).toEqual({ ...first, cached: true });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await closeAi(otherDeps);
    }
  });
});

describe('without a provider', () => {
  let bare: TestRuntime;
  beforeAll(async () => {
    bare = await createTestRuntime({ env: { AI_RATE_LIMIT_PER_MIN: '3', ...redisEnv } });
  });
  afterAll(async () => {
    await closeAi(bare?.deps);
    await bare?.close();
  });

  it('every writing endpoint answers 503 AI_NOT_CONFIGURED naming the variables; score still works', async () => {
    for (const [path, body] of [
      ['/api/ai/personalize', { draft: draft('off') }],
      ['/api/ai/rewrite', { draft: draft('off'), tone: 'friendly' }],
      ['/api/ai/subject-lines', { draft: draft('off') }],
      ['/api/ai/generate', { goal: 'Book a demo' }],
    ] as const) {
      // One rep per endpoint: this runtime's rate limit (3 a minute) is not what is tested here.
      const s = await signIn(bare.app, `solo-${path.split('/').at(-1)}-${run}@gmail.com`);
      const env = await expectEnvelope(await post(s, path, body), 503, 'AI_NOT_CONFIGURED');
      expect(env.error.message).toContain('AI_BASE_URL');
      expect(env.error.message).toContain('AI_MODEL');
    }
    const scorer = await signIn(bare.app, `scorer-${run}@gmail.com`);
    const score = scoreResponse.parse(await (await post(scorer, '/api/ai/score', { draft: draft('off'), campaign: true })).json());
    expect(score.critique).toBeNull();
    expect(score.signals.find((x) => x.id === 'unsubscribe')?.severity).toBe('error');
    await expect(aiClassifyReply(bare.deps, 'hello')).rejects.toMatchObject({ code: 'AI_NOT_CONFIGURED' });
  });

  it('streaming generate is refused with the envelope before any stream starts', async () => {
    const s = await signIn(bare.app, `streamer-${run}@gmail.com`);
    await expectEnvelope(await post(s, '/api/ai/generate', { goal: 'x', stream: true }), 503, 'AI_NOT_CONFIGURED');
  });

  it('rate limits per user: 429 RATE_LIMITED with Retry-After, other users unaffected', async () => {
    const a = await signIn(bare.app, `busy-${run}@gmail.com`);
    const b = await signIn(bare.app, `calm-${run}@gmail.com`);
    for (let i = 0; i < 3; i++) expect((await post(a, '/api/ai/score', { draft: draft('rl') })).status).toBe(200);
    const limited = await post(a, '/api/ai/rewrite', { draft: draft('rl'), tone: 'formal' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectEnvelope(limited, 429, 'RATE_LIMITED');
    expect((await post(b, '/api/ai/score', { draft: draft('rl') })).status).toBe(200);
  });
});
