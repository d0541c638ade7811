// The shape of a Django token, shared by the URL grammar and the checker.
//
// Pure functions; thread-safe.
#ifndef MEDIAGATE_TOKEN_TOKEN_SHAPE_H_
#define MEDIAGATE_TOKEN_TOKEN_SHAPE_H_

#include <string_view>

namespace mediagate {

// True when `token` is "<timestamp>-<hash>": a timestamp of 1 to
// kMaxBase36Digits characters of [0-9a-z] and a hash of 20 or 32 characters
// of [0-9a-f]. The timestamp need not be canonical base36 (the checker also
// rejects leading zeros and overflow; the URL grammar does not).
bool HasTokenShape(std::string_view token);

}  // namespace mediagate

#endif  // MEDIAGATE_TOKEN_TOKEN_SHAPE_H_
