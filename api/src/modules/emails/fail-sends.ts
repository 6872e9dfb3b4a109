import { and, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { emails, sendJobs } from '../../../../db/schema';

/**
 * FAILED with a reason people can read, for every email matching `which` that is still open
 * (PENDING_SEND or SENDING), and their send jobs with it. Run inside the caller's transaction
 * or on the database itself; returns how many failed.
 */
export async function failOpenSends(db: Pick<Db, 'update'>, which: SQL | undefined, reason: string): Promise<number> {
  const now = new Date();
  const failed = await db
    .update(emails)
    .set({ status: 'FAILED', failureReason: reason, updatedAt: now })
    .where(and(which, inArray(emails.status, ['PENDING_SEND', 'SENDING'])))
    .returning({ id: emails.id });
  if (failed.length) await db.update(sendJobs).set({ state: 'failed', lastError: reason, updatedAt: now }).where(inArray(sendJobs.emailId, failed.map((f) => f.id)));
  return failed.length;
}
