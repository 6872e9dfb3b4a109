import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { signIn } from '../../../test/harness';
import { haveService } from '../../../test/services';
import { connectMailbox, openSendRuntime, settle, until, type SendRuntime } from '../../../test/send-kit';
import { emailEvents } from '../../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import type { SendEmailResponse } from '../../../../shared/contracts/emails';
import { registerInboxSync } from './inbox-sync.worker';

const drivers = [
  { name: 'inline' as const, enabled: true },
  { name: 'bullmq' as const, enabled: haveService('redis', 'inbox sync schedule on BullMQ') },
];
const READ = 'https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly openid email';

for (const driver of drivers) {
  describe.runIf(driver.enabled)(`scheduled inbox sync on the ${driver.name} queue`, () => {
    let emu: GmailEmulator;
    let rt: SendRuntime;

    beforeAll(async () => {
      emu = await startGmailEmulator();
      rt = await openSendRuntime(driver.name, emu);
    });
    afterAll(async () => {
      await rt?.close();
      await emu?.close();
    });

    it('keeps syncing round after round, so a reply arriving later is still seen', async () => {
      const rep = await signIn(rt.app, `rita-${crypto.randomUUID()}@sync-rounds.test`);
      const box = await connectMailbox(rt, emu, rep, `box-${crypto.randomUUID()}@sync-rounds.test`, { scopes: READ.split(' ') });
      const sendAndWait = async (to: string) => {
        const res = await rep.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, json: { to, subject: 'Quick idea', bodyHtml: '<p>Hi</p>', mailboxId: box.id } });
        const [row] = await settle(rt, [((await res.json()) as SendEmailResponse).id]);
        expect(row!.status).toBe('SENT');
        return row!;
      };
      const replied = (emailId: string) => async () =>
        (await rt.deps.db.select().from(emailEvents).where(and(eq(emailEvents.emailId, emailId), eq(emailEvents.type, 'reply')))).length === 1;

      const stop = registerInboxSync(rt.deps, { everyMs: 300 });
      try {
        const first = await sendAndWait('ada@prospect.test');
        await emu.control.injectReply(first.providerMessageId!, { text: 'Yes, Thursday works.' });
        await until(replied(first.id));

        // Several rounds later: the mailbox's job id is taken again once its last sync finished.
        await new Promise((r) => setTimeout(r, 1000));
        const second = await sendAndWait('bob@prospect.test');
        await emu.control.injectReply(second.providerMessageId!, { text: 'Send me the deck.' });
        await until(replied(second.id));
      } finally {
        await stop();
      }
    });
  });
}
