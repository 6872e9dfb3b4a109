import { and, count, desc, eq, ilike } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { templates } from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import { listPage } from '../../lib/pagination';
import { listVariables, prospectVars, renderTemplate, type TemplateVars } from '../../../../shared/template-vars';
import type { RenderTemplateRequest, RenderTemplateResponse, Template } from '../../../../shared/contracts/templates';
import { getProspect } from '../prospects/service';
import { escapeHtml, sanitizeEmailHtml } from './sanitize';

type TemplateRow = typeof templates.$inferSelect;

export async function listTemplates(db: Db, workspaceId: string, query: { page: number; limit: number; q?: string }) {
  const where = and(eq(templates.workspaceId, workspaceId), query.q ? ilike(templates.name, `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : undefined);
  const { rows, total } = await listPage(db, query, { rows: db.select().from(templates).where(where).orderBy(desc(templates.updatedAt), desc(templates.id)), from: templates, where });
  return { rows: rows.map(toTemplate), total };
}

export async function getTemplateRow(db: Db, workspaceId: string, id: string): Promise<TemplateRow> {
  const [row] = await db.select().from(templates).where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)));
  if (!row) throw notFound('Template');
  return row;
}

export async function createTemplate(db: Db, workspaceId: string, ownerId: string, input: { name: string; subject: string; bodyHtml: string }) {
  const [row] = await db.insert(templates).values({ workspaceId, ownerId, ...input, bodyHtml: sanitizeEmailHtml(input.bodyHtml) }).returning();
  return toTemplate(row!);
}

export async function updateTemplate(db: Db, workspaceId: string, id: string, input: { name?: string; subject?: string; bodyHtml?: string }) {
  const [row] = await db
    .update(templates)
    .set({ ...input, ...(input.bodyHtml !== undefined ? { bodyHtml: sanitizeEmailHtml(input.bodyHtml) } : {}), updatedAt: new Date() })
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)))
    .returning();
  if (!row) throw notFound('Template');
  return toTemplate(row);
}

export async function deleteTemplate(db: Db, workspaceId: string, id: string) {
  const gone = await db.delete(templates).where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id))).returning({ id: templates.id });
  if (gone.length === 0) throw notFound('Template');
}

/** Fills subject and body from a prospect (same workspace) and/or ad-hoc values; ad-hoc values win. */
export async function renderStoredTemplate(db: Db, workspaceId: string, id: string, input: RenderTemplateRequest): Promise<RenderTemplateResponse> {
  const template = await getTemplateRow(db, workspaceId, id);
  const fromProspect = input.prospectId ? prospectVars(await getProspect(db, workspaceId, input.prospectId)) : {};
  return renderWith(template, mergeVars(fromProspect, input.vars ?? {}));
}

/** The subject is plain text; in the body every value is escaped, so a prospect's fields cannot add markup. */
export function renderWith(text: { subject: string; bodyHtml: string }, vars: TemplateVars): RenderTemplateResponse {
  const subject = renderTemplate(text.subject, vars);
  const body = renderTemplate(text.bodyHtml, escapeVars(vars));
  return { subject: subject.text, bodyHtml: body.text, missing: [...new Set([...subject.missing, ...body.missing])] };
}

export function toTemplate(row: TemplateRow): Template {
  return {
    id: row.id,
    name: row.name,
    subject: row.subject,
    bodyHtml: row.bodyHtml,
    ownerId: row.ownerId,
    variables: [...new Set(listVariables(`${row.subject}\n${row.bodyHtml}`).map((v) => v.name))],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function escapeVars(vars: TemplateVars): TemplateVars {
  const escape = (v: TemplateVars[string]): TemplateVars[string] =>
    typeof v === 'string' ? escapeHtml(v) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeHtml(x)])) : v;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, escape(v)]));
}

function mergeVars(base: TemplateVars, extra: TemplateVars): TemplateVars {
  const baseCustom = (base.custom ?? {}) as Record<string, string>;
  const extraCustom = (extra.custom ?? {}) as Record<string, string>;
  return { ...base, ...extra, custom: { ...baseCustom, ...extraCustom } };
}
