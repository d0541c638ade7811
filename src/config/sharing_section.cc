// [sharing]: thresholds and action of sharing detection.
#include <string>

#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<SharingConfig>> kKeys = {
    IntKey("max_networks", &SharingConfig::max_networks, 1, 100000,
           "Distinct networks (/24 IPv4, /64 IPv6) a subscriber's links may be used from "
           "within window_seconds; one more flags them"),
    IntKey("max_user_agents", &SharingConfig::max_user_agents, 1, 100000,
           "Distinct user agents within window_seconds; one more flags the subscriber"),
    IntKey("window_seconds", &SharingConfig::window_seconds, 60, 30 * 86400,
           "The rolling window, in seconds of the download log's time"),
    OneOfKey("action", &SharingConfig::action, {"log", "rotate", "suspend"},
             "What a flag does besides its row and log line: nothing more, run rotate_query, "
             "or deny the subscriber with reason shared until cleared"),
    StringKey("users_query", &SharingConfig::users_query,
              "SQL returning every subscriber's email (first column), to resolve a flagged "
              "user reference"),
    StringKey("rotate_query", &SharingConfig::rotate_query,
              "SQL run with $1 = the email for action rotate, changing the subscriber's links"),
};

Status Validate(const SectionContext&, const ConfigSection& sec, SharingConfig* out) {
  if (out->users_query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return sec.Error("users_query", "must not be empty");
  }
  if (out->users_query.find("$1") != std::string::npos) {
    return sec.Error("users_query", "takes no parameters (found $1)");
  }
  if (out->rotate_query.find("$1") == std::string::npos) {
    return sec.Error("rotate_query", "must use $1 (the email)");
  }
  if (out->rotate_query.find("$2") != std::string::npos) {
    return sec.Error("rotate_query", "takes one parameter, $1 (found $2)");
  }
  return Status::Ok();
}

}  // namespace

SectionDef SharingSection() {
  return MakeSection("sharing", &Config::sharing, kKeys, Validate);
}

}  // namespace mediagate
