CREATE TABLE "email_engagement" (
	"email_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"first_human_open_at" timestamp with time zone,
	"first_human_click_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"bounced_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "event_rollups" (
	"workspace_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"machine" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "event_rollups_workspace_id_hour_type_machine_pk" PRIMARY KEY("workspace_id","hour","type","machine")
);
--> statement-breakpoint
ALTER TABLE "email_engagement" ADD CONSTRAINT "email_engagement_email_id_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_engagement" ADD CONSTRAINT "email_engagement_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rollups" ADD CONSTRAINT "event_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "engagement_ws_open_idx" ON "email_engagement" USING btree ("workspace_id","first_human_open_at");--> statement-breakpoint
CREATE INDEX "engagement_ws_click_idx" ON "email_engagement" USING btree ("workspace_id","first_human_click_at");--> statement-breakpoint
CREATE INDEX "engagement_ws_reply_idx" ON "email_engagement" USING btree ("workspace_id","replied_at");--> statement-breakpoint
CREATE INDEX "engagement_ws_bounce_idx" ON "email_engagement" USING btree ("workspace_id","bounced_at");