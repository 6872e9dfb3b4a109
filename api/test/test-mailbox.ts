import { and, eq } from 'drizzle-orm';
import { mailboxes } from '../../db/schema';
import type { TestRuntime } from './harness';

/** Test helper: gives a signed-in user a sandbox mailbox row (what connecting Gmail creates). */
export async function giveMailbox(rt: TestRuntime, who: { user: { id: string; email?: string }; workspace: { id: string } }, email: string, extra: Partial<typeof mailboxes.$inferInsert> = {}) {
  const [row] = await rt.deps.db
    .insert(mailboxes)
    .values({ workspaceId: who.workspace.id, userId: who.user.id, provider: 'sandbox', email, ...extra })
    .onConflictDoUpdate({ target: [mailboxes.workspaceId, mailboxes.email], set: { userId: who.user.id, status: 'active', ...extra } })
    .returning();
  return row!;
}

export async function mailboxRow(rt: TestRuntime, workspaceId: string, email: string) {
  const [row] = await rt.deps.db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.email, email)));
  return row;
}
