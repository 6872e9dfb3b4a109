CREATE TABLE "user_event_rollups" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"machine" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "user_event_rollups_workspace_id_user_id_hour_type_machine_pk" PRIMARY KEY("workspace_id","user_id","hour","type","machine")
);
--> statement-breakpoint
ALTER TABLE "prospects" ADD COLUMN "contacted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "prospects" ADD COLUMN "replied" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "prospects" ADD COLUMN "suppressed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "prospects" ADD COLUMN "recipient_flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "email_engagement" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "email_engagement" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_event_rollups" ADD CONSTRAINT "user_event_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_event_rollups" ADD CONSTRAINT "user_event_rollups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_engagement" ADD CONSTRAINT "email_engagement_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prospects_ws_replied_idx" ON "prospects" USING btree ("workspace_id","created_at","id") WHERE "prospects"."replied";--> statement-breakpoint
CREATE INDEX "prospects_ws_not_contacted_idx" ON "prospects" USING btree ("workspace_id","created_at","id") WHERE not "prospects"."contacted";--> statement-breakpoint
CREATE INDEX "prospects_ws_suppressed_idx" ON "prospects" USING btree ("workspace_id","created_at","id") WHERE "prospects"."suppressed";--> statement-breakpoint
CREATE INDEX "prospects_ws_flagged_idx" ON "prospects" USING btree ("workspace_id","created_at","id") WHERE "prospects"."recipient_flags" <> '{}'::text[];--> statement-breakpoint
CREATE INDEX "engagement_ws_waiting_idx" ON "email_engagement" USING btree ("workspace_id","replied_at") WHERE "email_engagement"."replied_at" is not null and "email_engagement"."answered_at" is null;--> statement-breakpoint
CREATE INDEX "engagement_ws_user_waiting_idx" ON "email_engagement" USING btree ("workspace_id","user_id","replied_at") WHERE "email_engagement"."replied_at" is not null and "email_engagement"."answered_at" is null;--> statement-breakpoint
-- Hand-written from here: the triggers that keep the marks, the answers and the per-sender rollups, then the
-- backfill of rows written before this migration.
--
-- The events trigger of 0003 also fills the sender's rollups and the engagement's sender, answers
-- a reply that was already followed by an email, and marks the prospect of a replied-to email.
-- Still one trigger call per INSERT: a pixel batch looks its emails up once (by key), and the
-- reply-only statements find nothing to do in a batch of opens.
CREATE OR REPLACE FUNCTION lumina_rollup_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollups (workspace_id, hour, type, machine, n)
  SELECT workspace_id, date_trunc('hour', occurred_at), type, machine, count(*)
  FROM new_events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (workspace_id, hour, type, machine) DO UPDATE SET n = event_rollups.n + excluded.n;

  -- The sender's rollups and each email's firsts in one statement: the emails are looked up once per batch.
  WITH ev AS MATERIALIZED (
    SELECT n.workspace_id, n.email_id, n.type, n.machine, n.occurred_at, e.user_id
    FROM new_events n JOIN emails e ON e.id = n.email_id
  ), by_sender AS (
    INSERT INTO user_event_rollups (workspace_id, user_id, hour, type, machine, n)
    SELECT workspace_id, user_id, date_trunc('hour', occurred_at), type, machine, count(*)
    FROM ev WHERE user_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (workspace_id, user_id, hour, type, machine) DO UPDATE SET n = user_event_rollups.n + excluded.n
  )
  INSERT INTO email_engagement (email_id, workspace_id, user_id, first_human_open_at, first_human_click_at, replied_at, bounced_at)
  SELECT email_id, min(workspace_id::text)::uuid, min(user_id::text)::uuid,
    min(occurred_at) FILTER (WHERE type = 'open' AND NOT machine),
    min(occurred_at) FILTER (WHERE type = 'click' AND NOT machine),
    min(occurred_at) FILTER (WHERE type = 'reply'),
    min(occurred_at) FILTER (WHERE type = 'bounce')
  FROM ev
  WHERE (type IN ('open', 'click') AND NOT machine) OR type IN ('reply', 'bounce')
  GROUP BY email_id ORDER BY email_id
  ON CONFLICT (email_id) DO UPDATE SET
    first_human_open_at = least(email_engagement.first_human_open_at, excluded.first_human_open_at),
    first_human_click_at = least(email_engagement.first_human_click_at, excluded.first_human_click_at),
    replied_at = least(email_engagement.replied_at, excluded.replied_at),
    bounced_at = least(email_engagement.bounced_at, excluded.bounced_at)
  WHERE (excluded.first_human_open_at < email_engagement.first_human_open_at OR (email_engagement.first_human_open_at IS NULL AND excluded.first_human_open_at IS NOT NULL))
     OR (excluded.first_human_click_at < email_engagement.first_human_click_at OR (email_engagement.first_human_click_at IS NULL AND excluded.first_human_click_at IS NOT NULL))
     OR (excluded.replied_at < email_engagement.replied_at OR (email_engagement.replied_at IS NULL AND excluded.replied_at IS NOT NULL))
     OR (excluded.bounced_at < email_engagement.bounced_at OR (email_engagement.bounced_at IS NULL AND excluded.bounced_at IS NOT NULL));

  -- A reply already followed by an email to the same address (the inbox sync saw it late) was answered.
  UPDATE email_engagement g SET answered_at = a.at
  FROM (
    SELECT x.email_id, (SELECT min(later.created_at) FROM emails later WHERE later.workspace_id = e.workspace_id AND later.to = e.to AND later.created_at > x.replied_at) AS at
    FROM (SELECT DISTINCT email_id FROM new_events WHERE type = 'reply') r
    JOIN email_engagement x ON x.email_id = r.email_id AND x.replied_at IS NOT NULL AND x.answered_at IS NULL
    JOIN emails e ON e.id = r.email_id
  ) a
  WHERE g.email_id = a.email_id AND a.at IS NOT NULL;

  UPDATE prospects p SET replied = true
  FROM (SELECT DISTINCT e.prospect_id FROM new_events ev JOIN emails e ON e.id = ev.email_id WHERE ev.type = 'reply' AND e.prospect_id IS NOT NULL) r
  WHERE p.id = r.prospect_id AND NOT p.replied;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Recomputes both marks of some prospects from their emails and campaign places: what a delete
