import { Hono } from 'hono';
import { and, eq, or, type SQL } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { emails, selfViews } from '../../../../db/schema';
import { selfViewRequest } from '../../../../shared/contracts/tracking';

/** Mounted under /api: the extension reports the rep looking at one of the workspace's emails. */
export const selfViewRoutes = new Hono<AppEnv>().post('/tracking/self-view', validate('json', selfViewRequest), async (c) => {
  const { db } = c.get('deps');
  const session = c.get('session');
  const body = c.req.valid('json');
  const which: SQL[] = [];
  if (body.emailId) which.push(eq(emails.id, body.emailId));
  if (body.threadId) which.push(eq(emails.threadId, body.threadId));
  if (body.messageId) which.push(eq(emails.messageId, body.messageId));
  const mine = await db
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.workspaceId, session.workspaceId), or(...which)))
    .limit(100);
  if (mine.length) {
    await db.insert(selfViews).values(mine.map((e) => ({ workspaceId: session.workspaceId, userId: session.userId, emailId: e.id })));
  }
  return c.json({ matched: mine.length });
});
