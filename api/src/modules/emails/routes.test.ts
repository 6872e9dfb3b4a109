import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { drafts, emails, prospects, sendJobs } from '../../../../db/schema';
import type { Email, SendEmailResponse } from '../../../../shared/contracts/emails';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { SEND_QUEUE } from './send.worker';
import { giveMailbox } from '../../../test/test-mailbox';

// The accept side only: no worker runs here, so every accepted email stays PENDING_SEND.
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'rep@accept.test', 'Rita Rep');
  await giveMailbox(rt, rep, 'rep@accept.test');
});
afterAll(() => rt?.close());

const body = (over: Record<string, unknown> = {}) => ({ to: 'bob@prospect.test', subject: 'Hello', bodyHtml: '<p>Hi there</p>', ...over });
const send = (key: string | undefined, json: unknown, who = rep) =>
  who.call('/api/emails/send', { method: 'POST', json, headers: key ? { 'idempotency-key': key } : {} });
const key = () => `key-${crypto.randomUUID()}`;

describe('POST /api/emails/send', () => {
  it('writes the email and its send job, enqueues job id = email id, answers 202', async () => {
    const res = await send(key(), body({ scheduledAt: new Date(Date.now() + 3600_000).toISOString() }));
    expect(res.status).toBe(202);
    const answer = (await res.json()) as SendEmailResponse;
    expect(answer).toMatchObject({ id: expect.any(String), status: 'PENDING_SEND', createdAt: expect.any(String) });
    const [row] = await rt.deps.db.select().from(emails).where(eq(emails.id, answer.id));
    expect(row).toMatchObject({ status: 'PENDING_SEND', to: 'bob@prospect.test', fromAddress: 'rep@accept.test', messageId: `<${answer.id}@accept.test>` });
    const [job] = await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.emailId, answer.id));
    expect(job).toMatchObject({ state: 'queued', idempotencyKey: row!.idempotencyKey });
    expect(await rt.deps.queue.has(SEND_QUEUE, answer.id)).toBe(true);
    const shown = (await (await rep.call(`/api/emails/${answer.id}`)).json()) as Email;
    expect(shown).toMatchObject({ id: answer.id, status: 'PENDING_SEND', attempts: 0, failureReason: null, providerMessageId: null });
    expect(shown.nextAttemptAt).toBe(shown.scheduledAt);
  });

  it('replays a key with the first answer and refuses it with another body', async () => {
    const k = key();
    const first = await send(k, body({ subject: 'Once' }));
    const again = await send(k, { subject: 'Once', bodyHtml: '<p>Hi there</p>', to: 'bob@prospect.test' }); // same body, other key order
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
    const other = await send(k, body({ subject: 'Twice' }));
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await rt.deps.db.select().from(emails).where(eq(emails.idempotencyKey, k))).toHaveLength(1);
  });

  it('lets only one of many concurrent requests with a key create the email', async () => {
    const k = key();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(k, body({ subject: 'Race' }))));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as SendEmailResponse).id)));
    expect(ids.size).toBe(1);
    expect(await rt.deps.db.select().from(sendJobs).where(eq(sendJobs.idempotencyKey, k))).toHaveLength(1);
  });

  it('needs the Idempotency-Key header', async () => {
    for (const k of [undefined, 'short']) {
      const res = await send(k, body());
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('Idempotency-Key');
    }
  });

  it('refuses a suppressed recipient with 422 and queues nothing', async () => {
    await rep.call('/api/suppressions', { method: 'POST', json: { email: 'gone@prospect.test' } });
    const k = key();
    const res = await send(k, body({ to: 'Gone@Prospect.test' }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RECIPIENT_SUPPRESSED');
    expect(await rt.deps.db.select().from(emails).where(eq(emails.idempotencyKey, k))).toHaveLength(0);
  });

  it('fills template variables from the prospect, escaped in HTML, and refuses unfilled ones', async () => {
    const [p] = await rt.deps.db
      .insert(prospects)
      .values({ workspaceId: rep.workspace.id, email: 'dee@prospect.test', firstName: 'Dee <3', company: 'Initech', customFields: { industry: 'Paper' } })
      .returning();
    const res = await send(key(), body({ to: 'dee@prospect.test', subject: '{{firstName}} at {{company}}', bodyHtml: '<p>Hi {{firstName}}, {{custom.industry}} {{title|folks}}</p>' }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as SendEmailResponse;
    const [row] = await rt.deps.db.select().from(emails).where(eq(emails.id, id));
    expect(row).toMatchObject({ subject: 'Dee <3 at Initech', bodyHtml: '<p>Hi Dee &#60;3, Paper folks</p>', prospectId: p!.id });

    const missing = await send(key(), body({ to: 'dee@prospect.test', subject: 'Hi {{lastName}}' }));
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { details: { missing: string[] } } }).error.details.missing).toEqual(['lastName']);
  });

  it('answers 400 for bad bodies, 404 for other workspaces\' resources, 422 without a mailbox', async () => {
    for (const json of [{}, body({ to: 'nope' }), body({ subject: '' }), body({ scheduledAt: 'tomorrow' }), body({ workspaceId: rep.workspace.id }), body({ track: { opens: 'yes' } })]) {
      expect((await send(key(), json)).status, JSON.stringify(json)).toBe(400);
    }
    const outsider = await signIn(rt.app, 'oz@elsewhere.test');
    const foreignMailbox = await giveMailbox(rt, outsider, 'oz@elsewhere.test');
    expect((await send(key(), body({ mailboxId: foreignMailbox.id }))).status).toBe(404);
    expect((await send(key(), body({ prospectId: crypto.randomUUID() }))).status).toBe(404);
    expect((await send(key(), body({ campaignId: crypto.randomUUID() }))).status).toBe(404);
    const mailless = await signIn(rt.app, 'nomail@accept.test');
    expect((await send(key(), body(), mailless)).status).toBe(422);
    const { id } = (await (await send(key(), body())).json()) as SendEmailResponse;
    expect((await outsider.call(`/api/emails/${id}`)).status).toBe(404);
    expect((await outsider.call(`/api/emails/${id}/cancel`, { method: 'POST' })).status).toBe(404);
  });

  it('tombstones the draft it sends and warns past Gmail\'s clip size', async () => {
    await rep.call('/api/drafts/draft-1', { method: 'PUT', json: { version: 1, to: ['bob@prospect.test'], subject: 'x', bodyHtml: 'y' } });
    const big = `<p>${'word '.repeat(22_000)}</p>`;
    const res = await send(key(), body({ draftId: 'draft-1', bodyHtml: big }));
    expect(res.status).toBe(202);
    expect(((await res.json()) as SendEmailResponse).warnings?.[0]).toMatch(/102 KB/);
    const [d] = await rt.deps.db.select().from(drafts).where(eq(drafts.id, 'draft-1'));
    expect(d!.deletedAt).not.toBeNull();
  });
});

