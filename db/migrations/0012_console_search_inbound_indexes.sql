-- Trigram indexes for the prospect search (PGlite loads pg_trgm in db/client.ts), and the replies list's inbound-only index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "prospects_email_trgm_idx" ON "prospects" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prospects_first_name_trgm_idx" ON "prospects" USING gin ("first_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prospects_last_name_trgm_idx" ON "prospects" USING gin ("last_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prospects_company_trgm_idx" ON "prospects" USING gin ("company" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "events_ws_inbound_idx" ON "email_events" USING btree ("workspace_id","occurred_at","id") WHERE "email_events"."dedupe_key" like 'inbound:%';--> statement-breakpoint
CREATE INDEX "events_ws_inbound_meaning_idx" ON "email_events" USING btree ("workspace_id",(coalesce("data"->>'meaning', case "type" when 'auto_reply' then 'auto_reply' when 'bounce' then 'bounce' when 'complaint' then 'complaint' when 'unsubscribe' then 'unsubscribe_request' else 'other' end)),"occurred_at","id") WHERE "email_events"."dedupe_key" like 'inbound:%';--> statement-breakpoint
CREATE INDEX "emails_ws_prospect_idx" ON "emails" USING btree ("workspace_id","prospect_id");