ALTER TABLE "invites" ADD COLUMN "expires_at" timestamp with time zone DEFAULT now() + interval '7 days' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "password_hash" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "privacy_salt" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
-- The audit log is append-only. Three changes are let through: a user's removal clearing
-- actor_id (the foreign key's ON DELETE SET NULL), a workspace's removal taking its rows (the
-- cascade runs after the workspace row is gone), and the privacy service's own redaction of a
-- person it erases, which sets `lumina.audit_redact` for its transaction only (SET LOCAL).
CREATE OR REPLACE FUNCTION lumina_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('lumina.audit_redact', true), '') = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
     AND NEW.id = OLD.id AND NEW.workspace_id = OLD.workspace_id AND NEW.action = OLD.action
     AND NEW.target IS NOT DISTINCT FROM OLD.target AND NEW.data = OLD.data AND NEW.created_at = OLD.created_at THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = OLD.workspace_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION lumina_audit_append_only();