-- or a changed lead state calls (an insert only ever sets a mark, and does so directly).
CREATE OR REPLACE FUNCTION lumina_refresh_prospect_marks(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE prospects p SET contacted = m.contacted, replied = m.replied
  FROM (
    SELECT q.id,
      EXISTS (SELECT 1 FROM emails e WHERE e.prospect_id = q.id) OR EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.prospect_id = q.id) AS contacted,
      EXISTS (SELECT 1 FROM emails e JOIN email_engagement g ON g.email_id = e.id WHERE e.prospect_id = q.id AND g.replied_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.prospect_id = q.id AND cl.status IN ('replied', 'referred')) AS replied
    FROM (SELECT DISTINCT unnest(ids) AS id) q WHERE q.id IS NOT NULL
  ) m
  WHERE p.id = m.id AND (p.contacted, p.replied) IS DISTINCT FROM (m.contacted, m.replied);
$$;
--> statement-breakpoint
-- A new email marks its prospect contacted, and answers the replies waiting from that address.
CREATE OR REPLACE FUNCTION lumina_mark_emails_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET contacted = true
  FROM (SELECT DISTINCT prospect_id FROM new_emails WHERE prospect_id IS NOT NULL) n
  WHERE p.id = n.prospect_id AND NOT p.contacted;

  UPDATE email_engagement g SET answered_at = n.created_at
  FROM new_emails n JOIN emails e ON e.workspace_id = n.workspace_id AND e.to = n.to
  WHERE g.email_id = e.id AND g.replied_at IS NOT NULL AND g.answered_at IS NULL AND g.replied_at < n.created_at;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER emails_mark_contacted AFTER INSERT ON emails
  REFERENCING NEW TABLE AS new_emails
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_emails_inserted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_emails_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lumina_refresh_prospect_marks(array(SELECT DISTINCT prospect_id FROM old_emails WHERE prospect_id IS NOT NULL));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER emails_unmark AFTER DELETE ON emails
  REFERENCING OLD TABLE AS old_emails
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_emails_deleted();
--> statement-breakpoint
-- Emails change only their status fields, but a deleted prospect sets their prospect_id null.
CREATE OR REPLACE FUNCTION lumina_mark_row_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lumina_refresh_prospect_marks(array[OLD.prospect_id, NEW.prospect_id]);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER emails_remark AFTER UPDATE OF prospect_id ON emails
  FOR EACH ROW WHEN (OLD.prospect_id IS DISTINCT FROM NEW.prospect_id)
  EXECUTE FUNCTION lumina_mark_row_moved();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_leads_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET contacted = true, replied = p.replied OR n.replied
  FROM (SELECT prospect_id, bool_or(status IN ('replied', 'referred')) AS replied FROM new_leads GROUP BY prospect_id) n
  WHERE p.id = n.prospect_id AND (NOT p.contacted OR (n.replied AND NOT p.replied));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER campaign_leads_mark_contacted AFTER INSERT ON campaign_leads
  REFERENCING NEW TABLE AS new_leads
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_leads_inserted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_leads_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lumina_refresh_prospect_marks(array(SELECT DISTINCT prospect_id FROM old_leads));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER campaign_leads_unmark AFTER DELETE ON campaign_leads
  REFERENCING OLD TABLE AS old_leads
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_leads_deleted();
--> statement-breakpoint
-- The scheduler moves lead states all day; only a move into or out of replied/referred matters.
CREATE TRIGGER campaign_leads_remark AFTER UPDATE OF status, prospect_id ON campaign_leads
  FOR EACH ROW WHEN ((OLD.status IN ('replied', 'referred')) IS DISTINCT FROM (NEW.status IN ('replied', 'referred')) OR OLD.prospect_id IS DISTINCT FROM NEW.prospect_id)
  EXECUTE FUNCTION lumina_mark_row_moved();
