-- mediagate built-in schema, version 5: sharing detection (src/audience/).
-- `mediagate ingest` flags a subscriber whose links are used from more
-- networks or user agents within 24 h than [sharing] allows, and acts as
-- configured: log (a flag row), rotate (bump link_generation) or suspend
-- (a suspension row: every decision for that subscriber is `shared`, 403,
-- until `mediagate sharing --clear` removes it).

CREATE TABLE mediagate_sharing_flags (
  id          bigserial   PRIMARY KEY,
  -- The opaque reference nginx logs (X-Mediagate-User).
  user_ref    text        NOT NULL,
  -- The subscriber's email, when the reference was resolved (needed for
  -- rotate and suspend); NULL otherwise.
  email       text,
  flagged_at  timestamptz NOT NULL DEFAULT now(),
  -- Distinct networks (/24 IPv4, /64 IPv6) and user agents seen for this
  -- subscriber in the 24 h before flagged_at.
  networks    integer     NOT NULL CHECK (networks >= 0),
  user_agents integer     NOT NULL CHECK (user_agents >= 0),
  action      text        NOT NULL CHECK (action IN ('log', 'rotate', 'suspend')),
  -- Set by `mediagate sharing --clear`; NULL while the flag stands.
  cleared_at  timestamptz
);
CREATE INDEX mediagate_sharing_flags_open ON mediagate_sharing_flags (user_ref)
  WHERE cleared_at IS NULL;

CREATE TABLE mediagate_suspensions (
  email  text        PRIMARY KEY,
  reason text        NOT NULL DEFAULT 'shared' CHECK (reason IN ('shared')),
  since  timestamptz NOT NULL DEFAULT now()
);

-- Every committed change of a suspension sends NOTIFY mediagate_changes,
-- 'user <email>', so every worker drops that subscriber's cached record and
-- the suspension (or its clearing) takes effect within a second: the same SQL
-- as `mediagate triggers` prints for [notify] user_triggers =
-- ["mediagate_suspensions: r.email"] (a unit test keeps them equal).

CREATE OR REPLACE FUNCTION mediagate_notify_user_mediagate_suspensions() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP TRIGGER IF EXISTS mediagate_notify_user ON mediagate_suspensions;
CREATE TRIGGER mediagate_notify_user AFTER INSERT OR UPDATE OR DELETE ON mediagate_suspensions
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_user_mediagate_suspensions();
DROP TRIGGER IF EXISTS mediagate_notify_user_truncate ON mediagate_suspensions;
CREATE TRIGGER mediagate_notify_user_truncate AFTER TRUNCATE ON mediagate_suspensions
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_user_mediagate_suspensions();
