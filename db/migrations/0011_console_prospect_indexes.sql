CREATE INDEX "prospects_ws_created_idx" ON "prospects" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "prospects_ws_tz_idx" ON "prospects" USING btree ("workspace_id","time_zone");--> statement-breakpoint
CREATE INDEX "campaign_leads_prospect_idx" ON "campaign_leads" USING btree ("prospect_id");