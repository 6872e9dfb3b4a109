CREATE TABLE "self_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid,
	"email_id" uuid NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_events" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "self_views" ADD CONSTRAINT "self_views_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_views" ADD CONSTRAINT "self_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_views" ADD CONSTRAINT "self_views_email_id_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "self_views_email_seen_idx" ON "self_views" USING btree ("email_id","seen_at");--> statement-breakpoint
CREATE INDEX "events_ws_occurred_cover_idx" ON "email_events" USING btree ("workspace_id","occurred_at","type","machine","email_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_ws_dedupe_uq" ON "email_events" USING btree ("workspace_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "emails_ws_sent_idx" ON "emails" USING btree ("workspace_id","sent_at");