CREATE TABLE "lead_steps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_steps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"step_id" uuid,
	"position" integer NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"email_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "sequence_steps_campaign_pos_uq";--> statement-breakpoint
ALTER TABLE "campaign_leads" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "campaign_leads" ADD COLUMN "soft_bounces" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "delay_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "delay_unit" text DEFAULT 'days' NOT NULL;--> statement-breakpoint
UPDATE "sequence_steps" SET "delay_amount" = "delay_days";--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "condition" text DEFAULT 'always' NOT NULL;--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "variants" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "variant_id" text;--> statement-breakpoint
ALTER TABLE "lead_steps" ADD CONSTRAINT "lead_steps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_steps" ADD CONSTRAINT "lead_steps_lead_id_campaign_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."campaign_leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_steps" ADD CONSTRAINT "lead_steps_step_id_sequence_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."sequence_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_steps_lead_idx" ON "lead_steps" USING btree ("lead_id","at");--> statement-breakpoint
CREATE INDEX "emails_lead_idx" ON "emails" USING btree ("campaign_lead_id");--> statement-breakpoint
CREATE INDEX "emails_prospect_idx" ON "emails" USING btree ("prospect_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sequence_steps_campaign_pos_uq" ON "sequence_steps" USING btree ("campaign_id","position") WHERE "sequence_steps"."retired_at" is null;