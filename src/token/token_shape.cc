// HasTokenShape: the "<base36 ts>-<20 or 32 lowercase hex>" rule.
#include "token/token_shape.h"

#include <algorithm>

#include "base/base36.h"

namespace mediagate {
namespace {

bool IsLowerHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsBase36Digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }

bool IsLowerHex(std::string_view s) { return std::all_of(s.begin(), s.end(), IsLowerHexDigit); }

}  // namespace

bool HasTokenShape(std::string_view token) {
  const size_t dash = token.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > kMaxBase36Digits) return false;
  const std::string_view ts = token.substr(0, dash);
  const std::string_view hash = token.substr(dash + 1);
  return std::all_of(ts.begin(), ts.end(), IsBase36Digit) &&
         (hash.size() == 20 || hash.size() == 32) && IsLowerHex(hash);
}

}  // namespace mediagate
