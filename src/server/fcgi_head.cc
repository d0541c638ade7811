// CheckFcgiHead: the FastCGI record layer, read-only, with every length checked.
#include "server/fcgi_head.h"

#include <cstdint>
#include <string>

namespace mediagate {
namespace {

constexpr size_t kHeaderLen = 8;
constexpr int kBeginRequest = 1;
constexpr int kParams = 4;
constexpr int kGetValues = 9;
constexpr int kMaxGetValues = 3;

FcgiHead Invalid(const char* problem) {
  FcgiHead head;
  head.state = FcgiHead::State::kInvalid;
  head.problem = problem;
  return head;
}

// Reads one FastCGI length (1 byte, or 4 with the high bit set) at `*pos`.
bool ReadLength(std::string_view s, size_t* pos, size_t* length) {
  if (*pos >= s.size()) return false;
  const auto b0 = static_cast<uint8_t>(s[*pos]);
  if ((b0 & 0x80) == 0) {
    *length = b0;
    *pos += 1;
    return true;
  }
  if (s.size() - *pos < 4) return false;
  *length = (static_cast<size_t>(b0 & 0x7f) << 24) |
            (static_cast<size_t>(static_cast<uint8_t>(s[*pos + 1])) << 16) |
            (static_cast<size_t>(static_cast<uint8_t>(s[*pos + 2])) << 8) |
            static_cast<uint8_t>(s[*pos + 3]);
  *pos += 4;
  return true;
}

// The number of name-value pairs in `s`; -1 unless `s` is whole pairs.
int CountPairs(std::string_view s) {
  size_t pos = 0;
  int pairs = 0;
  while (pos < s.size()) {
    size_t name = 0, value = 0;
    if (!ReadLength(s, &pos, &name) || !ReadLength(s, &pos, &value)) return -1;
    if (name > s.size() - pos || value > s.size() - pos - name) return -1;
    pos += name + value;
    ++pairs;
  }
  return pairs;
}

}  // namespace

FcgiHead CheckFcgiHead(std::string_view bytes) {
  if (bytes.size() > kMaxFcgiHead) bytes = bytes.substr(0, kMaxFcgiHead + 1);
  FcgiHead head;
  int request_id = -1;  // of the BEGIN_REQUEST, once seen
  std::string params;
  size_t pos = 0;
  while (bytes.size() - pos >= kHeaderLen) {
    const auto* h = reinterpret_cast<const uint8_t*>(bytes.data() + pos);
    if (h[0] != 1) return Invalid("record version is not 1");
    const int type = h[1];
    const int id = (h[2] << 8) | h[3];
    const size_t content_len = (static_cast<size_t>(h[4]) << 8) | h[5];
    const size_t record_len = kHeaderLen + content_len + h[6];
    if (pos + record_len > kMaxFcgiHead) return Invalid("request head too long");
    if (bytes.size() - pos < record_len) break;
    const std::string_view content = bytes.substr(pos + kHeaderLen, content_len);
    pos += record_len;
    if (type == kBeginRequest && request_id < 0) {
      if (id == 0 || content_len != 8) return Invalid("malformed BEGIN_REQUEST");
      request_id = id;
      head.begun = true;
      head.keep_conn = (static_cast<uint8_t>(content[2]) & 1) != 0;
    } else if (id == 0) {
      // libfcgi answers into a 64-byte buffer: room for its 3 names, once each.
      if (type == kGetValues) {
        const int pairs = CountPairs(content);
        if (pairs < 0 || pairs > kMaxGetValues) return Invalid("malformed GET_VALUES");
      }
    } else if (id == request_id && type != kBeginRequest) {
      if (type != kParams) return Invalid("request record before the params ended");
      if (content.empty()) {
        if (CountPairs(params) < 0) return Invalid("parameter lengths past the params stream");
        head.state = FcgiHead::State::kComplete;
        return head;
      }
      params.append(content.data(), content.size());
    }
    // Anything else libfcgi skips (other request ids, a second BEGIN_REQUEST).
  }
  if (bytes.size() > kMaxFcgiHead) return Invalid("request head too long");
  return head;
}

}  // namespace mediagate
