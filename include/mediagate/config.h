// Config: everything mediagate reads from its TOML file, with defaults.
//
// Plain structs; each field says its meaning, unit and default. LoadConfig()
// fills them from a file, reads the secrets, and validates every value, so a
// Config that exists is a usable one. Values are immutable after loading and
// safe to share.
#ifndef MEDIAGATE_CONFIG_H_
#define MEDIAGATE_CONFIG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mediagate/result.h"
#include "mediagate/secret.h"

namespace mediagate {

// [token]: how links are minted and checked (Django-compatible).
struct TokenConfig {
  // File holding Django's SECRET_KEY; one trailing newline is stripped.
  // Overridden by env MEDIAGATE_TOKEN_SECRET.
  std::string secret_file = "/etc/mediagate/secret";
  // SECRET_KEY_FALLBACKS: files tried in order after secret_file. Default none.
  std::vector<std::string> fallback_secret_files;
  // Django's key_salt. Default: the PasswordResetTokenGenerator class path.
  std::string key_salt = "django.contrib.auth.tokens.PasswordResetTokenGenerator";
  // "sha256" (Django >= 3.1 default) or "sha1".
  std::string algorithm = "sha256";
  // Also accept Django 3.2's legacy sha1 / day-count tokens. Default false.
  bool accept_legacy = false;
  // The hash value template: {field} by name, {ts} the token timestamp.
  // Default: the seed's fields.
  std::string hash_value = "{id}{is_paysubscribed}{uuid}{status}";
  // Maximum token age in seconds. Default 3153600000 (100 years, the seed).
  int64_t timeout_seconds = 3153600000;
  // Django settings.TIME_ZONE (IANA name). Default "UTC".
  std::string time_zone = "UTC";

  // Loaded from secret_file (or the environment); never printed.
  Secret secret;
  // Loaded from fallback_secret_files, same order.
  std::vector<Secret> fallback_secrets;
};

// [storage]: where the media objects live and how upstream URLs are made.
struct StorageConfig {
  // "s3" (presigned SigV4 URLs) or "local" (files from a directory, served
  // by a loopback-only nginx server).
  std::string backend = "s3";
  // S3 endpoint: http(s)://host[:port], no path.
  std::string endpoint = "https://s3.us-east-1.amazonaws.com";
  // SigV4 region ("us-east-1", "auto" for R2, or any custom name).
  std::string region = "us-east-1";
  // Bucket name.
  std::string bucket = "media";
  // "virtual" (bucket.host/key) or "path" (host/bucket/key).
  std::string addressing = "virtual";
  // Access key id; overridden by env MEDIAGATE_S3_ACCESS_KEY_ID.
  std::string access_key_id;
  // File holding the secret access key; overridden by env
  // MEDIAGATE_S3_SECRET_ACCESS_KEY.
  std::string secret_access_key_file = "/etc/mediagate/s3-secret";
  // Optional file holding a session token, signed as X-Amz-Security-Token;
  // overridden by env MEDIAGATE_S3_SESSION_TOKEN. Default "" (none).
  std::string session_token_file;
  // Presigned URL lifetime in seconds, 1..604800. Default 600. It must cover
  // the longest download of one uncached slice.
  int64_t expires_seconds = 600;
  // backend = "local": the loopback-only nginx server that serves the media
  // directory (nginx/mediagate-local.conf); the upstream is this URL plus
  // "/" and the percent-encoded object key. Default "http://127.0.0.1:8089".
  std::string local_url = "http://127.0.0.1:8089";
  // Several edge nodes: "http://HOST:PORT" of the node that runs
  // nginx/mediagate-parent-cache.conf. The upstream is then that node's
  // <url>/<cache key>/<scheme>/<storage URL without "scheme://">, and only the
  // parent asks storage. Default "" (every node asks storage itself).
  std::string parent_cache_url;

