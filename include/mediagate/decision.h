// Decision: every outcome a client can see, by name.
//
// Allow is a 200 carrying the upstream, cache key and user headers; every
// other reason is a 403 with X-Mediagate-Reason, which nginx maps to the
// client's status (not_found -> 404, unavailable -> 503, else 403).
#ifndef MEDIAGATE_DECISION_H_
#define MEDIAGATE_DECISION_H_

#include <string>

namespace mediagate {

enum class Reason {
  kAllow = 0,
  kBadRequest,   // the URI does not have the premium-link shape
  kBadToken,     // the token does not verify for this user (or expired)
  kUnknownUser,  // no such subscriber
  kInactive,     // the subscriber is not entitled (cancelled, unpaid, ...)
  kNotFound,     // no such file
  kMethod,       // not GET or HEAD
  kUnavailable,  // a backend could not answer; retry later
  kShared,       // the subscriber is suspended for sharing links ([sharing])
};
constexpr int kReasonCount = 9;

// "allow", "bad_request", "bad_token", "unknown_user", "inactive",
// "not_found", "method", "unavailable" or "shared".
const char* ReasonName(Reason reason);

struct Decision {
  Reason reason = Reason::kUnavailable;
  std::string upstream;   // allow: presigned URL or internal path
  std::string cache_key;  // allow: stable identity of object + version
  std::string user_ref;   // opaque, non-reversible user reference ("" if none)
  std::string file_id;    // as parsed, for logs ("" if unparsed)
  std::string detail;     // internal reason for logs, never sent to clients
};

}  // namespace mediagate

#endif  // MEDIAGATE_DECISION_H_
