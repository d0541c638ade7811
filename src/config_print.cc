// FormatEffectiveConfig: the loaded config as TOML, secrets redacted.
#include <sstream>

#include <toml.hpp>

#include "mediagate/config.h"

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
  w.Key("fallback_secret_files", toml::array(c.token.fallback_secret_files.begin(),
                                             c.token.fallback_secret_files.end()));
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
    w.Key("local_location", st.local_location);
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
  return w.str();
}

}  // namespace mediagate
