// FormatHttpDate / ParseHttpDate with gmtime_r, strptime and timegm.
#include "feed/http_date.h"

#include <time.h>

namespace mediagate {

std::string FormatHttpDate(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
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
