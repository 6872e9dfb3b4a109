import { pgTable, uuid, text, timestamp, integer, jsonb, uniqueIndex, index } from 'drizzle-orm/pg-core';
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
    status: text('status', { enum: ['draft', 'active', 'paused', 'completed'] }).notNull().default('draft'),
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
    delayDays: integer('delay_days').notNull().default(0),
    templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
    subject: text('subject').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    /** Follow-ups reply in the first step's thread unless told otherwise. */
    sameThread: integer('same_thread').notNull().default(1),
  },
  (t) => [uniqueIndex('sequence_steps_campaign_pos_uq').on(t.campaignId, t.position)],
);

export const leadStatuses = ['pending', 'active', 'paused', 'replied', 'bounced', 'unsubscribed', 'completed', 'stopped'] as const;

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('campaign_leads_campaign_prospect_uq').on(t.campaignId, t.prospectId),
    index('campaign_leads_due_idx').on(t.status, t.nextDueAt),
  ],
);
