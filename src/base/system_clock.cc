// SystemClock: std::chrono::system_clock in whole seconds.
#include <chrono>

#include "mediagate/clock.h"

namespace mediagate {

int64_t SystemClock::NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mediagate
