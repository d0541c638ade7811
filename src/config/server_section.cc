// [entitlement], [server] and [log] sections.
#include <regex>

#include "config/sections.h"
#include "mediagate/client_address.h"

namespace mediagate {
namespace {

Status NonEmptyStrings(const ConfigSection& sec, const char* key,
                       const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    if (v.empty()) return sec.Error(key, "must not contain empty strings");
  }
  return Status::Ok();
}

Status AbsolutePath(const ConfigSection& sec, const char* key, const std::string& p) {
  static const std::regex kPath(R"(^/[A-Za-z0-9/_.-]*$)");
  if (!std::regex_match(p, kPath)) {
    return sec.Error(key, "must be a path starting with '/'");
  }
  return Status::Ok();
}

}  // namespace

Status LoadEntitlementSection(const SectionContext& ctx, EntitlementConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "entitlement");
  Status s;
  if (!(s = sec.StringList("allowed_statuses", &out->allowed_statuses)).ok()) return s;
  if (!(s = sec.StringList("grace_statuses", &out->grace_statuses)).ok()) return s;
  if (!(s = sec.Bool("use_paid_until", &out->use_paid_until)).ok()) return s;
  if (!(s = sec.Int("grace_seconds", 0, 366 * 86400, &out->grace_seconds)).ok()) return s;
  if (!(s = sec.Finish()).ok()) return s;
  if (out->allowed_statuses.empty()) {
    return sec.Error("allowed_statuses", "must name at least one status");
  }
  if (!(s = NonEmptyStrings(sec, "allowed_statuses", out->allowed_statuses)).ok()) return s;
  return NonEmptyStrings(sec, "grace_statuses", out->grace_statuses);
}

Status LoadServerSection(const SectionContext& ctx, ServerConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "server");
  Status s;
  if (!(s = sec.Int("workers", 1, 256, &out->workers)).ok()) return s;
  if (!(s = sec.String("metrics_path", &out->metrics_path)).ok()) return s;
  if (!(s = sec.String("health_path", &out->health_path)).ok()) return s;
  if (!(s = sec.Int("drain_seconds", 1, 300, &out->drain_seconds)).ok()) return s;
  if (!(s = sec.StringList("trusted_proxies", &out->trusted_proxies)).ok()) return s;
  if (!(s = sec.String("client_ip_header", &out->client_ip_header)).ok()) return s;
  if (!(s = sec.Finish()).ok()) return s;
  if (!(s = AbsolutePath(sec, "metrics_path", out->metrics_path)).ok()) return s;
  if (!(s = AbsolutePath(sec, "health_path", out->health_path)).ok()) return s;
  auto proxies = ClientAddress::Create(out->trusted_proxies);
  if (!proxies.ok()) return sec.Error("trusted_proxies", proxies.status().message());
  static const std::regex kHeader(R"(^[A-Za-z0-9-]{1,64}$)");
  if (!std::regex_match(out->client_ip_header, kHeader)) {
    return sec.Error("client_ip_header", "must be an HTTP header name");
  }
  return Status::Ok();
}

Status LoadLogSection(const SectionContext& ctx, LogConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "log");
  Status s;
  if (!(s = sec.OneOf("level", {"trace", "debug", "info", "warn", "error", "off"},
                      &out->level)).ok()) {
    return s;
  }
  if (!(s = sec.Int("error_interval_seconds", 1, 3600, &out->error_interval_seconds)).ok()) {
    return s;
  }
  return sec.Finish();
}

}  // namespace mediagate
