import type { Db } from '../../db/client';
import { emails } from '../../db/schema';

/**
 * Test fixture: an `emails` row as the send pipeline writes it once Gmail accepted it.
 * Tests arrange with it instead of going through the send worker.
 */
export async function seedSentEmail(db: Db, workspaceId: string, overrides: Partial<typeof emails.$inferInsert> = {}) {
  const id = overrides.id ?? crypto.randomUUID();
  const [row] = await db
    .insert(emails)
    .values({
      id,
      workspaceId,
      idempotencyKey: `seed-${id}`,
      requestHash: 'seed',
      to: 'Ada Prospect <ada@prospect.test>',
      fromAddress: 'rep@lumina.test',
      subject: 'Quick question',
      bodyHtml: '<p>Hi Ada</p>',
      messageId: `<${id}@lumina.test>`,
      status: 'SENT',
      sentAt: new Date(Date.now() - 3_600_000),
      threadId: `thread-${id.slice(0, 8)}`,
      providerMessageId: `gm-${id.slice(0, 8)}`,
      ...overrides,
    })
    .returning();
  return row!;
}

/** Polls until `cond` holds, failing after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
