// [entitlement]: which subscription statuses may download.
#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<EntitlementConfig>> kKeys = {
    StringListKey("allowed_statuses", &EntitlementConfig::allowed_statuses,
                  "Subscription statuses that grant access"),
    StringListKey("grace_statuses", &EntitlementConfig::grace_statuses,
                  "Statuses that keep access until paid_until + grace_seconds"),
    BoolKey("use_paid_until", &EntitlementConfig::use_paid_until,
            "Honour the user row's paid_until column for grace statuses"),
    IntKey("grace_seconds", &EntitlementConfig::grace_seconds, 0, 366 * 86400,
           "Extra seconds after paid_until"),
};

Status NonEmptyStrings(const ConfigSection& sec, const char* key,
                       const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    if (v.empty()) return sec.Error(key, "must not contain empty strings");
  }
  return Status::Ok();
}

Status Validate(const SectionContext&, const ConfigSection& sec, EntitlementConfig* out) {
  if (out->allowed_statuses.empty()) {
    return sec.Error("allowed_statuses", "must name at least one status");
  }
  Status s = NonEmptyStrings(sec, "allowed_statuses", out->allowed_statuses);
  if (!s.ok()) return s;
  return NonEmptyStrings(sec, "grace_statuses", out->grace_statuses);
}

}  // namespace

SectionDef EntitlementSection() {
  return MakeSection("entitlement", &Config::entitlement, kKeys, Validate);
}

}  // namespace mediagate
