// The records a decision needs: a subscriber and a media file, and the
// outcome of looking one up. Plain values; thread-compatible.
#ifndef MEDIAGATE_RECORDS_H_
#define MEDIAGATE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "mediagate/token.h"

namespace mediagate {

struct UserRecord {
  // The columns the token template (token.hash_value) names, and only those,
  // by name, as Python's str() would print them (SQL NULL becomes "None").
  // Other columns of the user row are not read into it.
  FieldMap fields;
  // Subscription status ("active", "past_due", ...).
  std::string status;
  // End of the paid period in UNIX seconds, when known.
  std::optional<int64_t> paid_until;
  // Suspended for sharing links (the user_query's optional boolean column
  // "suspended"; absent or NULL: false). Every decision is then `shared`.
  bool suspended = false;
};

struct FileRecord {
  std::string object_key;  // key in the bucket, or path under the media dir
  std::string version;     // changes whenever the object's bytes change
  // From then on (UNIX seconds) anyone may fetch it through the public
  // media prefix: a public episode's file. nullopt: premium links only.
  std::optional<int64_t> public_at = std::nullopt;
};

enum class LookupState {
  kFound,        // the record exists
  kMissing,      // the source of truth says it does not exist
  kUnavailable,  // nobody could answer (backend down, timeout, bad query)
};

template <typename T>
struct Lookup {
  LookupState state = LookupState::kUnavailable;
  T record;           // meaningful only when found
  std::string error;  // why, when unavailable

  static Lookup Found(T r) { return Lookup{LookupState::kFound, std::move(r), {}}; }
  static Lookup Missing() { return Lookup{LookupState::kMissing, T{}, {}}; }
  static Lookup Unavailable(std::string why) {
    return Lookup{LookupState::kUnavailable, T{}, std::move(why)};
  }
};

}  // namespace mediagate

#endif  // MEDIAGATE_RECORDS_H_
