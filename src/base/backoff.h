// Backoff: when to try reconnecting to a dependency that failed.
//
// After a failure the next attempt waits initial, then 2x, 4x ... up to max;
// a success resets it. Used for reconnecting (requests arriving while waiting
// fail fast instead of each paying a connect timeout) and for restarting
// crashing workers. Not thread-safe.
#ifndef MEDIAGATE_BACKOFF_H_
#define MEDIAGATE_BACKOFF_H_

#include <algorithm>
#include <chrono>

namespace mediagate {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max), delay_(initial) {}

  // True when an attempt may be made at `now`.
  bool Ready(Clock::time_point now) const { return now >= next_; }
  // Records a failure at `now`; returns how long the next attempt must wait.
  std::chrono::milliseconds Failure(Clock::time_point now) {
    const std::chrono::milliseconds wait = delay_;
    next_ = now + wait;
    delay_ = std::min(max_, delay_ * 2);
    return wait;
  }
  // Records a success: the next attempt may be made at once, and the next
  // failure waits the initial delay again.
  void Success() {
    next_ = Clock::time_point();
    delay_ = initial_;
  }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds delay_;
  Clock::time_point next_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_BACKOFF_H_
