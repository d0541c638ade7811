// ParseMediaUri: the premium-URL grammar. Strict ASCII for the segments that
// are looked up; the cosmetic file name is percent-decoded and checked only
// for what could hurt a log line or a path (see media_url.h).
#include "mediagate/media_url.h"

#include <utf8.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/base64url.h"
#include "token/token_shape.h"

namespace mediagate {
namespace {

constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxFileIdBytes = 64;
// Django's seed pattern `[\w.]{0,256}` counts characters (code points).
constexpr size_t kMaxFileNameChars = 256;

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool ValidFileId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxFileIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsWordChar(c) || c == '-'; });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `raw` (either hex case) into *name; false on a '%' that is
// not followed by two hex digits.
bool PercentDecode(std::string_view raw, std::string* name) {
  name->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      name->push_back(raw[i]);
      continue;
    }
    const int hi = i + 2 < raw.size() ? HexValue(raw[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(raw[i + 2]) : -1;
    if (lo < 0) return false;
    name->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// Decodes the file-name segment into *name: kNone, or why it is refused.
UrlReject DecodeFileName(std::string_view raw, std::string* name) {
  if (!PercentDecode(raw, name)) return UrlReject::kBadFileNameEncoding;
  if (std::any_of(name->begin(), name->end(), IsControl)) {
    return UrlReject::kControlChar;
  }
  if (name->find('/') != std::string::npos) return UrlReject::kEncodedSlash;
  if (!utf8::is_valid(name->begin(), name->end())) {
    return UrlReject::kBadFileNameEncoding;
  }
  size_t chars = 0;
  for (auto it = name->begin(); it != name->end(); ++chars) {
    const uint32_t cp = utf8::unchecked::next(it);
    if (cp >= 0x80 && cp <= 0x9f) return UrlReject::kControlChar;  // C1
  }
  if (*name == "..") return UrlReject::kDotSegment;
  if (chars > kMaxFileNameChars) return UrlReject::kBadFileName;
  return UrlReject::kNone;
}

bool ValidEmail(const std::string& email) {
  return !email.empty() && email.size() <= kMaxEmailBytes &&
         std::none_of(email.begin(), email.end(), IsControl) &&
         utf8::is_valid(email.begin(), email.end());
}

UrlParseResult Reject(UrlReject reason) {
  UrlParseResult r;
  r.reject = reason;
  return r;
}

}  // namespace

bool IsLinkEmail(std::string_view email) { return ValidEmail(std::string(email)); }
bool IsLinkFileId(std::string_view file_id) { return ValidFileId(file_id); }

const char* UrlRejectName(UrlReject reject) {
  switch (reject) {
    case UrlReject::kNone: return "none";
    case UrlReject::kTooLong: return "too_long";
    case UrlReject::kControlChar: return "control_char";
    case UrlReject::kPercentEncoded: return "percent_encoded";
    case UrlReject::kDotSegment: return "dot_segment";
    case UrlReject::kWrongPrefix: return "wrong_prefix";
    case UrlReject::kWrongShape: return "wrong_shape";
    case UrlReject::kBadEmailEncoding: return "bad_email_encoding";
    case UrlReject::kBadEmail: return "bad_email";
    case UrlReject::kBadFileId: return "bad_file_id";
    case UrlReject::kBadTokenShape: return "bad_token_shape";
    case UrlReject::kBadFileName: return "bad_file_name";
    case UrlReject::kEncodedSlash: return "encoded_slash";
    case UrlReject::kBadFileNameEncoding: return "bad_file_name_encoding";
  }
  return "unknown";
}

namespace {

// The rules both link shapes share: length, control characters, no '%' or
// ".." before the file name, the prefix, exactly `count` segments of which
// all but the last (the file name, decoded by the caller) are non-empty.
UrlReject SplitLink(std::string_view uri, std::string_view prefix, size_t max_bytes,
                    size_t count, std::vector<std::string_view>* segments) {
  if (uri.size() > max_bytes) return UrlReject::kTooLong;
  if (std::any_of(uri.begin(), uri.end(), IsControl)) return UrlReject::kControlChar;
  const std::string_view path = uri.substr(0, uri.find('?'));
  // Everything up to the last '/' is looked up; after it is the file name.
  const std::string_view head = path.substr(0, path.rfind('/') + 1);
  if (head.find('%') != std::string_view::npos) return UrlReject::kPercentEncoded;
  if (head.find("..") != std::string_view::npos) return UrlReject::kDotSegment;
  if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix ||
      path[prefix.size()] != '/') {
    return UrlReject::kWrongPrefix;
  }
  std::string_view rest = path.substr(prefix.size() + 1);
  while (true) {
    const size_t slash = rest.find('/');
    segments->push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (segments->size() != count || std::any_of(segments->begin(), segments->end() - 1,
                                               [](std::string_view s) { return s.empty(); })) {
    return UrlReject::kWrongShape;
  }
  return UrlReject::kNone;
}

}  // namespace

UrlParseResult ParseMediaUri(std::string_view uri, std::string_view prefix, size_t max_bytes) {
  std::vector<std::string_view> segments;
  const UrlReject shape = SplitLink(uri, prefix, max_bytes, 4, &segments);
  if (shape != UrlReject::kNone) return Reject(shape);
  std::optional<std::string> email = Base64UrlDecode(segments[0]);
  if (!email) return Reject(UrlReject::kBadEmailEncoding);
  if (!ValidEmail(*email)) return Reject(UrlReject::kBadEmail);
  if (!ValidFileId(segments[1])) return Reject(UrlReject::kBadFileId);
  if (!HasTokenShape(segments[2])) return Reject(UrlReject::kBadTokenShape);
  UrlParseResult result;
  const UrlReject name = DecodeFileName(segments[3], &result.request.file_name);
  if (name != UrlReject::kNone) return Reject(name);
  result.request.email = std::move(*email);
  result.request.email_b64 = std::string(segments[0]);
  result.request.file_id = std::string(segments[1]);
  result.request.token = std::string(segments[2]);
  return result;
}

UrlParseResult ParsePublicMediaUri(std::string_view uri, std::string_view prefix,
                                   size_t max_bytes) {
  std::vector<std::string_view> segments;
  const UrlReject shape = SplitLink(uri, prefix, max_bytes, 2, &segments);
  if (shape != UrlReject::kNone) return Reject(shape);
  if (!ValidFileId(segments[0])) return Reject(UrlReject::kBadFileId);
  UrlParseResult result;
  const UrlReject name = DecodeFileName(segments[1], &result.request.file_name);
  if (name != UrlReject::kNone) return Reject(name);
  result.request.file_id = std::string(segments[0]);
  return result;
}

}  // namespace mediagate
