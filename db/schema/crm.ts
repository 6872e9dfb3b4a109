import { pgTable, uuid, text, timestamp, jsonb, integer, boolean, uniqueIndex, index, primaryKey } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { workspaces, users } from './identity';

/** The recipient check's flags as stored on a prospect (see api/src/modules/deliverability/recipients.ts). */
export const recipientFlagKinds = ['role', 'disposable', 'no_mail', 'unverified'] as const;

export const prospects = pgTable(
  'prospects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    company: text('company'),
    title: text('title'),
    timeZone: text('time_zone'),
    customFields: jsonb('custom_fields').$type<Record<string, string>>().notNull().default({}),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * Stored marks of where a prospect stands, kept by triggers on emails, campaign_leads and
     * email_events (migration 0013), so the list's status filters read an index instead of
     * joining every email and lead: `contacted` = some email or campaign place exists for them;
     * `replied` = they replied to a Lumina email, or a sequence stopped on their reply or referral.
     */
    contacted: boolean('contacted').notNull().default(false),
    replied: boolean('replied').notNull().default(false),
    /** The address is on the workspace's suppression list (kept by triggers on both tables). */
    suppressed: boolean('suppressed').notNull().default(false),
    /**
     * What the recipient check said when the address was added, imported or edited (and a send
     * found later): `role`, `disposable`, `unverified`, `no_mail`. Empty when nothing is wrong.
     */
    recipientFlags: text('recipient_flags', { enum: recipientFlagKinds }).array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('prospects_ws_email_uq').on(t.workspaceId, t.email),
    // The status and flag filters: a page read newest first off a partial index of the few (or many) that match.
    index('prospects_ws_replied_idx').on(t.workspaceId, t.createdAt, t.id).where(sql`${t.replied}`),
    index('prospects_ws_not_contacted_idx').on(t.workspaceId, t.createdAt, t.id).where(sql`not ${t.contacted}`),
    index('prospects_ws_suppressed_idx').on(t.workspaceId, t.createdAt, t.id).where(sql`${t.suppressed}`),
    index('prospects_ws_flagged_idx').on(t.workspaceId, t.createdAt, t.id).where(sql`${t.recipientFlags} <> '{}'::text[]`),
    index('prospects_ws_company_idx').on(t.workspaceId, t.company),
    /** The list's order (newest first): a page is read off the index, not sorted out of 100,000 rows. */
    // Ascending, read backwards: that is ORDER BY created_at DESC, id DESC (nulls first), the list's order.
    index('prospects_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    /** The time-zone filter and its list of zones (read as a loose index scan). */
    index('prospects_ws_tz_idx').on(t.workspaceId, t.timeZone),
    /** The list's search (`ilike '%…%'` on each field): trigram indexes (pg_trgm), one per field, OR-ed as bitmaps. */
    index('prospects_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    index('prospects_first_name_trgm_idx').using('gin', sql`${t.firstName} gin_trgm_ops`),
    index('prospects_last_name_trgm_idx').using('gin', sql`${t.lastName} gin_trgm_ops`),
    index('prospects_company_trgm_idx').using('gin', sql`${t.company} gin_trgm_ops`),
  ],
);

export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    subject: text('subject').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    category: text('category'),
    /** The built-in library's key (builtins.ts) of a seeded template; null for a rep's own. */
    builtinKey: text('builtin_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('templates_ws_idx').on(t.workspaceId),
    uniqueIndex('templates_ws_builtin_uq').on(t.workspaceId, t.builtinKey).where(sql`${t.builtinKey} is not null`),
  ],
);

/**
 * Which builtins a workspace has been given, one row per (workspace, builtin) forever: the
 * seed inserts here first (on conflict do nothing) and creates a template only for the rows it
 * inserted, so concurrent first reads seed once and a deleted builtin never comes back.
 */
export const templateSeeds = pgTable(
  'template_seeds',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    builtinKey: text('builtin_key').notNull(),
    seededAt: timestamp('seeded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.builtinKey] })],
);

/** A member's starred templates. */
export const templateFavourites = pgTable(
  'template_favourites',
  {
    templateId: uuid('template_id').notNull().references(() => templates.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.userId] }), index('template_favourites_ws_user_idx').on(t.workspaceId, t.userId)],
);

/**
 * A large CSV import running in the background: its progress while it runs, its report when
 * done. Rows with errors go to `import_errors` (downloadable as CSV), however many there are.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['running', 'done', 'failed'] }).notNull().default('running'),
    dedupe: text('dedupe', { enum: ['update', 'skip'] }).notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    suppressed: integer('suppressed').notNull().default(0),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('import_jobs_ws_idx').on(t.workspaceId, t.createdAt)],
);

export const importErrors = pgTable(
  'import_errors',
  {
    jobId: uuid('job_id').notNull().references(() => importJobs.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    /** `error` rows were not imported; `suppressed` and `flagged` (role, disposable, unverified recipient) rows were, and are flagged. */
    kind: text('kind', { enum: ['error', 'suppressed', 'flagged'] }).notNull().default('error'),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.row] })],
);

export const aiFeedback = pgTable(
  'ai_feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    inputHash: text('input_hash').notNull(),
    task: text('task'),
    action: text('action', { enum: ['accepted', 'rejected', 'edited'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ai_feedback_ws_idx').on(t.workspaceId, t.createdAt)],
);

/**
 * The addresses one import run has written so far, with the row each came from: how a later
 * batch of the same file knows an address is a repeat (the first occurrence wins) without the
 * API holding a map of every address of a 500,000-row file. Rows are deleted when the run ends.
 */
export const importSeen = pgTable(
  'import_seen',
  {
    runId: uuid('run_id').notNull(),
    email: text('email').notNull(),
    row: integer('row').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.email] })],
);
