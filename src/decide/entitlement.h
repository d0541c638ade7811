// Entitlement: whether a subscriber's status grants access now.
//
// Pure function; thread-safe.
#ifndef MEDIAGATE_ENTITLEMENT_H_
#define MEDIAGATE_ENTITLEMENT_H_

#include <cstdint>

#include "mediagate/config.h"
#include "mediagate/records.h"

namespace mediagate {

// True when user.status is an allowed status, or (with use_paid_until) a
// grace status whose paid_until + grace_seconds is still in the future.
bool IsEntitled(const EntitlementConfig& config, const UserRecord& user, int64_t unix_now);

}  // namespace mediagate

#endif  // MEDIAGATE_ENTITLEMENT_H_
