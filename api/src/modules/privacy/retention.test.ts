import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { until } from '../../../test/send-kit';
import { auditEvents, emailEvents } from '../../../../db/schema';
import { errorEnvelopeSchema } from '../../../../shared/errors';
import { privacySettingsSchema } from '../../../../shared/contracts/privacy';
import { registerRetentionWorker } from './retention.worker';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

const DAY = 86_400_000;

describe('retention of raw open/click data', () => {
  it('is an admin setting, audited before → after', async () => {
    const admin = await signIn(rt.app, 'boss@keep-less.test', 'Boss');
    expect(privacySettingsSchema.parse(await (await admin.call('/api/privacy/settings')).json())).toEqual({ rawEventRetentionDays: null });
    expect((await admin.call('/api/admin/invites', { method: 'POST', json: { email: 'rep@keep-less.test' } })).status).toBe(201);
    const member = await signIn(rt.app, 'rep@keep-less.test', 'Rep');
    const refused = await member.call('/api/privacy/settings', { method: 'PATCH', json: { rawEventRetentionDays: 30 } });
    expect(refused.status).toBe(403);
    const bad = await admin.call('/api/privacy/settings', { method: 'PATCH', json: { rawEventRetentionDays: 0 } });
    expect(errorEnvelopeSchema.parse(await bad.json()).error.code).toBe('VALIDATION_ERROR');
    const saved = await admin.call('/api/privacy/settings', { method: 'PATCH', json: { rawEventRetentionDays: 30 } });
    expect(privacySettingsSchema.parse(await saved.json())).toEqual({ rawEventRetentionDays: 30 });
    const rows = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, admin.workspace.id));
    expect(rows.find((r) => r.action === 'settings.changed')).toMatchObject({ actorId: admin.user.id, target: 'rawEventRetentionDays', data: { before: null, after: 30 } });
  });

  it('a daily job clears user agents and IPs past the retention, keeps the events, and leaves other workspaces alone', async () => {
    const strict = await signIn(rt.app, 'boss@strict-retention.test', 'Strict');
    const lax = await signIn(rt.app, 'boss@lax-retention.test', 'Lax');
    await strict.call('/api/privacy/settings', { method: 'PATCH', json: { rawEventRetentionDays: 30 } });
    const start = Date.now();
    const mine = await seedSentEmail(rt.deps.db, strict.workspace.id);
    const theirs = await seedSentEmail(rt.deps.db, lax.workspace.id);
    const raw = { userAgent: 'Mozilla/5.0 (Reader)', ip: '198.51.100.4' };
    const [old, recent, oldReply, otherOld] = await rt.deps.db
      .insert(emailEvents)
      .values([
        { workspaceId: strict.workspace.id, emailId: mine.id, type: 'open', occurredAt: new Date(start - 40 * DAY), ...raw },
        { workspaceId: strict.workspace.id, emailId: mine.id, type: 'click', occurredAt: new Date(start - 10 * DAY), url: 'https://x.test', ...raw },
        { workspaceId: strict.workspace.id, emailId: mine.id, type: 'reply', occurredAt: new Date(start - 40 * DAY), ...raw },
        { workspaceId: lax.workspace.id, emailId: theirs.id, type: 'open', occurredAt: new Date(start - 400 * DAY), ...raw },
      ])
      .returning();
    const read = async () => {
      const rows = await rt.deps.db.select().from(emailEvents).where(inArray(emailEvents.id, [old!.id, recent!.id, oldReply!.id, otherOld!.id]));
      return new Map(rows.map((r) => [r.id, r]));
    };

    let clock = new Date(start);
    const stop = registerRetentionWorker(rt.deps, { now: () => clock, checkMs: 60_000 });
    try {
      await until(async () => (await read()).get(old!.id)!.userAgent === null || undefined);
      let rows = await read();
      expect(rows.get(old!.id)).toMatchObject({ userAgent: null, ip: null, type: 'open' });
      expect(rows.get(recent!.id)).toMatchObject(raw);
      expect(rows.get(oldReply!.id)).toMatchObject(raw); // only opens and clicks carry a reader's device
      expect(rows.get(otherOld!.id)).toMatchObject(raw); // no retention set there

      // 25 days later the click is 35 days old: the next day's run clears it too.
      clock = new Date(start + 25 * DAY);
      stop.check();
      await until(async () => (await read()).get(recent!.id)!.ip === null || undefined);
      rows = await read();
      expect(rows.get(recent!.id)).toMatchObject({ userAgent: null, ip: null, url: 'https://x.test', type: 'click' });
      expect(rows.size).toBe(4);
    } finally {
      await stop();
    }
  });
});
