import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { emailEvents, emails } from '../../../../db/schema';
import { exportQuery } from '../../../../shared/contracts/dashboard';
import { recordAudit } from '../admin/audit';

const PAGE = 5000;
const COLUMNS = ['occurred_at', 'type', 'machine', 'reason', 'email_id', 'to', 'subject', 'campaign_id', 'link_index', 'url', 'user_agent'];

/**
 * `GET /api/analytics/export.csv`: the workspace's events, filtered, streamed page by page
 * (keyset on the event id) so a large export never sits in memory whole.
 */
export const analyticsRoutes = new Hono<AppEnv>().get('/analytics/export.csv', validate('query', exportQuery), async (c) => {
  const { db } = c.get('deps');
  const { workspaceId, userId } = c.get('session');
  const q = c.req.valid('query');
  // A data export is audited when it starts: who took which events out, with the filters used.
  await recordAudit(db, { workspaceId, actorId: userId, action: 'data.exported', target: 'events', data: { filters: q, requestId: c.get('requestId') } });
  const filters: SQL[] = [eq(emailEvents.workspaceId, workspaceId)];
  if (q.from) filters.push(gte(emailEvents.occurredAt, new Date(q.from)));
  if (q.to) filters.push(lt(emailEvents.occurredAt, new Date(q.to)));
  if (q.type) filters.push(inArray(emailEvents.type, q.type));
  if (q.machine) filters.push(eq(emailEvents.machine, q.machine === 'true'));
  if (q.emailId) filters.push(eq(emailEvents.emailId, q.emailId));
  if (q.campaignId) filters.push(eq(emails.campaignId, q.campaignId));

  let after = 0;
  let header = true;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db
        .select({
          id: emailEvents.id,
          occurredAt: emailEvents.occurredAt,
          type: emailEvents.type,
          machine: emailEvents.machine,
          reason: emailEvents.reason,
          emailId: emailEvents.emailId,
          to: emails.to,
          subject: emails.subject,
          campaignId: emails.campaignId,
          linkIndex: emailEvents.linkIndex,
          url: emailEvents.url,
          userAgent: emailEvents.userAgent,
        })
        .from(emailEvents)
        .innerJoin(emails, and(eq(emails.id, emailEvents.emailId), eq(emails.workspaceId, workspaceId)))
        .where(and(...filters, gt(emailEvents.id, after)))
        .orderBy(asc(emailEvents.id))
        .limit(PAGE);
      const records = rows.map((r) => [r.occurredAt.toISOString(), r.type, r.machine, r.reason, r.emailId, inert(r.to), inert(r.subject), r.campaignId, r.linkIndex, inert(r.url), inert(r.userAgent)]);
      controller.enqueue(encoder.encode(stringify(records, { header, columns: header ? COLUMNS : undefined, cast: { boolean: (v) => String(v) } })));
      header = false;
      if (rows.length < PAGE) controller.close();
      else after = rows.at(-1)!.id;
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="lumina-events-${new Date().toISOString().slice(0, 10)}.csv"`,
    'cache-control': 'no-store',
  });
});

/**
 * Subjects, addresses and user agents come from outside (a pixel hit's User-Agent is anyone's
 * to choose); a cell starting with = + - @ or a control character would run as a formula when
 * the export is opened in a spreadsheet, so it is prefixed with an apostrophe (OWASP CSV injection).
 */
function inert(value: string | null): string | null {
  return value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