--> statement-breakpoint
-- The suppressed mark: a suppression added or lifted marks the prospects of that address; a
-- prospect added (or given a new address) is marked if its address is already suppressed.
CREATE OR REPLACE FUNCTION lumina_mark_suppressions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET suppressed = true
  FROM (SELECT DISTINCT workspace_id, email FROM new_suppressions) s
  WHERE p.workspace_id = s.workspace_id AND p.email = s.email AND NOT p.suppressed;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER suppressions_mark AFTER INSERT ON suppressions
  REFERENCING NEW TABLE AS new_suppressions
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_suppressions_inserted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_suppressions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET suppressed = false
  FROM (SELECT DISTINCT workspace_id, email FROM old_suppressions) s
  WHERE p.workspace_id = s.workspace_id AND p.email = s.email AND p.suppressed
    AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.workspace_id = p.workspace_id AND x.email = p.email);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER suppressions_unmark AFTER DELETE ON suppressions
  REFERENCING OLD TABLE AS old_suppressions
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_suppressions_deleted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_prospects_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET suppressed = true
  FROM new_prospects n
  WHERE p.id = n.id AND EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = n.workspace_id AND s.email = n.email);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER prospects_mark_suppressed AFTER INSERT ON prospects
  REFERENCING NEW TABLE AS new_prospects
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_mark_prospects_inserted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION lumina_mark_prospect_readdressed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prospects p SET suppressed = EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = p.workspace_id AND s.email = p.email)
  WHERE p.id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER prospects_remark_suppressed AFTER UPDATE OF email ON prospects
  FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email)
  EXECUTE FUNCTION lumina_mark_prospect_readdressed();
--> statement-breakpoint
-- Backfill: marks, the engagement's sender and answers, the per-sender rollups.
UPDATE prospects p SET contacted = true
WHERE EXISTS (SELECT 1 FROM emails e WHERE e.prospect_id = p.id) OR EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.prospect_id = p.id);
--> statement-breakpoint
UPDATE prospects p SET replied = true
WHERE EXISTS (SELECT 1 FROM emails e JOIN email_engagement g ON g.email_id = e.id WHERE e.prospect_id = p.id AND g.replied_at IS NOT NULL)
   OR EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.prospect_id = p.id AND cl.status IN ('replied', 'referred'));
--> statement-breakpoint
UPDATE prospects p SET suppressed = true
WHERE EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = p.workspace_id AND s.email = p.email);
--> statement-breakpoint
UPDATE email_engagement g SET user_id = e.user_id FROM emails e WHERE e.id = g.email_id AND e.user_id IS NOT NULL;
--> statement-breakpoint
UPDATE email_engagement g SET answered_at = a.at
FROM (
  SELECT x.email_id, (SELECT min(later.created_at) FROM emails later WHERE later.workspace_id = e.workspace_id AND later.to = e.to AND later.created_at > x.replied_at) AS at
  FROM email_engagement x JOIN emails e ON e.id = x.email_id WHERE x.replied_at IS NOT NULL
) a
WHERE g.email_id = a.email_id AND a.at IS NOT NULL;
--> statement-breakpoint
INSERT INTO user_event_rollups (workspace_id, user_id, hour, type, machine, n)
SELECT ev.workspace_id, e.user_id, date_trunc('hour', ev.occurred_at), ev.type, ev.machine, count(*)
FROM email_events ev JOIN emails e ON e.id = ev.email_id
WHERE e.user_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
-- Role addresses among existing prospects (the list of ROLE_LOCAL_PARTS in
-- api/src/modules/deliverability/recipients.ts); disposable domains and DNS answers are only
-- known to the app, so older prospects get those flags when they are next imported or edited.
UPDATE prospects SET recipient_flags = array['role']
WHERE split_part(split_part(email, '@', 1), '+', 1) = ANY (array[
  'abuse', 'accounts', 'admin', 'administrator', 'billing', 'careers', 'compliance', 'contact', 'enquiries', 'hello',
  'help', 'helpdesk', 'hostmaster', 'hr', 'info', 'inquiries', 'jobs', 'legal', 'mail', 'marketing', 'media', 'noc',
  'no-reply', 'noreply', 'office', 'postmaster', 'press', 'privacy', 'sales', 'security', 'support', 'team', 'webmaster']);
