import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { emails } from '../../../../db/schema';
import type { Mailbox } from '../../../../shared/contracts/mailboxes';
import { giveMailbox } from '../../../test/test-mailbox';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

type Envelope = { data: Mailbox[]; pagination: { total: number } };

describe('mailboxes', () => {
  it('shows each mailbox with its rolling 24-hour budget, never its tokens', async () => {
    const admin = await signIn(rt.app, 'ada@mbx.test');
    const mbx = await giveMailbox(rt, admin, 'ada@mbx.test', { dailyCap: 10, accessTokenEnc: 'v1.secret', refreshTokenEnc: 'v1.secret' });
    const base = { workspaceId: admin.workspace.id, mailboxId: mbx.id, to: 'x@y.test', subject: 's', bodyHtml: 'b', requestHash: 'h' };
    const hour = 3600_000;
    await rt.deps.db.insert(emails).values([
      { ...base, idempotencyKey: 'k1', messageId: '<1@t>', status: 'SENT', sentAt: new Date(Date.now() - hour) },
      { ...base, idempotencyKey: 'k2', messageId: '<2@t>', status: 'SENT', sentAt: new Date(Date.now() - 23 * hour) },
      { ...base, idempotencyKey: 'k3', messageId: '<3@t>', status: 'SENT', sentAt: new Date(Date.now() - 25 * hour) }, // aged out
      { ...base, idempotencyKey: 'k4', messageId: '<4@t>', status: 'SENDING' }, // in flight: counts
      { ...base, idempotencyKey: 'k5', messageId: '<5@t>', status: 'PENDING_SEND' },
    ]);
    const res = await admin.call('/api/mailboxes');
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    expect(text).not.toContain('secret');
    const body = (await res.json()) as Envelope;
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: mbx.id, email: 'ada@mbx.test', dailyCap: 10, effectiveCap: 10, used: 3, remaining: 7, status: 'active' });
  });

  it('lets an admin set cap, window and ramp-up; the cap in force follows the ramp', async () => {
    const admin = await signIn(rt.app, 'ada@mbx.test');
    const [mbx] = ((await (await admin.call('/api/mailboxes')).json()) as Envelope).data;
    const window = { tz: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
    const res = await admin.call(`/api/mailboxes/${mbx!.id}`, { method: 'PATCH', json: { dailyCap: 100, sendWindow: window, rampUp: { startCap: 5, increment: 5, everyDays: 1 } } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Mailbox;
    expect(updated).toMatchObject({ dailyCap: 100, effectiveCap: 5, sendWindow: window, used: 3, remaining: 2 });
    expect(updated.rampUp?.startedAt).toBeTruthy();
    const cleared = (await (await admin.call(`/api/mailboxes/${mbx!.id}`, { method: 'PATCH', json: { sendWindow: null, rampUp: null } })).json()) as Mailbox;
    expect(cleared).toMatchObject({ sendWindow: null, rampUp: null, effectiveCap: 100 });
  });

  it('keeps changes to admins of the workspace and rejects bad settings', async () => {
    const admin = await signIn(rt.app, 'ada@mbx.test');
    const member = await signIn(rt.app, 'max@mbx.test');
    const outsider = await signIn(rt.app, 'oz@other.test');
    const [mbx] = ((await (await admin.call('/api/mailboxes')).json()) as Envelope).data;
    expect((await member.call(`/api/mailboxes/${mbx!.id}`, { method: 'PATCH', json: { dailyCap: 5 } })).status).toBe(403);
    expect((await outsider.call(`/api/mailboxes/${mbx!.id}`, { method: 'PATCH', json: { dailyCap: 5 } })).status).toBe(404);
    expect(((await (await outsider.call('/api/mailboxes')).json()) as Envelope).data).toEqual([]);
    const bad = [
      {},
      { dailyCap: 0 },
      { dailyCap: 'lots' },
      { sendWindow: { tz: 'Mars/Olympus', days: [1], start: '09:00', end: '17:00' } },
      { sendWindow: { tz: 'UTC', days: [1], start: '18:00', end: '09:00' } },
      { sendWindow: { tz: 'UTC', days: [8], start: '09:00', end: '17:00' } },
      { sendWindow: { tz: 'UTC', days: [1, 1], start: '09:00', end: '17:00' } },
      { rampUp: { startCap: 0, increment: 1, everyDays: 1 } },
      { status: 'active' },
    ];
    for (const json of bad) {
      expect((await admin.call(`/api/mailboxes/${mbx!.id}`, { method: 'PATCH', json })).status, JSON.stringify(json)).toBe(400);
    }
  });
});