  Secret secret_access_key;  // loaded; never printed
  Secret session_token;      // loaded; may be empty
};

// [url]: the shape of client URLs.
struct UrlConfig {
  // Path prefix before /<email>/<file id>/<token>/<name>. Default
  // "/premium_media".
  std::string prefix = "/premium_media";
  // Longest accepted request URI in bytes, query included. Default 2048.
  int64_t max_uri_bytes = 2048;
  // Scheme and host (and port) clients reach nginx at, e.g.
  // "https://media.example.com", no trailing '/': the start of every link in
  // a feed and of what `mediagate links` prints. Default "" (feeds answer
  // 404 and `links` refuses until it is set).
  std::string public_base;
};

// [feed]: podcast feeds served by the workers (src/feed/).
struct FeedConfig {
  // Path prefix of feed URLs: <prefix>/<base64url email>/<token>/<slug>.xml
  // (private) and <prefix>/<slug>.xml (public). Default "/feeds".
  std::string prefix = "/feeds";
  // Path prefix of public episodes' enclosures in feeds:
  // <prefix>/<file id>/<name>, gated like premium links but open to anyone
  // once the episode is public. Default "/public_media".
  std::string public_media_prefix = "/public_media";
  // The notice item a lapsed subscriber's feed shows instead of the premium
  // episodes: title, text and the renewal link ("" = the show's link).
  std::string notice_title = "Your subscription has ended";
  std::string notice_text =
      "Renew your subscription to get the premium episodes back in this feed.";
  std::string notice_link;
  // Seconds a worker reuses a rendered show (a change notification ends it
  // sooner). Default 60.
  int64_t cache_seconds = 60;
  // Cache-Control max-age sent with feeds, in seconds. Default 300.
  int64_t max_age_seconds = 300;
};

// [database]: PostgreSQL, through libpqxx.
struct DatabaseConfig {
  // libpq connection string or URI, without the password.
  std::string url = "postgresql:///mediagate";
  // Optional file holding the password; overridden by env
  // MEDIAGATE_DATABASE_PASSWORD. Default "" (none, e.g. peer auth).
  std::string password_file;
  // Returns one row for $1 = the decoded email: a column for every field of
  // token.hash_value, "status", optionally "paid_until" (UNIX seconds,
  // integer or numeric, "Infinity" and "-Infinity" included, or NULL) and
  // optionally "suspended" (boolean: suspended for sharing; absent or NULL:
  // never suspended). Default: the built-in schema (sql/001_init.sql, 005).
  std::string user_query =
      "SELECT u.id::text AS id, u.uuid::text AS uuid, "
      "u.link_generation::text AS link_generation, "
      "COALESCE(s.status, 'none') AS status, "
      "EXTRACT(EPOCH FROM s.current_period_end) AS paid_until, "
      "EXISTS (SELECT 1 FROM mediagate_suspensions x WHERE x.email = u.email) AS suspended "
      "FROM mediagate_users u "
      "LEFT JOIN mediagate_subscriptions s ON s.user_id = u.id "
      "WHERE u.email = $1";
  // Returns one row for $1 = the file id: "object_key" and "version", and
  // optionally "public_at" (UNIX seconds from which the file is public: a
  // public episode's; NULL or absent: premium only).
  std::string file_query =
      "SELECT m.object_key, m.version, (SELECT EXTRACT(EPOCH FROM min(CASE WHEN e.premium "
      "THEN e.public_at ELSE e.published_at END)) FROM mediagate_episodes e "
      "WHERE e.media_id = m.id) AS public_at FROM mediagate_media m WHERE m.id = $1";
  // Returns one row for $1 = a show slug: slug, title, description, author,
  // owner_name, owner_email, image_url, language, categories (one per line,
  // "Top" or "Top > Sub"), explicit (boolean), link, copyright,
  // podcast_guid, updated_at (UNIX seconds). Default: the built-in schema.
  std::string show_query =
      "SELECT slug, title, description, author, owner_name, owner_email, image_url, "
      "language, array_to_string(categories, E'\\n') AS categories, explicit, link, "
      "copyright, podcast_guid::text AS podcast_guid, "
      "EXTRACT(EPOCH FROM updated_at) AS updated_at "
      "FROM mediagate_shows WHERE slug = $1";
  // Returns the show's episodes for $1 = the slug, newest first: guid, title,
  // notes_html, published_at, duration_seconds, season, episode,
  // episode_type, file_id, file_name, length_bytes, mime_type, premium
  // (boolean), public_at, updated_at (times in UNIX seconds; duration,
  // season, episode and public_at may be NULL). Default: the built-in schema.
  std::string episodes_query =
      "SELECT e.guid, e.title, e.notes_html, "
      "EXTRACT(EPOCH FROM e.published_at) AS published_at, e.duration_seconds, "
      "e.season, e.episode, e.episode_type, e.media_id AS file_id, "
      "regexp_replace(m.object_key, '^.*/', '') AS file_name, m.length_bytes, m.mime_type, "
      "e.premium, EXTRACT(EPOCH FROM e.public_at) AS public_at, "
      "EXTRACT(EPOCH FROM GREATEST(e.updated_at, m.updated_at)) AS updated_at "
      "FROM mediagate_episodes e JOIN mediagate_media m ON m.id = e.media_id "
      "WHERE e.show_slug = $1 ORDER BY e.published_at DESC, e.id DESC";
  // Connection timeout in milliseconds. Default 2000.
  int64_t connect_timeout_ms = 2000;
  // Per-statement timeout in milliseconds. Default 1000.
  int64_t statement_timeout_ms = 1000;

