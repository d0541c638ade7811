// [database] and [redis] sections.
#include <regex>

#include "config/sections.h"
#include "config/conninfo.h"
#include "config/secret_loader.h"

namespace mediagate {

Status LoadDatabaseSection(const SectionContext& ctx, DatabaseConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "database");
  Status s;
  if (!(s = sec.String("url", &out->url)).ok()) return s;
  if (!(s = sec.String("password_file", &out->password_file)).ok()) return s;
  if (!(s = sec.String("user_query", &out->user_query)).ok()) return s;
  if (!(s = sec.String("file_query", &out->file_query)).ok()) return s;
  if (!(s = sec.Int("connect_timeout_ms", 1, 600000, &out->connect_timeout_ms)).ok()) {
    return s;
  }
  if (!(s = sec.Int("statement_timeout_ms", 1, 600000, &out->statement_timeout_ms)).ok()) {
    return s;
  }
  if (!(s = sec.Finish()).ok()) return s;
  if (out->url.empty()) return sec.Error("url", "must not be empty");
  for (const char* key : {"user_query", "file_query"}) {
    const std::string& q = std::string(key) == "user_query" ? out->user_query
                                                            : out->file_query;
    if (q.find("$1") == std::string::npos) {
      return sec.Error(key, "must use the parameter $1");
    }
  }
  auto conninfo = BuildConnectionString(*out);
  if (!conninfo.ok()) return Status::InvalidArgument(ctx.file + ": " + conninfo.status().message());
  if (ConnInfoHasPassword(out->url)) {
    ctx.warnings->push_back("database.url holds a password; move it to "
                            "database.password_file or $MEDIAGATE_DATABASE_PASSWORD");
  }
  auto password = LoadSecret(ctx.file + ": database.password_file", out->password_file,
                             "MEDIAGATE_DATABASE_PASSWORD", *ctx.env, false,
                             ctx.warnings);
  if (!password.ok()) return password.status();
  out->password = std::move(*password);
  return Status::Ok();
}

Status LoadRedisSection(const SectionContext& ctx, RedisConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "redis");
  Status s;
  constexpr int64_t kMonth = 30 * 86400;
  if (!(s = sec.Bool("enabled", &out->enabled)).ok()) return s;
  if (!(s = sec.String("address", &out->address)).ok()) return s;
  if (!(s = sec.String("password_file", &out->password_file)).ok()) return s;
  if (!(s = sec.Int("database", 0, 1000, &out->database)).ok()) return s;
  if (!(s = sec.String("key_prefix", &out->key_prefix)).ok()) return s;
  if (!(s = sec.Int("user_ttl_seconds", 1, kMonth, &out->user_ttl_seconds)).ok()) return s;
  if (!(s = sec.Int("file_ttl_seconds", 1, kMonth, &out->file_ttl_seconds)).ok()) return s;
  if (!(s = sec.Int("negative_ttl_seconds", 1, kMonth, &out->negative_ttl_seconds)).ok()) {
    return s;
  }
  if (!(s = sec.Int("connect_timeout_ms", 1, 60000, &out->connect_timeout_ms)).ok()) {
    return s;
  }
  if (!(s = sec.Int("command_timeout_ms", 1, 60000, &out->command_timeout_ms)).ok()) {
    return s;
  }
  if (!(s = sec.Finish()).ok()) return s;
  static const std::regex kAddress(R"(^(unix:/.+|[A-Za-z0-9.-]+:[0-9]{1,5}|\[[0-9A-Fa-f:.]+\]:[0-9]{1,5})$)");
  if (!std::regex_match(out->address, kAddress)) {
    return sec.Error("address", "must be \"HOST:PORT\" or \"unix:/path\", got \"" +
                                    out->address + "\"");
  }
  static const std::regex kPrefix(R"(^[A-Za-z0-9_.-]{1,64}$)");
  if (!std::regex_match(out->key_prefix, kPrefix)) {
    return sec.Error("key_prefix", "must be 1-64 of A-Z a-z 0-9 _ . -");
  }
  auto password = LoadSecret(ctx.file + ": redis.password_file", out->password_file,
                             "MEDIAGATE_REDIS_PASSWORD", *ctx.env, false, ctx.warnings);
  if (!password.ok()) return password.status();
  out->password = std::move(*password);
  return Status::Ok();
}

}  // namespace mediagate