describe('cancel and list', () => {
  it('cancels a pending email once; a second cancel is 409', async () => {
    const { id } = (await (await send(key(), body({ scheduledAt: new Date(Date.now() + 60_000).toISOString() }))).json()) as SendEmailResponse;
    const res = await rep.call(`/api/emails/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Email).status).toBe('CANCELLED');
    expect(await rt.deps.queue.has(SEND_QUEUE, id)).toBe(false);
    const again = await rep.call(`/api/emails/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('lists by recipient and thread with the pagination envelope', async () => {
    await send(key(), body({ to: 'list@prospect.test', subject: 'one' }));
    await send(key(), body({ to: 'list@prospect.test', subject: 'two' }));
    const res = await rep.call('/api/emails?to=LIST@prospect.test&limit=1');
    const page = (await res.json()) as { data: Email[]; pagination: { total: number; totalPages: number } };
    expect(page.pagination).toMatchObject({ total: 2, totalPages: 2 });
    expect(page.data[0]!.subject).toBe('two');
    const none = (await (await rep.call('/api/emails?threadId=nope')).json()) as { data: Email[] };
    expect(none.data).toEqual([]);
    expect((await rep.call('/api/emails?status=LOST')).status).toBe(400);
  });

  it("lists only the caller's own emails with scope=me, the team's by default", async () => {
    await rep.call('/api/admin/invites', { method: 'POST', json: { email: 'mo@accept.test', role: 'member' } });
    const mo = await signIn(rt.app, 'mo@accept.test', 'Mo Member');
    await giveMailbox(rt, mo, 'mo@accept.test');
    await send(key(), body({ to: 'scope@prospect.test', subject: 'from Rita' }));
    await send(key(), body({ to: 'scope@prospect.test', subject: 'from Mo' }), mo);
    const list = async (who: typeof rep, q: string) => {
      const res = await who.call(`/api/emails?to=scope@prospect.test${q}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Email[] }).data.map((e) => e.subject).sort();
    };
    expect(await list(mo, '&scope=me')).toEqual(['from Mo']);
    expect(await list(rep, '&scope=me')).toEqual(['from Rita']);
    expect(await list(mo, '&scope=workspace')).toEqual(['from Mo', 'from Rita']);
    expect(await list(mo, '')).toEqual(['from Mo', 'from Rita']); // the default stays the workspace, for older callers
    const bad = await mo.call('/api/emails?scope=everyone');
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await bad.json()).error.code).toBe('VALIDATION_ERROR');
  });
});
