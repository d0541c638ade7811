// [server]: the FastCGI responder processes.
#include <regex>

#include "config/sections.h"
#include "mediagate/client_address.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<ServerConfig>> kKeys = {
    IntKey("workers", &ServerConfig::workers, 1, 256, "Worker processes (--workers overrides)"),
    StringKey("metrics_path", &ServerConfig::metrics_path,
              "Request path answered with Prometheus metrics"),
    StringKey("health_path", &ServerConfig::health_path,
              "Request path answered with the health check"),
    IntKey("drain_seconds", &ServerConfig::drain_seconds, 1, 300,
           "Seconds workers get to finish in-flight requests on stop or reload"),
    StringListKey("trusted_proxies", &ServerConfig::trusted_proxies,
                  "Peers (CIDRs) whose client_ip_header is trusted"),
    StringKey("client_ip_header", &ServerConfig::client_ip_header,
              "Header with the client address from a trusted proxy (last entry used)"),
};

Status AbsolutePath(const ConfigSection& sec, const char* key, const std::string& p) {
  static const std::regex kPath(R"(^/[A-Za-z0-9/_.-]*$)");
  if (!std::regex_match(p, kPath)) return sec.Error(key, "must be a path starting with '/'");
  return Status::Ok();
}

Status Validate(const SectionContext&, const ConfigSection& sec, ServerConfig* out) {
  Status s = AbsolutePath(sec, "metrics_path", out->metrics_path);
  if (!s.ok()) return s;
  if (!(s = AbsolutePath(sec, "health_path", out->health_path)).ok()) return s;
  auto proxies = ClientAddress::Create(out->trusted_proxies);
  if (!proxies.ok()) return sec.Error("trusted_proxies", proxies.status().message());
  static const std::regex kHeader(R"(^[A-Za-z0-9-]{1,64}$)");
  if (!std::regex_match(out->client_ip_header, kHeader)) {
    return sec.Error("client_ip_header", "must be an HTTP header name");
  }
  return Status::Ok();
}

}  // namespace

SectionDef ServerSection() { return MakeSection("server", &Config::server, kKeys, Validate); }

}  // namespace mediagate
