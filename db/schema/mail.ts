import {
  pgTable, uuid, text, timestamp, integer, boolean, jsonb, uniqueIndex, index, bigint, primaryKey,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { workspaces, users } from './identity';
import { prospects, templates } from './crm';
import { campaigns, campaignLeads, sequenceSteps } from './campaigns';

export const mailboxes = pgTable(
  'mailboxes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    provider: text('provider', { enum: ['gmail', 'sandbox'] }).notNull(),
    email: text('email').notNull(),
    status: text('status', { enum: ['active', 'needs_reauth', 'disabled'] }).notNull().default('active'),
    scopes: text('scopes').array().notNull().default([]),
    /** AES-256-GCM ciphertexts, `keyId:iv:tag:data` (base64url), see api/src/lib/crypto.ts. */
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
    historyId: text('history_id'),
    dailyCap: integer('daily_cap').notNull().default(200),
    /** `{ tz, days: [1..7], start: "09:00", end: "17:00" }` or null for any time. */
    sendWindow: jsonb('send_window').$type<{ tz: string; days: number[]; start: string; end: string } | null>(),
    /** `{ startCap, increment, everyDays, startedAt }` or null. */
    rampUp: jsonb('ramp_up').$type<{ startCap: number; increment: number; everyDays: number; startedAt: string } | null>(),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    /** DKIM selectors the admin names (besides Google's `google`), checked by the sender check. */
    dkimSelectors: text('dkim_selectors').array().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('mailboxes_ws_email_uq').on(t.workspaceId, t.email)],
);

