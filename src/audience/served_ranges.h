// ServedRanges: the byte ranges of one file served to one listener, as a
// union of half-open intervals; and where a response's bytes began.
//
// Plain value; not thread-safe.
#ifndef MEDIAGATE_AUDIENCE_SERVED_RANGES_H_
#define MEDIAGATE_AUDIENCE_SERVED_RANGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mediagate {

class ServedRanges {
 public:
  // Adds [begin, end). Empty or inverted intervals are ignored.
  void Add(int64_t begin, int64_t end);
  // Bytes in the union.
  int64_t Total() const;
  // "a-b,c-d" (end exclusive), "" when empty; Decode(Encode()) gives the same set.
  std::string Encode() const;
  // The set of Encode's text; nullopt when malformed.
  static std::optional<ServedRanges> Decode(std::string_view text);

 private:
  std::vector<std::pair<int64_t, int64_t>> spans_;  // sorted, disjoint, non-adjacent
};

// Offset of the first body byte of a response: 0 for a 200 (the whole file);
// for a 206, the start of a single "bytes=A-[B]" range, or length - N for a
// suffix "bytes=-N" (clamped at 0; needs length > 0). nullopt when unknown:
// several ranges, a malformed header, a suffix range of an unknown length.
std::optional<int64_t> FirstServedByte(int status, std::string_view range, int64_t length);

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_SERVED_RANGES_H_
