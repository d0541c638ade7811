// Base36 conversion for token timestamps.
#include "base/base36.h"

#include <algorithm>
#include <limits>

namespace mediagate {
namespace {

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string IntToBase36(int64_t value) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (value <= 0) return "0";
  std::string out;
  auto v = static_cast<uint64_t>(value);
  while (v > 0) {
    out.push_back(kDigits[v % 36]);
    v /= 36;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<int64_t> CanonicalBase36ToInt(std::string_view text) {
  if (text.empty() || text.size() > kMaxBase36Digits) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  uint64_t value = 0;
  for (char c : text) {
    const int d = DigitValue(c);
    if (d < 0) return std::nullopt;
    if (value > (kMax - static_cast<uint64_t>(d)) / 36) return std::nullopt;
    value = value * 36 + static_cast<uint64_t>(d);
  }
  return static_cast<int64_t>(value);
}

}  // namespace mediagate
