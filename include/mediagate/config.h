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
  // "s3" (presigned SigV4 URLs) or "local" (an internal nginx location).
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
  // backend = "local": the internal nginx location that serves the media
  // directory; the upstream is this prefix plus the object key.
  std::string local_location = "/_mediagate_local";

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
};

struct Config {
  std::string path;  // the file this was loaded from
  TokenConfig token;
  StorageConfig storage;
  UrlConfig url;
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
