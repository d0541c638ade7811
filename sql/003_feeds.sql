-- mediagate built-in schema, version 3: podcast feeds (src/feed/).
-- Shows and their episodes; each episode's enclosure is a media row, whose
-- length and MIME type the feeds print. An episode is premium unless
-- `premium` is false; with `public_at` set it is premium until then and
-- public after (early access). Every committed change of a show, an episode
-- or a media row sends NOTIFY mediagate_changes, 'show <slug>', so every
-- worker renders that show's feeds again, and an episode's change also
-- 'file <media id>' (whether the file is public is part of its record): the
-- same SQL as `mediagate triggers` prints for [notify] show_triggers and
-- file_triggers (a unit test keeps them equal).
-- A media row used by several shows notifies one of them; the others follow
-- within feed.cache_seconds.

ALTER TABLE mediagate_media
  ADD COLUMN length_bytes bigint      NOT NULL DEFAULT 0 CHECK (length_bytes >= 0),
  ADD COLUMN mime_type    text        NOT NULL DEFAULT 'audio/mpeg',
  ADD COLUMN updated_at   timestamptz NOT NULL DEFAULT now();

CREATE TABLE mediagate_shows (
  slug         text        PRIMARY KEY CHECK (slug ~ '^[a-z0-9][-a-z0-9_]{0,63}$'),
  title        text        NOT NULL,
  description  text        NOT NULL DEFAULT '',
  author       text        NOT NULL DEFAULT '',
  owner_name   text        NOT NULL DEFAULT '',
  owner_email  text        NOT NULL DEFAULT '',
  image_url    text        NOT NULL DEFAULT '',
  language     text        NOT NULL DEFAULT 'en',
  -- Apple Podcasts categories, "Top" or "Top > Sub".
  categories   text[]      NOT NULL DEFAULT '{}',
  explicit     boolean     NOT NULL DEFAULT false,
  link         text        NOT NULL DEFAULT '',
  copyright    text        NOT NULL DEFAULT '',
  podcast_guid uuid        NOT NULL DEFAULT gen_random_uuid(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mediagate_episodes (
  id               bigserial   PRIMARY KEY,
  show_slug        text        NOT NULL REFERENCES mediagate_shows (slug)
                               ON DELETE CASCADE ON UPDATE CASCADE,
  guid             text        NOT NULL DEFAULT gen_random_uuid()::text,
  title            text        NOT NULL,
  -- HTML show notes; any content (feeds escape it).
  notes_html       text        NOT NULL DEFAULT '',
  published_at     timestamptz NOT NULL DEFAULT now(),
  duration_seconds integer     CHECK (duration_seconds >= 0),
  season           integer,
  episode          integer,
  episode_type     text        NOT NULL DEFAULT 'full'
                               CHECK (episode_type IN ('full', 'trailer', 'bonus')),
  media_id         text        NOT NULL REFERENCES mediagate_media (id),
  premium          boolean     NOT NULL DEFAULT true,
  -- Premium until then, public after; NULL: premium for good.
  public_at        timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (show_slug, guid)
);
CREATE INDEX mediagate_episodes_show ON mediagate_episodes (show_slug, published_at DESC);

CREATE OR REPLACE FUNCTION mediagate_notify_show_mediagate_shows() RETURNS trigger LANGUAGE plpgsql AS $$
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
    k := (r.slug)::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := (r.slug)::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_show ON mediagate_shows;
CREATE TRIGGER mediagate_notify_show AFTER INSERT OR UPDATE OR DELETE ON mediagate_shows
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_show_mediagate_shows();
DROP TRIGGER IF EXISTS mediagate_notify_show_truncate ON mediagate_shows;
CREATE TRIGGER mediagate_notify_show_truncate AFTER TRUNCATE ON mediagate_shows
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_show_mediagate_shows();

CREATE OR REPLACE FUNCTION mediagate_notify_show_mediagate_episodes() RETURNS trigger LANGUAGE plpgsql AS $$
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
    k := (r.show_slug)::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := (r.show_slug)::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_show ON mediagate_episodes;
CREATE TRIGGER mediagate_notify_show AFTER INSERT OR UPDATE OR DELETE ON mediagate_episodes
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_show_mediagate_episodes();
DROP TRIGGER IF EXISTS mediagate_notify_show_truncate ON mediagate_episodes;
CREATE TRIGGER mediagate_notify_show_truncate AFTER TRUNCATE ON mediagate_episodes
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_show_mediagate_episodes();

CREATE OR REPLACE FUNCTION mediagate_notify_file_mediagate_episodes() RETURNS trigger LANGUAGE plpgsql AS $$
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
    k := (r.media_id)::text;
    IF k IS NOT NULL THEN
      p := 'file ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := (r.media_id)::text;
    IF k IS NOT NULL THEN
      p := 'file ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_file ON mediagate_episodes;
CREATE TRIGGER mediagate_notify_file AFTER INSERT OR UPDATE OR DELETE ON mediagate_episodes
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_file_mediagate_episodes();
DROP TRIGGER IF EXISTS mediagate_notify_file_truncate ON mediagate_episodes;
CREATE TRIGGER mediagate_notify_file_truncate AFTER TRUNCATE ON mediagate_episodes
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_file_mediagate_episodes();

CREATE OR REPLACE FUNCTION mediagate_notify_show_mediagate_media() RETURNS trigger LANGUAGE plpgsql AS $$
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
    k := ((SELECT min(e.show_slug) FROM mediagate_episodes e WHERE e.media_id = r.id))::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    r := NEW;
    k := ((SELECT min(e.show_slug) FROM mediagate_episodes e WHERE e.media_id = r.id))::text;
    IF k IS NOT NULL THEN
      p := 'show ' || k;
      PERFORM pg_notify('mediagate_changes', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS mediagate_notify_show ON mediagate_media;
CREATE TRIGGER mediagate_notify_show AFTER INSERT OR UPDATE OR DELETE ON mediagate_media
  FOR EACH ROW EXECUTE FUNCTION mediagate_notify_show_mediagate_media();
DROP TRIGGER IF EXISTS mediagate_notify_show_truncate ON mediagate_media;
CREATE TRIGGER mediagate_notify_show_truncate AFTER TRUNCATE ON mediagate_media
  FOR EACH STATEMENT EXECUTE FUNCTION mediagate_notify_show_mediagate_media();
