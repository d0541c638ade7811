// ServedRanges: sorted disjoint spans, merged on insert.
#include "audience/served_ranges.h"

#include <algorithm>
#include <charconv>

namespace mediagate {
namespace {

// Parses all of `s` as a non-negative decimal int64.
std::optional<int64_t> ParseCount(std::string_view s) {
  int64_t v = 0;
  if (s.empty() || s.size() > 18) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

void ServedRanges::Add(int64_t begin, int64_t end) {
  if (begin < 0 || end <= begin) return;
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(spans_.size() + 1);
  bool placed = false;
  for (const auto& s : spans_) {
    if (s.second < begin) {
      out.push_back(s);
    } else if (end < s.first) {
      if (!placed) out.emplace_back(begin, end), placed = true;
      out.push_back(s);
    } else {
      begin = std::min(begin, s.first);
      end = std::max(end, s.second);
    }
  }
  if (!placed) out.emplace_back(begin, end);
  spans_ = std::move(out);
}

int64_t ServedRanges::Total() const {
  int64_t n = 0;
  for (const auto& s : spans_) n += s.second - s.first;
  return n;
}

std::string ServedRanges::Encode() const {
  std::string out;
  for (const auto& s : spans_) {
    if (!out.empty()) out += ',';
    out += std::to_string(s.first) + "-" + std::to_string(s.second);
  }
  return out;
}

std::optional<ServedRanges> ServedRanges::Decode(std::string_view text) {
  ServedRanges r;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view span = text.substr(0, comma);
    const size_t dash = span.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto a = ParseCount(span.substr(0, dash));
    auto b = ParseCount(span.substr(dash + 1));
    if (!a || !b || *b <= *a) return std::nullopt;
    r.Add(*a, *b);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;
  }
  return r;
}

std::optional<int64_t> FirstServedByte(int status, std::string_view range, int64_t length) {
  if (status == 200) return 0;
  constexpr std::string_view kPrefix = "bytes=";
  if (status != 206 || range.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  range.remove_prefix(kPrefix.size());
  if (range.find(',') != std::string_view::npos) return std::nullopt;
  const size_t dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  if (dash == 0) {
    auto n = ParseCount(range.substr(1));
    if (!n || length <= 0) return std::nullopt;
    return std::max<int64_t>(0, length - *n);
  }
  auto start = ParseCount(range.substr(0, dash));
  const std::string_view end = range.substr(dash + 1);
  if (!start || (!end.empty() && !ParseCount(end))) return std::nullopt;
  return start;
}

}  // namespace mediagate
