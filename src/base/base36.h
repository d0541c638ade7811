// Django's base36 timestamps (django.utils.http int_to_base36/base36_to_int).
//
// Pure functions; thread-safe.
#ifndef MEDIAGATE_BASE36_H_
#define MEDIAGATE_BASE36_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mediagate {

// The most digits Django's base36_to_int() reads: a token timestamp is 1 to
// this many characters of [0-9a-z].
constexpr size_t kMaxBase36Digits = 13;

// Lowercase base36 of `value` with no leading zeros ("0" for 0).
// REQUIRES: value >= 0.
std::string IntToBase36(int64_t value);

// The value of a canonical base36 string: 1 to 13 characters of [0-9a-z], no
// leading zero unless the string is "0", and at most INT64_MAX. Anything else
// (uppercase, signs, spaces, overflow) gives nullopt. Django compares the
// re-encoded timestamp, so it accepts exactly these strings too.
std::optional<int64_t> CanonicalBase36ToInt(std::string_view text);

}  // namespace mediagate

#endif  // MEDIAGATE_BASE36_H_
