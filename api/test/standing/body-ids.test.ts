import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../harness';
import { errorEnvelopeSchema } from '../../../shared/errors';
import { giveMailbox } from '../test-mailbox';

/** Defect 3: every id in a body must be the caller's workspace's — 404, never a 500, never stored. */
let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
let rex: Awaited<ReturnType<typeof signIn>>;
const theirs: Record<string, string> = {};
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@ids-a.test', 'Ana');
  rex = await signIn(rt.app, 'rex@ids-b.test', 'Rex');
  theirs.prospectId = ((await (await rex.call('/api/prospects', { method: 'POST', json: { email: 'p@ids-b.test' } })).json()) as { id: string }).id;
  theirs.templateId = ((await (await rex.call('/api/templates', { method: 'POST', json: { name: 'T', subject: 'S', bodyHtml: '<p>x</p>' } })).json()) as { id: string }).id;
  theirs.campaignId = ((await (await rex.call('/api/campaigns', { method: 'POST', json: { name: 'C', steps: [] } })).json()) as { id: string }).id;
  theirs.mailboxId = (await giveMailbox(rt, rex, 'rex@ids-b.test')).id;
  await giveMailbox(rt, ana, 'ana@ids-a.test');
});
afterAll(() => rt?.close());

async function expectRefused(res: Response, what: string) {
  const text = await res.text();
  expect([400, 404], `${what}: ${res.status} ${text.slice(0, 200)}`).toContain(res.status);
  expect(errorEnvelopeSchema.safeParse(JSON.parse(text)).success).toBe(true);
}

describe('ids in request bodies', () => {
  it("refuse an unknown id and another workspace's id on every route that takes one", async () => {
    for (const id of [crypto.randomUUID(), theirs.prospectId!]) {
      const draftId = crypto.randomUUID();
      await expectRefused(await ana.call(`/api/drafts/${draftId}`, { method: 'PUT', json: { version: 1, to: [], subject: 's', bodyHtml: '<p>x</p>', prospectId: id } }), 'draft prospectId');
      const drafts = (await (await ana.call('/api/drafts')).json()) as { data: Array<{ id: string }> };
      expect(drafts.data.map((d) => d.id)).not.toContain(draftId);
      await expectRefused(await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `ids-${crypto.randomUUID()}` }, json: { to: 'x@y.test', subject: 's', bodyHtml: '<p>x</p>', prospectId: id } }), 'send prospectId');
      const tpl = ((await (await ana.call('/api/templates', { method: 'POST', json: { name: 'Mine', subject: 'S', bodyHtml: '<p>x</p>' } })).json()) as { id: string }).id;
      await expectRefused(await ana.call(`/api/templates/${tpl}/render`, { method: 'POST', json: { prospectId: id } }), 'render prospectId');
    }
    for (const [field, id] of Object.entries({ mailboxId: theirs.mailboxId!, campaignId: theirs.campaignId! })) {
      await expectRefused(await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `ids-${crypto.randomUUID()}` }, json: { to: 'x@y.test', subject: 's', bodyHtml: '<p>x</p>', [field]: id } }), `send ${field}`);
    }
    await expectRefused(await ana.call('/api/campaigns', { method: 'POST', json: { name: 'C', mailboxId: theirs.mailboxId, steps: [] } }), 'campaign mailboxId');
    await expectRefused(await ana.call('/api/campaigns', { method: 'POST', json: { name: 'C', steps: [{ templateId: theirs.templateId }] } }), 'step templateId');
    const mine = ((await (await ana.call('/api/campaigns', { method: 'POST', json: { name: 'Mine', steps: [] } })).json()) as { id: string }).id;
    const leads = await ana.call(`/api/campaigns/${mine}/leads`, { method: 'POST', json: { prospectIds: [theirs.prospectId] } });
    expect(leads.status).toBeLessThan(500);
    const listed = (await (await ana.call(`/api/campaigns/${mine}/leads`)).json()) as { data: unknown[] };
    expect(listed.data).toEqual([]);
  });
});
