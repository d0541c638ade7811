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
