import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { auditEvents, users } from '../../../../db/schema';
import type { AuditEvent } from '../../../../shared/contracts/admin';
import { listPage } from '../../lib/pagination';

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