  Secret password;  // loaded; may be empty
};

// [redis]: the record cache, through hiredis.
struct RedisConfig {
  // Use Redis at all. Default true.
  bool enabled = true;
  // "HOST:PORT" or "unix:/path/to/redis.sock". Default "127.0.0.1:6379".
  // Unused (leave it unset) when `sentinels` is set.
  std::string address = "127.0.0.1:6379";
  // Redis Sentinels ("HOST:PORT" or "[V6]:PORT"), asked in order for the
  // current master of `master_name`. Default empty: use `address`.
  std::vector<std::string> sentinels;
  // The master's name in the Sentinels' configuration. Default "mediagate".
  std::string master_name = "mediagate";
  // Optional file holding the Sentinels' AUTH password; overridden by env
  // MEDIAGATE_REDIS_SENTINEL_PASSWORD. Default "".
  std::string sentinel_password_file;
  // Optional file holding the AUTH password; overridden by env
  // MEDIAGATE_REDIS_PASSWORD. Default "".
  std::string password_file;
  // Database number (SELECT). Default 0.
  int64_t database = 0;
  // Namespace of every key: "<key_prefix>:v1:user:..." Default "mediagate".
  std::string key_prefix = "mediagate";
  // Seconds a found user / file stays cached. Defaults 60 / 300.
  int64_t user_ttl_seconds = 60;
  int64_t file_ttl_seconds = 300;
  // Seconds an unknown user or file stays cached. Default 10.
  int64_t negative_ttl_seconds = 10;
  // Connect and per-command timeouts in milliseconds. Defaults 200 / 100.
  int64_t connect_timeout_ms = 200;
  int64_t command_timeout_ms = 100;