export const drafts = pgTable(
  'drafts',
  {
    /** The client's id: drafts are created offline in the extension. */
    id: text('id').notNull(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    to: text('to').array().notNull().default([]),
    cc: text('cc').array().notNull().default([]),
    subject: text('subject').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    bodyText: text('body_text'),
    prospectId: uuid('prospect_id').references(() => prospects.id, { onDelete: 'set null' }),
    threadId: text('thread_id'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('drafts_ws_id_uq').on(t.workspaceId, t.id),
    index('drafts_user_updated_idx').on(t.workspaceId, t.userId, t.updatedAt),
  ],
);

export const emailStatuses = ['PENDING_SEND', 'SENDING', 'SENT', 'FAILED', 'CANCELLED'] as const;

export const emails = pgTable(
  'emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    mailboxId: uuid('mailbox_id').references(() => mailboxes.id, { onDelete: 'set null' }),
    prospectId: uuid('prospect_id').references(() => prospects.id, { onDelete: 'set null' }),
    campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
    campaignLeadId: uuid('campaign_lead_id').references(() => campaignLeads.id, { onDelete: 'set null' }),
    stepId: uuid('step_id').references(() => sequenceSteps.id, { onDelete: 'set null' }),
    /** The template a rep sent from (send body `templateId`); a campaign's sends link through their step. */
    templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
    /** The A/B variant of the step this email carried (the variant's id inside the step). */
    variantId: text('variant_id'),
    draftId: text('draft_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    /** sha256 of the canonical request body, to tell a replay from a conflicting reuse of a key. */
    requestHash: text('request_hash').notNull(),
    to: text('to').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text'),
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: text('references'),
    trackOpens: boolean('track_opens').notNull().default(true),
    trackClicks: boolean('track_clicks').notNull().default(true),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    // Status fields: the only columns that change after creation.
    status: text('status', { enum: emailStatuses }).notNull().default('PENDING_SEND'),
    failureReason: text('failure_reason'),
    providerMessageId: text('provider_message_id'),
    threadId: text('thread_id'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('emails_ws_idem_uq').on(t.workspaceId, t.idempotencyKey),
    uniqueIndex('emails_message_id_uq').on(t.messageId),
    index('emails_ws_created_idx').on(t.workspaceId, t.createdAt),
    index('emails_ws_thread_idx').on(t.workspaceId, t.threadId),
    index('emails_ws_to_idx').on(t.workspaceId, t.to),
    index('emails_status_idx').on(t.status),
    index('emails_mailbox_sent_idx').on(t.mailboxId, t.sentAt),
    index('emails_ws_sent_idx').on(t.workspaceId, t.sentAt),
    index('emails_campaign_idx').on(t.campaignId),
    index('emails_template_idx').on(t.templateId).where(sql`${t.templateId} is not null`),
    index('emails_lead_idx').on(t.campaignLeadId),
    // Stop checks ask "any reply, bounce or unsubscribe on any email to this person?"
    index('emails_prospect_idx').on(t.prospectId),
    /** The prospects list's "not contacted" anti-join: the workspace's written-to prospects, read off the index alone. */
    index('emails_ws_prospect_idx').on(t.workspaceId, t.prospectId),
    index('emails_step_idx').on(t.stepId).where(sql`${t.stepId} is not null`),
  ],
);

export const eventTypes = ['sent', 'open', 'click', 'reply', 'auto_reply', 'bounce', 'complaint', 'unsubscribe'] as const;

/**
 * Append-only: counts and dashboards are derived from these rows. The busiest table by far
 * (every pixel hit is a row), so each index and check here is paid per hit: the workspace has
 * no foreign key of its own — the email's (cascading from its workspace) already removes a
 * deleted workspace's events, and each key checked costs a lookup and a row lock per insert.
 */
export const emailEvents = pgTable(
  'email_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull(),
    emailId: uuid('email_id').notNull().references(() => emails.id, { onDelete: 'cascade' }),
    type: text('type', { enum: eventTypes }).notNull(),
    machine: boolean('machine').notNull().default(false),
    reason: text('reason'),
    linkIndex: integer('link_index'),
    url: text('url'),
    userAgent: text('user_agent'),
    ip: text('ip'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** One event per natural fact (an inbound message, a one-click unsubscribe): replays insert nothing. */
    dedupeKey: text('dedupe_key'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('events_ws_type_occurred_idx').on(t.workspaceId, t.type, t.occurredAt),
    index('events_email_idx').on(t.emailId, t.occurredAt),
    // Covers the dashboard aggregates (index-only scans over a workspace's time range) and, by
    // its prefix, every other workspace + time-range read.
    index('events_ws_occurred_cover_idx').on(t.workspaceId, t.occurredAt, t.type, t.machine, t.emailId),
    // Only facts with a natural key (replies, unsubscribes) carry one: opens and clicks skip this index.
    /** Inbound mail only (replies, out-of-office, bounces), newest first: the replies list reads a page off it. */
    index('events_ws_inbound_idx').on(t.workspaceId, t.occurredAt, t.id).where(sql`${t.dedupeKey} like 'inbound:%'`),
    /** The replies list filtered by meaning (the same expression as replies/list.ts's meaningOf), newest first. */
    index('events_ws_inbound_meaning_idx')
      .on(
        t.workspaceId,
        sql`(coalesce(${t.data}->>'meaning', case ${t.type} when 'auto_reply' then 'auto_reply' when 'bounce' then 'bounce' when 'complaint' then 'complaint' when 'unsubscribe' then 'unsubscribe_request' else 'other' end))`,
        t.occurredAt,
        t.id,
      )
      .where(sql`${t.dedupeKey} like 'inbound:%'`),
    uniqueIndex('events_ws_dedupe_uq').on(t.workspaceId, t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);

/**
 * Derived from `email_events` by a statement trigger (migration 0003): hourly counts per
 * workspace, type and machine flag, so dashboard figures read a few hundred rows instead of
 * scanning every event. Rebuildable from the events at any time.
 */
export const eventRollups = pgTable(
  'event_rollups',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    type: text('type', { enum: eventTypes }).notNull(),
    machine: boolean('machine').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hour, t.type, t.machine] })],
);

/** Derived like `event_rollups`: when each email was first opened or clicked by a person, replied to, bounced. */
export const emailEngagement = pgTable(
  'email_engagement',
  {
    emailId: uuid('email_id').primaryKey().references(() => emails.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The email's sender (emails.user_id), copied by the trigger so one member's figures need no join. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    firstHumanOpenAt: timestamp('first_human_open_at', { withTimezone: true }),
    firstHumanClickAt: timestamp('first_human_click_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    bouncedAt: timestamp('bounced_at', { withTimezone: true }),
    /**
     * When the reply was answered: the first email to the same address created after it (kept by
     * triggers on emails and events, migration 0013). Null while the reply waits for an answer.
     */
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    index('engagement_ws_open_idx').on(t.workspaceId, t.firstHumanOpenAt),
    index('engagement_ws_click_idx').on(t.workspaceId, t.firstHumanClickAt),
    index('engagement_ws_reply_idx').on(t.workspaceId, t.repliedAt),
    index('engagement_ws_bounce_idx').on(t.workspaceId, t.bouncedAt),
    /** Home's "replies waiting for an answer": the few unanswered replies, the workspace's and one member's. */
    index('engagement_ws_waiting_idx').on(t.workspaceId, t.repliedAt).where(sql`${t.repliedAt} is not null and ${t.answeredAt} is null`),
    index('engagement_ws_user_waiting_idx').on(t.workspaceId, t.userId, t.repliedAt).where(sql`${t.repliedAt} is not null and ${t.answeredAt} is null`),
  ],
);

/**
 * `event_rollups` per sender: hourly counts of the events of each member's emails, kept by the
 * same statement trigger (migration 0013), so Home's "You" figures read a few hundred rows
 * instead of every event of the workspace's week.
 */
export const userEventRollups = pgTable(
  'user_event_rollups',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    type: text('type', { enum: eventTypes }).notNull(),
    machine: boolean('machine').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId, t.hour, t.type, t.machine] })],
);

