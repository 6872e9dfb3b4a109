import { pgTable, uuid, text, timestamp, integer, jsonb, uniqueIndex, index, bigint } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { workspaces, users } from './identity';
import { prospects, templates } from './crm';

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    mailboxId: uuid('mailbox_id'),
    name: text('name').notNull(),
    status: text('status', { enum: ['draft', 'active', 'paused', 'completed', 'archived'] }).notNull().default('draft'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaigns_ws_idx').on(t.workspaceId)],
);

export const sequenceSteps = pgTable(
  'sequence_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** Legacy whole days; the scheduler reads delay_amount + delay_unit. */
    delayDays: integer('delay_days').notNull().default(0),
    delayAmount: integer('delay_amount').notNull().default(0),
    delayUnit: text('delay_unit', { enum: ['minutes', 'hours', 'days', 'business_days'] }).notNull().default('days'),
    /** Evaluated when the step falls due, on human events of the lead's emails only. */
    condition: text('condition', { enum: ['always', 'no_reply', 'opened', 'not_opened', 'clicked', 'not_clicked'] }).notNull().default('always'),
    /** A/B: 2–5 `{ id, subject, bodyHtml, weight }` (weights sum to 100), or empty for one version. */
    variants: jsonb('variants').$type<Array<{ id: string; subject: string; bodyHtml: string; weight: number }>>().notNull().default([]),
    /** Set when an edit replaced or removed the step: kept for the figures of what was sent. */
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
    subject: text('subject').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    /** Follow-ups reply in the first step's thread unless told otherwise. */
    sameThread: integer('same_thread').notNull().default(1),
    /** A/B: once every variant has this many sends and one wins significantly, the rest of the leads get the winner. */
    winnerAfter: integer('winner_after'),
  },
  (t) => [uniqueIndex('sequence_steps_campaign_pos_uq').on(t.campaignId, t.position).where(sql`${t.retiredAt} is null`)],
);

export const leadStatuses = ['pending', 'active', 'paused', 'replied', 'referred', 'bounced', 'unsubscribed', 'failed', 'completed', 'stopped'] as const;

export const campaignLeads = pgTable(
  'campaign_leads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    prospectId: uuid('prospect_id').notNull().references(() => prospects.id, { onDelete: 'cascade' }),
    status: text('status', { enum: leadStatuses }).notNull().default('pending'),
    currentStep: integer('current_step').notNull().default(0),
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    /** Why the lead last changed state (a skipped step, a bounce, a pause…), in plain words. */
    reason: text('reason'),
    /** Soft bounces of the step now being retried (3 retries, then failed). */
    softBounces: integer('soft_bounces').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('campaign_leads_campaign_prospect_uq').on(t.campaignId, t.prospectId),
    index('campaign_leads_due_idx').on(t.status, t.nextDueAt),
    /** A prospect's places in campaigns: the console's detail page and its status filters. */
    index('campaign_leads_prospect_idx').on(t.prospectId),
  ],
);

/**
 * What happened to each step of each lead: sent (with its email) or skipped (with why). The
 * record a rep reads, and how an edit knows which steps a lead already got.
 */
export const leadSteps = pgTable(
  'lead_steps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    leadId: uuid('lead_id').notNull().references(() => campaignLeads.id, { onDelete: 'cascade' }),
    stepId: uuid('step_id').references(() => sequenceSteps.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    outcome: text('outcome', { enum: ['sent', 'skipped'] }).notNull(),
    reason: text('reason'),
    emailId: uuid('email_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lead_steps_lead_idx').on(t.leadId, t.at)],
);
