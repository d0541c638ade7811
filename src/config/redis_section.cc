// [redis]: the record cache.
#include <regex>

#include "config/sections.h"

namespace mediagate {
namespace {

constexpr int64_t kMonth = 30 * 86400;

std::string PasswordNote(const RedisConfig& r) { return "password: " + r.password.Redacted(); }
std::string SentinelPasswordNote(const RedisConfig& r) {
  return "sentinel password: " + r.sentinel_password.Redacted();
}
bool UsesAddress(const RedisConfig& r) { return r.sentinels.empty(); }

const std::vector<ConfigKey<RedisConfig>> kKeys = {
    BoolKey("enabled", &RedisConfig::enabled, "Use Redis at all"),
    StringKey("address", &RedisConfig::address, "\"HOST:PORT\" or \"unix:/path/to/redis.sock\"")
        .ShownIf(UsesAddress),
    StringListKey("sentinels", &RedisConfig::sentinels,
                  "Redis Sentinels \"HOST:PORT\", asked in order for the master (instead of "
                  "address)"),
    StringKey("master_name", &RedisConfig::master_name, "The master's name in Sentinel"),
    StringKey("sentinel_password_file", &RedisConfig::sentinel_password_file,
              "Optional file holding the Sentinels' AUTH password "
              "($MEDIAGATE_REDIS_SENTINEL_PASSWORD overrides)")
        .Note(SentinelPasswordNote),
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

// HOST:PORT or [V6]:PORT with a port in 1..65535.
bool IsHostPort(const std::string& s) {
  static const std::regex kHostPort(R"(^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(s, m, kHostPort)) return false;
  const int port = std::stoi(m[2].str());
  return port >= 1 && port <= 65535;
}

Status ValidateServers(const ConfigSection& sec, const RedisConfig& r) {
  static const std::regex kName(R"(^[A-Za-z0-9_.-]{1,64}$)");
  if (!std::regex_match(r.master_name, kName)) {
    return sec.Error("master_name", "must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  if (r.sentinels.empty()) {
    const bool unix_path = r.address.size() > 6 && r.address.compare(0, 6, "unix:/") == 0;
    if (unix_path || IsHostPort(r.address)) return Status::Ok();
    return sec.Error("address",
                     "must be \"HOST:PORT\" or \"unix:/path\", got \"" + r.address + "\"");
  }
  if (!r.address.empty() && r.address != RedisConfig().address) {
    return sec.Error("address",
                     "must be left unset when sentinels is set (Sentinel names the master)");
  }
  for (size_t i = 0; i < r.sentinels.size(); ++i) {
    if (!IsHostPort(r.sentinels[i])) {
      return sec.Error(
          "sentinels[" + std::to_string(i) + "]",
          "must be \"HOST:PORT\" or \"[V6]:PORT\", got \"" + r.sentinels[i] + "\"");
    }
  }
  return Status::Ok();
}

Status Validate(const SectionContext& ctx, const ConfigSection& sec, RedisConfig* out) {
  Status servers = ValidateServers(sec, *out);
  if (!servers.ok()) return servers;
  static const std::regex kPrefix(R"(^[A-Za-z0-9_.-]{1,64}$)");
  if (!std::regex_match(out->key_prefix, kPrefix)) {
    return sec.Error("key_prefix", "must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  Status password = LoadSectionSecret(ctx, sec, "password_file", out->password_file,
                                      "MEDIAGATE_REDIS_PASSWORD", false, &out->password);
  if (!password.ok()) return password;
  return LoadSectionSecret(ctx, sec, "sentinel_password_file", out->sentinel_password_file,
                           "MEDIAGATE_REDIS_SENTINEL_PASSWORD", false, &out->sentinel_password);
}

}  // namespace

SectionDef RedisSection() { return MakeSection("redis", &Config::redis, kKeys, Validate); }

}  // namespace mediagate
