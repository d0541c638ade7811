// FormatEffectiveConfig: the loaded config as TOML, secrets redacted.
#include <sstream>

#include <toml.hpp>

#include "mediagate/config.h"
#include "config/conninfo.h"

namespace mediagate {
namespace {

// Emits `key = value` lines; toml11 does the quoting and escaping.
class TomlWriter {
 public:
  void Section(const char* name) {
    out_ << (first_ ? "" : "\n") << "[" << name << "]\n";
    first_ = false;
  }
  template <typename T>
  void Key(const char* key, const T& value) {
    out_ << key << " = " << toml::format(toml::value(value)) << "\n";
  }
  void Key(const char* key, const std::vector<std::string>& values) {
    Key(key, toml::array(values.begin(), values.end()));
  }
  void Comment(const std::string& text) { out_ << "# " << text << "\n"; }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
  bool first_ = true;
};

}  // namespace

std::string FormatEffectiveConfig(const Config& c) {
  TomlWriter w;
  w.Comment("effective configuration of " + c.path + " (secrets redacted)");
  w.Section("token");
  w.Key("secret_file", c.token.secret_file);
  w.Comment("secret: " + c.token.secret.Redacted());
  w.Key("fallback_secret_files", c.token.fallback_secret_files);
  for (const Secret& s : c.token.fallback_secrets) w.Comment("fallback: " + s.Redacted());
  w.Key("key_salt", c.token.key_salt);
  w.Key("algorithm", c.token.algorithm);
  w.Key("accept_legacy", c.token.accept_legacy);
  w.Key("hash_value", c.token.hash_value);
  w.Key("timeout_seconds", c.token.timeout_seconds);
  w.Key("time_zone", c.token.time_zone);

  const StorageConfig& st = c.storage;
  w.Section("storage");
  w.Key("backend", st.backend);
  if (st.backend == "local") {
    w.Key("local_url", st.local_url);
  } else {
    w.Key("endpoint", st.endpoint);
    w.Key("region", st.region);
    w.Key("bucket", st.bucket);
    w.Key("addressing", st.addressing);
    w.Key("access_key_id", st.access_key_id);
    w.Key("secret_access_key_file", st.secret_access_key_file);
    w.Comment("secret_access_key: " + st.secret_access_key.Redacted());
    w.Key("session_token_file", st.session_token_file);
    w.Comment("session_token: " + st.session_token.Redacted());
    w.Key("expires_seconds", st.expires_seconds);
  }

  w.Section("url");
  w.Key("prefix", c.url.prefix);
  w.Key("max_uri_bytes", c.url.max_uri_bytes);

  const DatabaseConfig& db = c.database;
  w.Section("database");
  w.Key("url", ConnInfoHasPassword(db.url) ? std::string("<redacted: holds a password>")
                                             : db.url);
  w.Key("password_file", db.password_file);
  w.Comment("password: " + db.password.Redacted());
  w.Key("user_query", db.user_query);
  w.Key("file_query", db.file_query);
  w.Key("connect_timeout_ms", db.connect_timeout_ms);
  w.Key("statement_timeout_ms", db.statement_timeout_ms);

  const RedisConfig& r = c.redis;
  w.Section("redis");
  w.Key("enabled", r.enabled);
  w.Key("address", r.address);
  w.Key("password_file", r.password_file);
  w.Comment("password: " + r.password.Redacted());
  w.Key("database", r.database);
  w.Key("key_prefix", r.key_prefix);
  w.Key("user_ttl_seconds", r.user_ttl_seconds);
  w.Key("file_ttl_seconds", r.file_ttl_seconds);
  w.Key("negative_ttl_seconds", r.negative_ttl_seconds);
  w.Key("connect_timeout_ms", r.connect_timeout_ms);
  w.Key("command_timeout_ms", r.command_timeout_ms);

  const EntitlementConfig& e = c.entitlement;
  w.Section("entitlement");
  w.Key("allowed_statuses", e.allowed_statuses);
  w.Key("grace_statuses", e.grace_statuses);
  w.Key("use_paid_until", e.use_paid_until);
  w.Key("grace_seconds", e.grace_seconds);

  const ServerConfig& sv = c.server;
  w.Section("server");
  w.Key("workers", sv.workers);
  w.Key("metrics_path", sv.metrics_path);
  w.Key("health_path", sv.health_path);
  w.Key("drain_seconds", sv.drain_seconds);
  w.Key("trusted_proxies", sv.trusted_proxies);
  w.Key("client_ip_header", sv.client_ip_header);

  w.Section("log");
  w.Key("level", c.log.level);
  w.Key("error_interval_seconds", c.log.error_interval_seconds);
  return w.str();
}

}  // namespace mediagate
