import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/fake-openai';
import { mailboxes, suppressions } from '../../../../db/schema';
import { closeAi } from '../../ai/ai-runtime';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { closeEventRecorder } from '../tracking/recorder';
import { ingestInbound } from './ingest';

/**
 * With a provider configured, both doors for inbound mail (the extension's light mode and
 * the inbox sync) ask the AI classifier about ambiguous human replies — and only about those.
 */
let fake: FakeOpenAI;
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  fake = await startFakeOpenAI();
  rt = await createTestRuntime({ env: { AI_BASE_URL: fake.baseUrl, AI_MODEL: 'fake-model', AI_API_KEY: 'k', AI_TIMEOUT_MS: '1500', AI_BREAKER_THRESHOLD: '50' } });
  rep = await signIn(rt.app, 'rosa@refine.test');
  await rt.deps.db.insert(mailboxes).values({ workspaceId: rep.workspace.id, provider: 'sandbox', email: 'rosa@refine.test' });
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await closeAi(rt.deps);
  await rt?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

let n = 0;
async function sentEmail() {
  const address = `lee${++n}-${run}@client.test`;
  const email = await seedSentEmail(rt.deps.db, rep.workspace.id, { to: address, fromAddress: 'rosa@refine.test', sentAt: new Date(Date.now() - 3_600_000) });
  return { address, email };
}

const observe = async (text: string) => {
  const { address, email } = await sentEmail();
  const res = await rep.call('/api/replies/observed', { method: 'POST', json: { threadId: email.threadId, messageId: `gm-${++n}`, from: address, subject: 'Re: Quick question', date: new Date().toISOString(), snippet: text } });
  expect(res.status).toBe(200);
  return { address, result: (await res.json()) as { status: string; kind: string } };
};
const suppressed = async (address: string) =>
  (await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, rep.workspace.id), eq(suppressions.email, address)))).length > 0;
const classifyAnswer = (label: string, confidence: number) => ({ json: { label, returnDate: null, referralName: null, referralEmail: null, confidence } });

describe('the AI second opinion on inbound replies', () => {
  it('a clear reply never reaches the provider', async () => {
    const { result } = await observe('Thursday at 3 works for me.');
    expect(result).toMatchObject({ status: 'recorded', kind: 'reply' });
    expect(fake.requests).toHaveLength(0);
  });

  it('an ambiguous reply the model reads as an opt-out becomes an unsubscribe and a suppression', async () => {
    fake.script(classifyAnswer('unsubscribe', 0.9));
    const { address, result } = await observe(`Honestly I should stop reading these ${run}.`);
    expect(result).toMatchObject({ status: 'recorded', kind: 'unsubscribe_request' });
    expect(await suppressed(address)).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.messages.at(-1)!.content).toContain('I should stop reading these');
  });

  it('the same through the inbox sync path', async () => {
    fake.script(classifyAnswer('unsubscribe', 0.9));
    const { address, email } = await sentEmail();
    const raw = [`From: ${address}`, 'Subject: Re: Quick question', `Message-ID: <sync-${run}@client.test>`, `In-Reply-To: ${email.messageId}`, '', `No more of these, stop it ${run}.`].join('\r\n');
    const result = await ingestInbound(rt.deps, rep.workspace.id, { raw, messageId: `<sync-${run}@client.test>`, inReplyTo: email.messageId, threadId: email.threadId, from: address, date: new Date() });
    expect(result).toMatchObject({ status: 'recorded', kind: 'unsubscribe_request' });
    expect(fake.requests).toHaveLength(1);
  });

  it('POST /api/replies/classify gives the answer the sync reaches', async () => {
    fake.script(classifyAnswer('unsubscribe', 0.9));
    const raw = ['From: lee@client.test', 'Subject: Re: Quick question', '', `I really should stop opening these ${run}.`].join('\r\n');
    const res = await rep.call('/api/replies/classify', { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: raw });
    expect(await res.json()).toMatchObject({ kind: 'unsubscribe_request', meaning: 'unsubscribe_request' });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['the model reads it as a normal reply', classifyAnswer('interested', 0.95)],
    ['the model is unsure', classifyAnswer('unsubscribe', 0.3)],
    ['the model says out-of-office (headers decide that, not words)', classifyAnswer('out_of_office', 0.9)],
    ['the provider fails', { fault: '500' as const }],
  ])('the rule stands when %s', async (_why, answer) => {
    fake.script(answer);
    const { address, result } = await observe(`Please stop by our booth ${run} ${Math.random()}.`);
    expect(result).toMatchObject({ status: 'recorded', kind: 'reply' });
    expect(await suppressed(address)).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });
});
