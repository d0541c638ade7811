// LogRateLimiter: lets one log line per key through per interval.
//
// Backend failures repeat on every request while a dependency is down; this
// turns them into one line per interval with a count of what was held back.
// Not thread-safe (one per worker).
#ifndef MEDIAGATE_RATE_LIMITER_H_
#define MEDIAGATE_RATE_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace mediagate {

class LogRateLimiter {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit LogRateLimiter(std::chrono::seconds interval,
                          Now now = std::chrono::steady_clock::now)
      : interval_(interval), now_(std::move(now)) {}

  // True when a line for `key` may be logged now; then *suppressed is the
  // number of lines held back since the last one.
  bool Allow(const std::string& key, uint64_t* suppressed);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point last;
    uint64_t suppressed = 0;
  };
  std::chrono::seconds interval_;
  Now now_;
  std::map<std::string, Entry> entries_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_RATE_LIMITER_H_
