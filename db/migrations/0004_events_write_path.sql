-- The pixel's write path: every hit is an email_events row, so each check and index is paid per
-- hit. The workspace key is covered by the email's (which cascades from its workspace); the
-- (workspace, occurred_at) index is a prefix of events_ws_occurred_cover_idx; opens and clicks
-- carry no dedupe key, so that unique index only needs the rows that do.
ALTER TABLE "email_events" DROP CONSTRAINT "email_events_workspace_id_workspaces_id_fk";
--> statement-breakpoint
DROP INDEX "events_ws_occurred_idx";--> statement-breakpoint
DROP INDEX "events_ws_dedupe_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "events_ws_dedupe_uq" ON "email_events" USING btree ("workspace_id","dedupe_key") WHERE "email_events"."dedupe_key" is not null;