// ParseDownloadLine: one line of nginx's download log (log_format
// mediagate_download in nginx/mediagate-http.conf) into a DownloadEvent.
//
// The format is one JSON object a line (escape=json), version "v":1:
//   {"v":1,"t":1700000000.123,"ip":"203.0.113.9","ua":"...","m":"GET",
//    "s":206,"range":"bytes=0-","bytes":1048576,"file":"ep1","user":"u..."}
// Pure function; thread-safe.
#ifndef MEDIAGATE_AUDIENCE_DOWNLOAD_LINE_H_
#define MEDIAGATE_AUDIENCE_DOWNLOAD_LINE_H_

#include <string_view>

#include "audience/download_event.h"
#include "mediagate/result.h"

namespace mediagate {

// The event of `line` (without its newline). InvalidArgument naming the first
// problem for anything else: not JSON, not an object, another version, a
// missing or mistyped field, a client that is not an IP address, a file id
// outside [-A-Za-z0-9_]{1,64} (or empty), a status outside 100..599, negative
// bytes. Bytes that are not UTF-8 (nginx copies them raw) become U+FFFD first.
Result<DownloadEvent> ParseDownloadLine(std::string_view line);

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_DOWNLOAD_LINE_H_
