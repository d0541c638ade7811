// DjangoClock: wall-clock arithmetic with cctz.
#include "token/django_clock.h"

#include <cctz/civil_time.h>

#include <chrono>

namespace mediagate {
namespace {

cctz::civil_second WallTime(const cctz::time_zone& zone, int64_t unix_seconds) {
  const auto instant =
      std::chrono::time_point_cast<cctz::seconds>(std::chrono::system_clock::from_time_t(0)) +
      cctz::seconds(unix_seconds);
  return cctz::convert(instant, zone);
}

}  // namespace

Result<DjangoClock> DjangoClock::Create(const std::string& name) {
  cctz::time_zone zone;
  if (name.empty() || !cctz::load_time_zone(name, &zone)) {
    return Status::NotFound("unknown time zone \"" + name +
                            "\" (is the tzdata package installed?)");
  }
  return DjangoClock(zone);
}

int64_t DjangoClock::SecondsSince2001(int64_t unix_seconds) const {
  static const cctz::civil_second kEpoch2001(2001, 1, 1, 0, 0, 0);
  return WallTime(zone_, unix_seconds) - kEpoch2001;
}

int64_t DjangoClock::SecondsSinceMidnight(int64_t unix_seconds) const {
  const cctz::civil_second wall = WallTime(zone_, unix_seconds);
  return wall - cctz::civil_second(cctz::civil_day(wall));
}

}  // namespace mediagate
