import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signIn } from '../../../test/harness';
import { haveService } from '../../../test/services';
import { openSendRuntime, until, type SendRuntime } from '../../../test/send-kit';
import { campaignLeads, campaigns, prospects, workspaces } from '../../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { seedSentEmail } from '../../../test/tracking-fixtures';
import { applyEffect } from './effects';
import { registerLeadResumeWorker } from './resume.worker';

const drivers = [
  { name: 'inline' as const, enabled: true },
  { name: 'bullmq' as const, enabled: haveService('redis', 'lead resume on BullMQ') },
];

for (const driver of drivers) {
  describe.runIf(driver.enabled)(`out-of-office resume on the ${driver.name} queue`, () => {
    let emu: GmailEmulator;
    let rt: SendRuntime;
    beforeAll(async () => {
      emu = await startGmailEmulator();
      rt = await openSendRuntime(driver.name, emu);
      registerLeadResumeWorker(rt.deps);
    });
    afterAll(async () => {
      await rt?.close();
      await emu?.close();
    });

    it('resumes a lead after each of its out-of-office answers, not only the first', async () => {
      const rep = await signIn(rt.app, `rita-${crypto.randomUUID()}@resume.test`);
      const db = rt.deps.db;
      // A workspace default of zero days: the pause ends at once, so the test need not wait days.
      await db.update(workspaces).set({ settings: { autoReplyPauseDays: 0 } }).where(eq(workspaces.id, rep.workspace.id));
      const [prospect] = await db.insert(prospects).values({ workspaceId: rep.workspace.id, email: 'ada@away.test' }).returning();
      const [campaign] = await db.insert(campaigns).values({ workspaceId: rep.workspace.id, name: 'OOO', status: 'active' }).returning();
      const [lead] = await db.insert(campaignLeads).values({ workspaceId: rep.workspace.id, campaignId: campaign!.id, prospectId: prospect!.id, status: 'active' }).returning();
      const email = await seedSentEmail(db, rep.workspace.id, { to: 'ada@away.test', prospectId: prospect!.id, campaignId: campaign!.id, campaignLeadId: lead!.id });
      const status = async () => (await db.select().from(campaignLeads).where(eq(campaignLeads.id, lead!.id)))[0]!.status;

      for (const n of [1, 2]) {
        const effect = await applyEffect(rt.deps, { kind: 'auto_reply', email, dedupeKey: `inbound:<ooo-${n}-${lead!.id}@away.test>` });
        expect(effect.recorded).toBe(true);
        await until(async () => (await status()) === 'active', 10_000);
      }
    });
  });
}
