import { sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { rowsOf } from '../../../../db/prepared';
import { BUILTIN_TEMPLATES } from './builtins';
import { sanitizeEmailHtml } from './sanitize';

/** Workspaces this process has already seeded (or found seeded): their reads skip the statement. */
const seeded = new Set<string>();

/**
 * Gives a workspace the built-in library on its first read of templates. One statement: it
 * claims each builtin in `template_seeds` (primary key workspace + builtin, on conflict do
 * nothing) and creates a template only for the claims it won. Concurrent first reads — two
 * tabs, two API processes — block on each other's claim and the loser inserts nothing, so
 * each builtin arrives exactly once; a claim outlives its template, so a builtin the rep
 * deleted or edited is never seeded again.
 */
export async function ensureBuiltinTemplates(db: Db, workspaceId: string): Promise<void> {
  if (seeded.has(workspaceId)) return;
  await seedBuiltinTemplates(db, workspaceId);
  seeded.add(workspaceId);
}

/** The seed statement itself, whatever this process remembers: how many templates it created. */
export async function seedBuiltinTemplates(db: Db, workspaceId: string): Promise<number> {
  const lib = sql.join(
    BUILTIN_TEMPLATES.map((b) => sql`(${b.key}, ${b.name}, ${b.category}, ${b.subject}, ${sanitizeEmailHtml(b.bodyHtml)})`),
    sql`, `,
  );
  const created = await db.execute(sql`
    with lib(key, name, category, subject, body_html) as (values ${lib}),
    claimed as (
      insert into template_seeds (workspace_id, builtin_key)
      select ${workspaceId}::uuid, key from lib
      on conflict do nothing
      returning builtin_key)
    insert into templates (workspace_id, name, subject, body_html, category, builtin_key)
    select ${workspaceId}::uuid, lib.name, lib.subject, lib.body_html, lib.category, lib.key
    from lib join claimed on claimed.builtin_key = lib.key
    on conflict do nothing
    returning id`);
  return rowsOf(created).length;
}
