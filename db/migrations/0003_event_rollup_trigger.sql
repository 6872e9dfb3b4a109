-- Keeps event_rollups and email_engagement in step with email_events: one statement-level
-- trigger per INSERT (the recorder's multi-row batches cost one upsert per group, not per row).
-- Rows are upserted in key order so concurrent batches lock them in the same order.
CREATE OR REPLACE FUNCTION lumina_rollup_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollups (workspace_id, hour, type, machine, n)
  SELECT workspace_id, date_trunc('hour', occurred_at), type, machine, count(*)
  FROM new_events GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (workspace_id, hour, type, machine) DO UPDATE SET n = event_rollups.n + excluded.n;

  INSERT INTO email_engagement (email_id, workspace_id, first_human_open_at, first_human_click_at, replied_at, bounced_at)
  SELECT email_id, min(workspace_id::text)::uuid,
    min(occurred_at) FILTER (WHERE type = 'open' AND NOT machine),
    min(occurred_at) FILTER (WHERE type = 'click' AND NOT machine),
    min(occurred_at) FILTER (WHERE type = 'reply'),
    min(occurred_at) FILTER (WHERE type = 'bounce')
  FROM new_events
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
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER email_events_rollup AFTER INSERT ON email_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION lumina_rollup_events();
--> statement-breakpoint
-- Events recorded before this migration.
INSERT INTO event_rollups (workspace_id, hour, type, machine, n)
SELECT workspace_id, date_trunc('hour', occurred_at), type, machine, count(*) FROM email_events GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO email_engagement (email_id, workspace_id, first_human_open_at, first_human_click_at, replied_at, bounced_at)
SELECT email_id, min(workspace_id::text)::uuid,
  min(occurred_at) FILTER (WHERE type = 'open' AND NOT machine),
  min(occurred_at) FILTER (WHERE type = 'click' AND NOT machine),
  min(occurred_at) FILTER (WHERE type = 'reply'),
  min(occurred_at) FILTER (WHERE type = 'bounce')
FROM email_events
WHERE (type IN ('open', 'click') AND NOT machine) OR type IN ('reply', 'bounce')
GROUP BY email_id;
