-- mediagate built-in schema, version 2: change notifications.
-- Every committed change of a user, subscription or media row sends
-- NOTIFY mediagate_changes, 'user <email>' / 'file <id>' (TRUNCATE: 'all'), so
-- every mediagate server drops the cached record at once (src/store/
-- change_listener.h). The same SQL as `mediagate triggers` prints for these
-- tables (a unit test keeps them equal).

CREATE OR REPLACE FUNCTION mediagate_notify_user_mediagate_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  k text;
  p text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('mediagate_changes', 'all');
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    r := OLD;
    k := (r.email)::text;
    IF k IS NOT NULL THEN
      p := 'user ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := (r.email)::text;
    IF k IS NOT NULL THEN
      p := 'user ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_user ON mediagate_users;
CREATE TRIGGER mediagate_notify_user AFTER INSERT OR UPDATE OR DELETE ON mediagate_users
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_user_mediagate_users();
DROP TRIGGER IF EXISTS mediagate_notify_user_truncate ON mediagate_users;
CREATE TRIGGER mediagate_notify_user_truncate AFTER TRUNCATE ON mediagate_users
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_user_mediagate_users();

CREATE OR REPLACE FUNCTION mediagate_notify_user_mediagate_subscriptions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  k text;
  p text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('mediagate_changes', 'all');
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    r := OLD;
    k := ((SELECT u.email FROM mediagate_users u WHERE u.id = r.user_id))::text;
    IF k IS NOT NULL THEN
      p := 'user ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := ((SELECT u.email FROM mediagate_users u WHERE u.id = r.user_id))::text;
    IF k IS NOT NULL THEN
      p := 'user ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_user ON mediagate_subscriptions;
CREATE TRIGGER mediagate_notify_user AFTER INSERT OR UPDATE OR DELETE ON mediagate_subscriptions
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_user_mediagate_subscriptions();
DROP TRIGGER IF EXISTS mediagate_notify_user_truncate ON mediagate_subscriptions;
CREATE TRIGGER mediagate_notify_user_truncate AFTER TRUNCATE ON mediagate_subscriptions
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_user_mediagate_subscriptions();

CREATE OR REPLACE FUNCTION mediagate_notify_file_mediagate_media() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  k text;
  p text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('mediagate_changes', 'all');
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    r := OLD;
    k := (r.id)::text;
    IF k IS NOT NULL THEN
      p := 'file ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := (r.id)::text;
    IF k IS NOT NULL THEN
      p := 'file ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_file ON mediagate_media;
CREATE TRIGGER mediagate_notify_file AFTER INSERT OR UPDATE OR DELETE ON mediagate_media
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_file_mediagate_media();
DROP TRIGGER IF EXISTS mediagate_notify_file_truncate ON mediagate_media;
CREATE TRIGGER mediagate_notify_file_truncate AFTER TRUNCATE ON mediagate_media
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_file_mediagate_media();
