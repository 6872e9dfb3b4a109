CREATE TABLE "import_seen" (
	"run_id" uuid NOT NULL,
	"email" text NOT NULL,
	"row" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_seen_run_id_email_pk" PRIMARY KEY("run_id","email")
);
--> statement-breakpoint
CREATE TABLE "manual_sends" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "manual_sends_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"provider_message_id" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sequence_steps" ADD COLUMN "winner_after" integer;--> statement-breakpoint
ALTER TABLE "manual_sends" ADD CONSTRAINT "manual_sends_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manual_sends" ADD CONSTRAINT "manual_sends_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "manual_sends_mailbox_msg_uq" ON "manual_sends" USING btree ("mailbox_id","provider_message_id");--> statement-breakpoint
CREATE INDEX "manual_sends_mailbox_sent_idx" ON "manual_sends" USING btree ("mailbox_id","sent_at");