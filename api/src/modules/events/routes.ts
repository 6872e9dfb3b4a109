import { Hono } from 'hono';
import { z } from 'zod';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import type { Db } from '../../../../db/client';
import { validate } from '../../middleware/validate';
import { notFound } from '../../lib/api-error';
import { listPage, paginated } from '../../lib/pagination';
import { emailEvents, emails } from '../../../../db/schema';
import { timelineQuery } from '../../../../shared/contracts/events';

/** Mounted at /api beside the emails router: `GET /api/emails/:id/events`, the sidebar's timeline. */
export const eventRoutes = new Hono<AppEnv>().get(
  '/emails/:id/events',
  validate('param', z.object({ id: z.uuid() })),
  validate('query', timelineQuery),
  async (c) => {
    const { db } = c.get('deps');
    const { workspaceId } = c.get('session');
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const [email] = await db.select({ id: emails.id }).from(emails).where(and(eq(emails.id, id), eq(emails.workspaceId, workspaceId)));
    if (!email) throw notFound('Email');
    const where = and(eq(emailEvents.workspaceId, workspaceId), eq(emailEvents.emailId, id), q.humanOnly ? eq(emailEvents.machine, false) : undefined);
    const [{ rows, total }, figures] = await Promise.all([
      listPage(db, q, { rows: db.select().from(emailEvents).where(where).orderBy(asc(emailEvents.occurredAt), asc(emailEvents.id)), from: emailEvents, where }),
      emailFigures(db, workspaceId, id),
    ]);
    return c.json({
      ...paginated(rows.map(toEventJson), total, q.page, q.limit),
      figures,
    });
  },
);

export function toEventJson(e: typeof emailEvents.$inferSelect) {
  return {
    id: e.id,
    type: e.type,
    machine: e.machine,
    reason: e.reason,
    linkIndex: e.linkIndex,
    url: e.url,
    userAgent: e.userAgent,
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  };
}

/** Raw and human figures of one email, and the moment a person first opened it. */
export async function emailFigures(db: Db, workspaceId: string, emailId: string) {
  const [f] = await db
    .select({
      opens: sql<number>`count(*) filter (where ${emailEvents.type} = 'open')`.mapWith(Number),
      humanOpens: sql<number>`count(*) filter (where ${emailEvents.type} = 'open' and not ${emailEvents.machine})`.mapWith(Number),
      clicks: sql<number>`count(*) filter (where ${emailEvents.type} = 'click')`.mapWith(Number),
      humanClicks: sql<number>`count(*) filter (where ${emailEvents.type} = 'click' and not ${emailEvents.machine})`.mapWith(Number),
      firstHumanOpenAt: sql<string | null>`min(${emailEvents.occurredAt}) filter (where ${emailEvents.type} = 'open' and not ${emailEvents.machine})`,
      lastHumanActivityAt: sql<string | null>`max(${emailEvents.occurredAt}) filter (where ${emailEvents.type} in ('open', 'click', 'reply') and not ${emailEvents.machine})`,
      replied: sql<boolean>`coalesce(bool_or(${emailEvents.type} = 'reply'), false)`,
      bounced: sql<boolean>`coalesce(bool_or(${emailEvents.type} = 'bounce' and ${emailEvents.reason} = 'hard'), false)`,
      unsubscribed: sql<boolean>`coalesce(bool_or(${emailEvents.type} = 'unsubscribe'), false)`,
    })
    .from(emailEvents)
    .where(and(eq(emailEvents.workspaceId, workspaceId), eq(emailEvents.emailId, emailId)));
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  return { ...f!, firstHumanOpenAt: iso(f!.firstHumanOpenAt), lastHumanActivityAt: iso(f!.lastHumanActivityAt) };
}
