import { and, asc, desc, eq, ilike, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { rowsOf } from '../../../../db/prepared';
import { templateFavourites, templates } from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import { listPage } from '../../lib/pagination';
import { listVariables, prospectVars, renderTemplate, type TemplateVars } from '../../../../shared/template-vars';
import type { RenderTemplateRequest, RenderTemplateResponse, Template, TemplateCategory, TemplatePerformance } from '../../../../shared/contracts/templates';
import { getProspect } from '../prospects/service';
import { escapeHtml, sanitizeEmailHtml } from './sanitize';
import { ensureBuiltinTemplates } from './seed';

type TemplateRow = typeof templates.$inferSelect;

export interface ListTemplatesQuery {
  page: number;
  limit: number;
  q?: string;
  category?: TemplateCategory;
  favourite?: boolean;
  builtin?: boolean;
}

/** The caller's star on a template, as a column of the select. */
const favouriteOf = (userId: string) =>
  sql<boolean>`exists (select 1 from ${templateFavourites} f where f.template_id = ${templates.id} and f.user_id = ${userId})`;

/**
 * The workspace's templates (the built-in library seeded on this first read): the caller's
 * favourites first, then the workspace's own, then the library; each with its measured figures.
 */
export async function listTemplates(db: Db, workspaceId: string, query: ListTemplatesQuery, userId?: string) {
  await ensureBuiltinTemplates(db, workspaceId);
  // Without a user (a system read) nobody has stars; Postgres refuses a bare constant in ORDER BY, so it is left out there.
  const favourite = userId ? favouriteOf(userId) : sql<boolean>`false`;
  const where = and(
    eq(templates.workspaceId, workspaceId),
    query.q ? ilike(templates.name, `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : undefined,
    query.category ? eq(templates.category, query.category) : undefined,
    query.favourite === true ? favourite : query.favourite === false ? sql`not ${favourite}` : undefined,
    query.builtin === true ? isNotNull(templates.builtinKey) : query.builtin === false ? isNull(templates.builtinKey) : undefined,
  );
  const { rows, total } = await listPage(db, query, {
    rows: db
      .select({ row: templates, favourite })
      .from(templates)
      .where(where)
      .orderBy(...(userId ? [desc(favourite)] : []), desc(isNull(templates.builtinKey)), desc(templates.updatedAt), asc(templates.name), desc(templates.id)),
    from: templates,
    where,
  });
  const figures = await templatePerformance(db, workspaceId, rows.map((r) => r.row.id));
  return { rows: rows.map((r) => toTemplate(r.row, { favourite: Boolean(r.favourite), performance: figures.get(r.row.id) })), total };
}

/** One template as the API shows it to this user: star and figures included. */
export async function getTemplate(db: Db, workspaceId: string, userId: string, id: string): Promise<Template> {
  const row = await getTemplateRow(db, workspaceId, id);
  const [fav] = await db.select({ t: templateFavourites.templateId }).from(templateFavourites).where(and(eq(templateFavourites.templateId, id), eq(templateFavourites.userId, userId)));
  return toTemplate(row, { favourite: Boolean(fav), performance: (await templatePerformance(db, workspaceId, [id])).get(id) });
}

/** Stars (or unstars) a template for one user; idempotent both ways. */
export async function setFavourite(db: Db, workspaceId: string, userId: string, id: string, on: boolean): Promise<void> {
  await getTemplateRow(db, workspaceId, id);
  if (on) await db.insert(templateFavourites).values({ templateId: id, userId, workspaceId }).onConflictDoNothing();
  else await db.delete(templateFavourites).where(and(eq(templateFavourites.templateId, id), eq(templateFavourites.userId, userId), eq(templateFavourites.workspaceId, workspaceId)));
}

const NO_FIGURES: TemplatePerformance = { used: 0, sent: 0, humanOpens: 0, replies: 0, humanOpenRate: 0, replyRate: 0 };

/**
 * Figures per template from the emails made with it: a rep's send names the template
 * (`emails.template_id`); a campaign's send names its step, whose template it used. Opens and
 * replies come from `email_engagement` (derived from the events: a person's first open, the
 * first reply), so a scanner's open never counts.
 */
export async function templatePerformance(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, TemplatePerformance>> {
  const out = new Map<string, TemplatePerformance>();
  if (ids.length === 0) return out;
  const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = rowsOf<{ tid: string; used: number; sent: number; opened: number; replied: number }>(
    await db.execute(sql`
      select u.tid, count(*)::int as used,
        count(*) filter (where u.status = 'SENT')::int as sent,
        count(g.first_human_open_at) filter (where u.status = 'SENT')::int as opened,
        count(g.replied_at) filter (where u.status = 'SENT')::int as replied
      from (
        select e.template_id as tid, e.id, e.status from emails e
        where e.workspace_id = ${workspaceId} and e.template_id in (${list})
        union all
        select s.template_id as tid, e.id, e.status from emails e join sequence_steps s on s.id = e.step_id
        where e.workspace_id = ${workspaceId} and e.template_id is null and s.template_id in (${list})
      ) u
      -- One probe per email made with these templates (offset 0 keeps it a probe): a join let Postgres hash every engagement row.
      left join lateral (select x.first_human_open_at, x.replied_at from email_engagement x where x.email_id = u.id offset 0) g on true
      group by u.tid`),
  );
  const rate = (n: number, of: number) => (of ? Math.round((n / of) * 10_000) / 10_000 : 0);
  for (const r of rows) {
    const [used, sent, opened, replied] = [Number(r.used), Number(r.sent), Number(r.opened), Number(r.replied)];
    out.set(r.tid, { used, sent, humanOpens: opened, replies: replied, humanOpenRate: rate(opened, sent), replyRate: rate(replied, sent) });
  }
  return out;
}

export async function getTemplateRow(db: Db, workspaceId: string, id: string): Promise<TemplateRow> {
  const [row] = await db.select().from(templates).where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)));
  if (!row) throw notFound('Template');
  return row;
}

export async function createTemplate(db: Db, workspaceId: string, ownerId: string, input: { name: string; subject: string; bodyHtml: string; category?: TemplateCategory | null }) {
  const [row] = await db.insert(templates).values({ workspaceId, ownerId, ...input, bodyHtml: sanitizeEmailHtml(input.bodyHtml) }).returning();
  return toTemplate(row!);
}

/** A template of the workspace (a builtin, a colleague's) as the caller's own, to change freely. */
export async function copyTemplate(db: Db, workspaceId: string, ownerId: string, id: string) {
  const source = await getTemplateRow(db, workspaceId, id);
  const [row] = await db
    .insert(templates)
    .values({ workspaceId, ownerId, name: `${source.name} (copy)`.slice(0, 200), subject: source.subject, bodyHtml: source.bodyHtml, category: source.category })
    .returning();
  return toTemplate(row!);
}

export async function updateTemplate(db: Db, workspaceId: string, id: string, input: { name?: string; subject?: string; bodyHtml?: string; category?: TemplateCategory | null }) {
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

export function toTemplate(row: TemplateRow, extra: { favourite?: boolean; performance?: TemplatePerformance } = {}): Template {
  const vars = listVariables(`${row.subject}\n${row.bodyHtml}`);
  const fallbacks = new Map<string, string | null>();
  for (const v of vars) if (!fallbacks.has(v.name) || (fallbacks.get(v.name) === null && v.fallback)) fallbacks.set(v.name, v.fallback ?? null);
  const performance = extra.performance ?? NO_FIGURES;
  return {
    id: row.id,
    name: row.name,
    subject: row.subject,
    bodyHtml: row.bodyHtml,
    ownerId: row.ownerId,
    category: (row.category as TemplateCategory | null) ?? null,
    builtinKey: row.builtinKey,
    favourite: extra.favourite ?? false,
    variables: [...fallbacks.keys()],
    variableFallbacks: [...fallbacks].map(([name, fallback]) => ({ name, fallback })),
    usageCount: performance.used,
    performance,
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
