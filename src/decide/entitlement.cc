// IsEntitled.
#include "decide/entitlement.h"

#include <algorithm>

namespace mediagate {

bool IsEntitled(const EntitlementConfig& config, const UserRecord& user, int64_t unix_now) {
  auto in = [&](const std::vector<std::string>& set) {
    return std::find(set.begin(), set.end(), user.status) != set.end();
  };
  if (in(config.allowed_statuses)) return true;
  return config.use_paid_until && in(config.grace_statuses) && user.paid_until.has_value() &&
         unix_now - config.grace_seconds < *user.paid_until;  // no overflow at +/-infinity
}

}  // namespace mediagate
