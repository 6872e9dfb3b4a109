import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { signIn } from '../../../test/harness';
import { haveService } from '../../../test/services';
import { openSendRuntime, until, type SendRuntime } from '../../../test/send-kit';
import { campaignLeads, workspaces } from '../../../../db/schema';
import { firstStepOf } from '../../../test/sequence-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
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
      // The email comes from the scheduler, so its lead link is the one the accept path writes.
      const { email, lead } = await firstStepOf(rt, rep, 'ada@away.test', { name: 'OOO', steps: [{ subject: 'Hi', bodyHtml: '<p>1</p>' }, { delay: 3, bodyHtml: '<p>2</p>' }] });
      expect(email.campaignLeadId).toBe(lead.id);
      const status = async () => (await db.select().from(campaignLeads).where(eq(campaignLeads.id, lead.id)))[0]!.status;

      for (const n of [1, 2]) {
        const effect = await applyEffect(rt.deps, { kind: 'auto_reply', email, dedupeKey: `inbound:<ooo-${n}-${lead.id}@away.test>` });
        expect(effect.recorded).toBe(true);
        await until(async () => (await status()) === 'active', 10_000);
      }
    });
  });
}