/** The extension's word that the rep is looking at one of their own emails: opens near it are the sender's. */
export const selfViews = pgTable(
  'self_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    emailId: uuid('email_id').notNull().references(() => emails.id, { onDelete: 'cascade' }),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('self_views_email_seen_idx').on(t.emailId, t.seenAt)],
);

/** The send domain's durable record of work: one row per email, whatever the queue driver. */
export const sendJobs = pgTable(
  'send_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    emailId: uuid('email_id').notNull().references(() => emails.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    state: text('state', { enum: ['queued', 'claimed', 'done', 'failed', 'cancelled'] }).notNull().default('queued'),
    lastError: text('last_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('send_jobs_ws_idem_uq').on(t.workspaceId, t.idempotencyKey),
    uniqueIndex('send_jobs_email_uq').on(t.emailId),
    index('send_jobs_state_due_idx').on(t.state, t.dueAt),
  ],
);

export const suppressions = pgTable(
  'suppressions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    /** `erased`: email holds `erased:<sha256(workspace salt || address)>`, never the address (modules/privacy). */
    reason: text('reason', { enum: ['manual', 'unsubscribe', 'hard_bounce', 'complaint', 'erased'] }).notNull(),
    sourceEmailId: uuid('source_email_id').references(() => emails.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('suppressions_ws_email_uq').on(t.workspaceId, t.email)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_ws_idx').on(t.workspaceId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: integer('status'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_deliveries_hook_idx').on(t.webhookId, t.createdAt)],
);

/**
 * Mail the rep sent from Gmail itself, not through Lumina, as the inbox sync saw it (a SENT
 * message whose Message-ID is none of ours). It spends the mailbox's rolling 24-hour budget
 * like our own sends; nothing else reads it.
 */
export const manualSends = pgTable(
  'manual_sends',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    mailboxId: uuid('mailbox_id').notNull().references(() => mailboxes.id, { onDelete: 'cascade' }),
    /** Gmail's id of the message: one row per message, however often the sync reads it. */
    providerMessageId: text('provider_message_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('manual_sends_mailbox_msg_uq').on(t.mailboxId, t.providerMessageId), index('manual_sends_mailbox_sent_idx').on(t.mailboxId, t.sentAt)],
);
