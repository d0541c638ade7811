// UnixSeconds: EXTRACT(EPOCH ...) text to int64, saturating at +/-infinity.
#include "store/unix_seconds.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace mediagate {

int64_t UnixSeconds(const pqxx::field& f, const char* column) {
  const std::string text = f.c_str();
  if (text == "Infinity") return std::numeric_limits<int64_t>::max();
  if (text == "-Infinity") return std::numeric_limits<int64_t>::min();
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || std::isnan(seconds)) {
    throw pqxx::conversion_error(std::string(column) +
                                 " is not UNIX seconds: " + text.substr(0, 40));
  }
  if (seconds >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (seconds <= -9.2e18) return std::numeric_limits<int64_t>::min();
  // Exact for integers (doubles lose nothing below 2^53 s, beyond year 285 million).
  return static_cast<int64_t>(std::floor(seconds));
}

std::optional<int64_t> OptionalUnixSeconds(const pqxx::field& f, const char* column) {
  if (f.is_null()) return std::nullopt;
  return UnixSeconds(f, column);
}

}  // namespace mediagate
