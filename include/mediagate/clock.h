// Clock: wall-clock time behind an interface, so that unit tests can fix it.
// SystemClock is stateless and thread-safe.
#ifndef MEDIAGATE_CLOCK_H_
#define MEDIAGATE_CLOCK_H_

#include <cstdint>

namespace mediagate {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the UNIX epoch.
  virtual int64_t NowUnix() = 0;
};

// The real clock (time(2)).
class SystemClock : public Clock {
 public:
  int64_t NowUnix() override;
};

}  // namespace mediagate

#endif  // MEDIAGATE_CLOCK_H_