  Secret password;           // loaded; may be empty
  Secret sentinel_password;  // loaded; may be empty
};

// [entitlement]: who may download.
struct EntitlementConfig {
  // Subscription statuses that grant access. Default active, trialing.
  std::vector<std::string> allowed_statuses = {"active", "trialing"};
  // Statuses that keep access until paid_until + grace_seconds when
  // use_paid_until is true. Default past_due, canceled.
  std::vector<std::string> grace_statuses = {"past_due", "canceled"};
  // Honour the user row's paid_until column for grace statuses. Default false.
  bool use_paid_until = false;
  // Extra seconds after paid_until. Default 0.
  int64_t grace_seconds = 0;
};

// [server]: the FastCGI responder processes.
struct ServerConfig {
  // Worker processes (overridden by --workers). Default 2.
  int64_t workers = 2;
  // Request paths answered with metrics / health instead of a decision.
  std::string metrics_path = "/mediagate/metrics";
  std::string health_path = "/mediagate/health";
  // Seconds workers get to finish in-flight requests on stop/reload. Default 5.
  int64_t drain_seconds = 5;
  // Peers (CIDRs) whose client_ip_header is trusted for the client address.
  // Default none: REMOTE_ADDR is used.
  std::vector<std::string> trusted_proxies;
  // Header carrying the client address from a trusted proxy; the last entry
  // of a comma-separated list is used. Default "X-Forwarded-For".
  std::string client_ip_header = "X-Forwarded-For";
};

// [notify]: changes pushed by PostgreSQL (LISTEN/NOTIFY on channel
// "mediagate_changes"; see sql/002_change_notify.sql and `mediagate triggers`).
struct NotifyConfig {
  // Run the change listener and keep per-worker record caches. Default true.
  bool enabled = true;
  // For `mediagate triggers` (an existing schema such as Django's): entries
  // "TABLE: EXPRESSION", the expression giving, for a row `r` of TABLE, the
  // email of the user it belongs to / the file id it describes. Default none.
  std::vector<std::string> user_triggers;
  std::vector<std::string> file_triggers;
  // ... the show slug (feeds' shows and episodes). Default none.
  std::vector<std::string> show_triggers;
};

// [sharing]: sharing detection over the download log (`mediagate ingest`,
// src/audience/sharing_detector.h) and what to do about a flagged subscriber.
struct SharingConfig {
  // Distinct networks (/24 IPv4, /64 IPv6) one subscriber's links may be
  // used from within window_seconds; one more flags them. Default 10: a
  // phone on mobile data (carrier NAT moves between /24s during a day), home,
  // work and a few cafes or a travel day stay below it; a link posted in a
  // forum or chat group passes it within hours.
  int64_t max_networks = 10;
  // Distinct user agents within window_seconds; one more flags. Default 8 (a
  // household's phone, tablet, desktop and smart-speaker apps, and browsers).
  int64_t max_user_agents = 8;
  // The rolling window, in seconds of the log's event time. Default 86400.
  int64_t window_seconds = 86400;
  // "log" (a flag row, a log line), "rotate" (also run rotate_query: the
  // subscriber's links and feeds change) or "suspend" (also every decision
  // for them is `shared`, 403, until cleared). Default "log".
  std::string action = "log";
  // Returns the subscribers' emails (first column), searched when resolving a
  // user reference back to an email. Default: the built-in schema's users.
  std::string users_query = "SELECT email FROM mediagate_users";
  // Run with $1 = the email for action "rotate": changes what the token
  // template hashes. Default: bump the built-in schema's link_generation.
  std::string rotate_query =
      "UPDATE mediagate_users SET link_generation = link_generation + 1 WHERE email = $1";
};

// [log]
struct LogConfig {
  // "trace", "debug", "info", "warn", "error", "off". Default "info".
  std::string level = "info";
  // Minimum seconds between two log lines for the same backend failure.
  // Default 10.
  int64_t error_interval_seconds = 10;
};

// [audience]: `mediagate ingest`, which counts downloads from nginx's download
// log (log_format mediagate_download) by the IAB v2.2 rules.
struct AudienceConfig {
  // The download log nginx writes. Default /var/log/nginx/mediagate-downloads.log.
  std::string log_path = "/var/log/nginx/mediagate-downloads.log";
  // SQL returning (length_bytes, header_bytes, duration_seconds) of the file
  // id $1; NULLs and no row mean unknown. Default: the built-in schema.
  std::string media_query =
      "SELECT m.length_bytes, m.header_bytes, e.duration_seconds FROM mediagate_media m "
      "LEFT JOIN mediagate_episodes e ON e.media_id = m.id WHERE m.id = $1 "
      "ORDER BY e.id LIMIT 1";
  // Bot user-agent patterns, one PCRE2 pattern a line ('#' comments).
  // Default: the pinned isbot list the package installs.
  std::string bot_list = "/usr/share/mediagate/audience/isbot-patterns.txt";
  // App rules: "<PCRE2 pattern><TAB><app name>" a line, first match wins.
  std::string app_rules = "/usr/share/mediagate/audience/apps.tsv";
  // GeoIP country databases (Debian's geoip-database; libGeoIP format) for
  // IPv4 and IPv6; a file that does not exist, or "", gives country "".
  std::string geoip_path = "/usr/share/GeoIP/GeoIP.dat";
  std::string geoip6_path = "/usr/share/GeoIP/GeoIPv6.dat";
  // Milliseconds between two looks at the log when at its end. Default 200.
  int64_t poll_ms = 200;
  // Longest time between two commits of the counts and position, in ms.
  // Default 1000.
  int64_t commit_interval_ms = 1000;
};

struct Config {
  std::string path;  // the file this was loaded from
  TokenConfig token;
  StorageConfig storage;
  UrlConfig url;
  DatabaseConfig database;
  RedisConfig redis;
  EntitlementConfig entitlement;
  ServerConfig server;
  NotifyConfig notify;
  FeedConfig feed;
  SharingConfig sharing;
  LogConfig log;
  AudienceConfig audience;
  // Non-fatal findings, e.g. a secret file readable by other users.
  std::vector<std::string> warnings;
};

// Looks up an environment variable; nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;

// Reads, validates and completes the config at `path`, loading the secrets.
// On failure the Status message is one line: "FILE: key: message" (or
// "FILE:LINE: message" for TOML syntax errors).
Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

// LoadConfig with the process environment.
Result<Config> LoadConfig(const std::string& path);

// The effective config as TOML, with every secret redacted.
std::string FormatEffectiveConfig(const Config& config);

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_H_
