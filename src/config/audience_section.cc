// [audience]: `mediagate ingest`, the download log and the IAB counter.
#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<AudienceConfig>> kKeys = {
    StringKey("log_path", &AudienceConfig::log_path,
              "nginx's download log (log_format mediagate_download)"),
    StringKey("media_query", &AudienceConfig::media_query,
              "SQL: length_bytes, header_bytes, duration_seconds of file id $1"),
    StringKey("bot_list", &AudienceConfig::bot_list,
              "Bot user-agent patterns (PCRE2, one a line)"),
    StringKey("app_rules", &AudienceConfig::app_rules,
              "App rules: PCRE2 pattern, TAB, app name; first match wins"),
    StringKey("geoip_path", &AudienceConfig::geoip_path,
              "GeoIP country database for IPv4 (absent or \"\": no country)"),
    StringKey("geoip6_path", &AudienceConfig::geoip6_path,
              "GeoIP country database for IPv6 (absent or \"\": no country)"),
    IntKey("poll_ms", &AudienceConfig::poll_ms, 10, 10000,
           "Milliseconds between two looks at the log when at its end"),
    IntKey("commit_interval_ms", &AudienceConfig::commit_interval_ms, 50, 60000,
           "Longest time between two commits of counts and position, in ms"),
};

Status Validate(const SectionContext&, const ConfigSection& sec, AudienceConfig* out) {
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"log_path", &out->log_path},
        {"bot_list", &out->bot_list},
        {"app_rules", &out->app_rules}}) {
    if (value->empty() || (*value)[0] != '/') return sec.Error(key, "must be an absolute path");
  }
  if (out->media_query.find("$1") == std::string::npos) {
    return sec.Error("media_query", "must use $1 (the file id)");
  }
  return Status::Ok();
}

}  // namespace

SectionDef AudienceSection() {
  return MakeSection("audience", &Config::audience, kKeys, Validate);
}

}  // namespace mediagate
