// Django's token clock: seconds from 2001-01-01 00:00:00 in a zone's wall time.
//
// Django's PasswordResetTokenGenerator uses datetime.now(), which is naive
// local time in settings.TIME_ZONE; this class reproduces it for any instant.
// Immutable after Create(); thread-safe.
#ifndef MEDIAGATE_DJANGO_CLOCK_H_
#define MEDIAGATE_DJANGO_CLOCK_H_

#include <cctz/time_zone.h>

#include <cstdint>
#include <string>

#include "mediagate/result.h"

namespace mediagate {

class DjangoClock {
 public:
  // Loads the IANA zone `name` (e.g. "UTC", "Europe/Berlin") from the system
  // tz database. NotFound if the zone does not exist.
  static Result<DjangoClock> Create(const std::string& name);

  // Django's _num_seconds(now) for the UNIX instant `unix_seconds`.
  int64_t SecondsSince2001(int64_t unix_seconds) const;

  // Seconds since local midnight at `unix_seconds` (for day-count tokens).
  int64_t SecondsSinceMidnight(int64_t unix_seconds) const;

 private:
  explicit DjangoClock(cctz::time_zone zone) : zone_(zone) {}
  cctz::time_zone zone_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_DJANGO_CLOCK_H_
