// FormatHttpDate / ParseHttpDate with gmtime_r, strptime and timegm.
#include "feed/http_date.h"

#include <time.h>

namespace mediagate {

std::string FormatHttpDate(int64_t t) {
  // Times from the database may be +/-infinity (saturated int64): clamp to
  // what an HTTP date can say, 1970 to the end of year 9999.
  constexpr int64_t kLast = 253402300799;  // 9999-12-31T23:59:59Z
  const time_t tt = static_cast<time_t>(t < 0 ? 0 : t > kLast ? kLast : t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[64];
  const size_t n = strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  if (text.size() != 29) return std::nullopt;
  const std::string s(text);
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace mediagate
