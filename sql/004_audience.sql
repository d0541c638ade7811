-- mediagate built-in schema, version 4: audience (src/audience/).
-- `mediagate ingest` reads nginx's download log (nginx/mediagate-http.conf,
-- log_format mediagate_download) and counts downloads by the IAB Podcast
-- Measurement v2.2 rules. One row per UTC day, file, app and country; the
-- report and `mediagate stats` read only this table. file_id is the media
-- id of the link (mediagate_media.id in the built-in schema); no foreign key,
-- so counts outlive a deleted media row and work beside a Django schema.

CREATE TABLE mediagate_downloads_daily (
  -- UTC day of the request that completed the download.
  day       date   NOT NULL,
  file_id   text   NOT NULL,
  -- App name from the user agent ("Apple Podcasts", "Overcast", ...);
  -- "Other" when no rule matches.
  app       text   NOT NULL,
  -- ISO 3166-1 alpha-2 country of the client address; "" when unknown or
  -- when no GeoIP database is installed.
  country   text   NOT NULL DEFAULT '',
  downloads bigint NOT NULL CHECK (downloads >= 0),
  PRIMARY KEY (day, file_id, app, country)
);
CREATE INDEX mediagate_downloads_daily_file ON mediagate_downloads_daily (file_id, day);

-- Media header size, for the IAB threshold (ID3 header + one minute of
-- audio); 0 when unknown.
ALTER TABLE mediagate_media ADD COLUMN header_bytes bigint NOT NULL DEFAULT 0
  CHECK (header_bytes >= 0);

-- Where `mediagate ingest` stands in the download log: one row, written in the
-- same transaction as the counts it read, so a restart neither loses nor
-- double-counts a line.
CREATE TABLE mediagate_ingest_position (
  log_path   text   PRIMARY KEY,
  device     bigint NOT NULL,
  inode      bigint NOT NULL,
  "offset"   bigint NOT NULL,
  lines      bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The counter's open windows: one row per file and listener (client network +
-- user agent) seen within the last 24 h, keyed by a hash of the three (no
-- address or user agent is stored): when the window began, whether it was
-- counted, and the byte ranges served so far ("a-b,c-d", end exclusive).
CREATE TABLE mediagate_audience_windows (
  window_key text   PRIMARY KEY,
  first_ms   bigint NOT NULL,
  counted    boolean NOT NULL,
  ranges     text   NOT NULL
);
