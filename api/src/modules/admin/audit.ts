import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { auditEvents, users } from '../../../../db/schema';
import type { AuditEvent } from '../../../../shared/contracts/admin';
import { listPage } from '../../lib/pagination';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context';

export interface AuditEntry {
  workspaceId: string;
  actorId: string | null;
  /** `<object>.<verb>`, e.g. `member.role_changed`. */
  action: string;
  target?: string | null;
  data?: Record<string, unknown>;
}

/** Appends one row to the audit log; pass the transaction so the entry commits with the change. */
export async function recordAudit(db: Pick<Db, 'insert'>, entry: AuditEntry) {
  await db.insert(auditEvents).values({ ...entry, target: entry.target ?? null, data: entry.data ?? {} });
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  /** Inclusive lower and exclusive upper bound on when the action happened. */
  since?: Date;
  until?: Date;
}

export async function listAudit(db: Db, workspaceId: string, query: { page: number; limit: number } & AuditFilter) {
  const where = and(
    eq(auditEvents.workspaceId, workspaceId),
    query.action ? eq(auditEvents.action, query.action) : undefined,
    query.actorId ? eq(auditEvents.actorId, query.actorId) : undefined,
    query.since ? gte(auditEvents.createdAt, query.since) : undefined,
    query.until ? lt(auditEvents.createdAt, query.until) : undefined,
  );
  const { rows, total } = await listPage(db, query, {
    rows: db
      .select({ event: auditEvents, actorEmail: users.email })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(where)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id)),
    from: auditEvents,
    where,
  });
  const data: AuditEvent[] = rows.map(({ event, actorEmail }) => ({
    id: event.id,
    actorId: event.actorId,
    actorEmail: actorEmail ?? null,
    action: event.action,
    target: event.target,
    data: event.data,
    createdAt: event.createdAt.toISOString(),
  }));
  return { rows: data, total };
}

/** The actions recorded so far in a workspace, for a filter list. */
export async function auditActions(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.workspaceId, workspaceId)).orderBy(auditEvents.action);
  return rows.map((r) => r.action);
}

/**
 * Route middleware: one audit row after the route answered 2xx, with the session's actor, the
 * `:id` parameter (or the created row's `id` from the answer) as target, and the request id.
 * For routes whose service does not write its own row; `data` picks what the answer says
 * (e.g. a campaign's status after a launch). Written after the change commits: a crash between
 * the two loses the row, never invents one.
 */
export function audited(action: string, data?: (answer: Record<string, unknown>) => Record<string, unknown>): MiddlewareHandler<AppEnv> {
  return async function audited(c, next) {
    await next();
    if (c.res.status < 200 || c.res.status >= 300) return;
    const s = c.get('session');
    let answer: Record<string, unknown> = {};
    if ((c.res.headers.get('content-type') ?? '').includes('application/json')) answer = ((await c.res.clone().json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    const target = c.req.param('id') ?? (typeof answer.id === 'string' ? answer.id : null);
    await recordAudit(c.get('deps').db, { workspaceId: s.workspaceId, actorId: s.userId, action, target, data: { ...(data ? data(answer) : {}), requestId: c.get('requestId') } });
  };
}
