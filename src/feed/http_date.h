// HTTP dates (RFC 9110 IMF-fixdate), also the RSS pubDate format.
//
// Pure functions; thread-safe.
#ifndef MEDIAGATE_FEED_HTTP_DATE_H_
#define MEDIAGATE_FEED_HTTP_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mediagate {

// "Sun, 06 Nov 1994 08:49:37 GMT" for UNIX seconds `t` (UTC), clamped to
// 1970-01-01 .. 9999-12-31 (times may be saturated +/-infinity).
std::string FormatHttpDate(int64_t t);

// The UNIX seconds of an IMF-fixdate; nullopt for anything else (an
// unparseable If-Modified-Since is ignored, as RFC 9110 says).
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_HTTP_DATE_H_
