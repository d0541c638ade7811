// LogRateLimiter.
#include "base/rate_limiter.h"

namespace mediagate {

bool LogRateLimiter::Allow(const std::string& key, uint64_t* suppressed) {
  const auto now = now_();
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    entries_[key] = Entry{now, 0};
    *suppressed = 0;
    return true;
  }
  if (now - it->second.last < interval_) {
    ++it->second.suppressed;
    return false;
  }
  *suppressed = it->second.suppressed;
  it->second = Entry{now, 0};
  return true;
}

}  // namespace mediagate
