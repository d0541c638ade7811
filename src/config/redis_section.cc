// [redis]: the record cache.
#include <regex>

#include "config/sections.h"

namespace mediagate {
namespace {

constexpr int64_t kMonth = 30 * 86400;

std::string PasswordNote(const RedisConfig& r) { return "password: " + r.password.Redacted(); }

const std::vector<ConfigKey<RedisConfig>> kKeys = {
    BoolKey("enabled", &RedisConfig::enabled, "Use Redis at all"),
    StringKey("address", &RedisConfig::address,
              "\"HOST:PORT\" or \"unix:/path/to/redis.sock\""),
    StringKey("password_file", &RedisConfig::password_file,
              "Optional file holding the AUTH password ($MEDIAGATE_REDIS_PASSWORD "
              "overrides)")
        .Note(PasswordNote),
    IntKey("database", &RedisConfig::database, 0, 1000, "Database number (SELECT)"),
    StringKey("key_prefix", &RedisConfig::key_prefix,
              "Namespace of every key: <key_prefix>:v1:user:..."),
    IntKey("user_ttl_seconds", &RedisConfig::user_ttl_seconds, 1, kMonth,
           "Seconds a found user stays cached"),
    IntKey("file_ttl_seconds", &RedisConfig::file_ttl_seconds, 1, kMonth,
           "Seconds a found file stays cached"),
    IntKey("negative_ttl_seconds", &RedisConfig::negative_ttl_seconds, 1, kMonth,
           "Seconds an unknown user or file stays cached"),
    IntKey("connect_timeout_ms", &RedisConfig::connect_timeout_ms, 1, 60000,
           "Connect timeout in milliseconds"),
    IntKey("command_timeout_ms", &RedisConfig::command_timeout_ms, 1, 60000,
           "Per-command timeout in milliseconds"),
};

Status Validate(const SectionContext& ctx, const ConfigSection& sec, RedisConfig* out) {
  static const std::regex kAddress(
      R"(^(unix:/.+|[A-Za-z0-9.-]+:[0-9]{1,5}|\[[0-9A-Fa-f:.]+\]:[0-9]{1,5})$)");
  if (!std::regex_match(out->address, kAddress)) {
    return sec.Error("address",
                     "must be \"HOST:PORT\" or \"unix:/path\", got \"" + out->address + "\"");
  }
  static const std::regex kPrefix(R"(^[A-Za-z0-9_.-]{1,64}$)");
  if (!std::regex_match(out->key_prefix, kPrefix)) {
    return sec.Error("key_prefix", "must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  return LoadSectionSecret(ctx, sec, "password_file", out->password_file,
                           "MEDIAGATE_REDIS_PASSWORD", false, &out->password);
}

}  // namespace

SectionDef RedisSection() { return MakeSection("redis", &Config::redis, kKeys, Validate); }

}  // namespace mediagate
