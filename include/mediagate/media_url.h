// MediaUrl: strict parsing of premium media request URIs.
//
//   <prefix>/<base64url(email)>/<file id>/<token>/<file name>[?query]
//
// The email, file id and token find the user, the object and the credential,
// so they keep a strict ASCII grammar with no percent-escapes. The file name
// is cosmetic (never used for a lookup): it is percent-decoded and may be any
// UTF-8 of at most 256 characters without control characters or '/', empty
// included; only the name ".." is refused. That is every name Django's
// `[\w.]{0,256}` accepts, and more. The query is ignored. Every rejection
// has a name, so callers and tests can tell why. Pure functions; thread-safe.
#ifndef MEDIAGATE_MEDIA_URL_H_
#define MEDIAGATE_MEDIA_URL_H_

#include <string>
#include <string_view>

namespace mediagate {

enum class UrlReject {
  kNone = 0,
  kTooLong,              // longer than the configured cap
  kControlChar,          // NUL, CR, LF or another control character, raw or
                         // (in the file name) percent-encoded, C1 included
  kPercentEncoded,       // a '%' before the file name: separators and dots may
                         // not hide in escapes in the segments used for lookups
  kDotSegment,           // ".." before the file name, or a file name that
                         // decodes to ".."
  kWrongPrefix,          // does not start with "<prefix>/"
  kWrongShape,           // not exactly four segments after the prefix, or an
                         // empty email, file id or token
  kBadEmailEncoding,     // not unpadded, canonical base64url
  kBadEmail,             // decoded email empty, over 254 bytes, not UTF-8, or
                         // holding control characters
  kBadFileId,            // not [-A-Za-z0-9_]{1,64}
  kBadTokenShape,        // not <1-13 of [0-9a-z]>-<20 or 32 of [0-9a-f]>
  kBadFileName,          // file name over 256 characters (code points)
  kEncodedSlash,         // file name holding %2F
  kBadFileNameEncoding,  // file name with a '%' not followed by two hex
                         // digits, or decoding to invalid UTF-8 (overlong,
                         // surrogate, truncated, above U+10FFFF)
};

// Snake-case name of the reason, e.g. "bad_file_id"; "none" for kNone.
const char* UrlRejectName(UrlReject reject);

struct MediaRequest {
  std::string email;      // decoded lookup key
  std::string email_b64;  // as it appeared in the URI
  std::string file_id;
  std::string token;
  std::string file_name;  // percent-decoded UTF-8, possibly empty; cosmetic
};

struct UrlParseResult {
  UrlReject reject = UrlReject::kNone;
  MediaRequest request;  // meaningful only when ok()
  bool ok() const { return reject == UrlReject::kNone; }
};

// Parses `uri` (REQUEST_URI: path plus optional query). `prefix` starts with
// '/' and has no trailing '/'. `max_bytes` caps the whole URI.
UrlParseResult ParseMediaUri(std::string_view uri, std::string_view prefix, size_t max_bytes);

// A public episode's link, <prefix>/<file id>/<file name>, by the same rules:
// only file_id and file_name are set.
UrlParseResult ParsePublicMediaUri(std::string_view uri, std::string_view prefix,
                                   size_t max_bytes);

// The grammar's rules for one segment, for other URIs that carry them
// (feeds): a decoded email (1..254 bytes of UTF-8, no control characters)
// and a file id ([-A-Za-z0-9_]{1,64}).
bool IsLinkEmail(std::string_view email);
bool IsLinkFileId(std::string_view file_id);

}  // namespace mediagate

#endif  // MEDIAGATE_MEDIA_URL_H_
