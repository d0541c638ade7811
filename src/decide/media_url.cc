// ParseMediaUri: the strict premium-URL grammar.
#include "mediagate/media_url.h"

#include <utf8.h>

#include <algorithm>
#include <vector>

#include "base/base64url.h"
#include "token/token_shape.h"

namespace mediagate {
namespace {

constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxFileIdBytes = 64;
constexpr size_t kMaxFileNameBytes = 255;

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}
bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool ValidFileId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxFileIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsWordChar(c) || c == '-'; });
}

bool ValidFileName(std::string_view s) {
  return !s.empty() && s.size() <= kMaxFileNameBytes &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return IsWordChar(c) || c == '-' || c == '.'; });
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
  }
  return "unknown";
}

UrlParseResult ParseMediaUri(std::string_view uri, std::string_view prefix,
                             size_t max_bytes) {
  if (uri.size() > max_bytes) return Reject(UrlReject::kTooLong);
  if (std::any_of(uri.begin(), uri.end(), IsControl)) {
    return Reject(UrlReject::kControlChar);
  }
  const std::string_view path = uri.substr(0, uri.find('?'));
  if (path.find('%') != std::string_view::npos) {
    return Reject(UrlReject::kPercentEncoded);
  }
  if (path.find("..") != std::string_view::npos) return Reject(UrlReject::kDotSegment);
  if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix ||
      path[prefix.size()] != '/') {
    return Reject(UrlReject::kWrongPrefix);
  }

  std::vector<std::string_view> segments;
  std::string_view rest = path.substr(prefix.size() + 1);
  while (true) {
    const size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (segments.size() != 4 ||
      std::any_of(segments.begin(), segments.end(),
                  [](std::string_view s) { return s.empty(); })) {
    return Reject(UrlReject::kWrongShape);
  }

  std::optional<std::string> email = Base64UrlDecode(segments[0]);
  if (!email) return Reject(UrlReject::kBadEmailEncoding);
  if (!ValidEmail(*email)) return Reject(UrlReject::kBadEmail);
  if (!ValidFileId(segments[1])) return Reject(UrlReject::kBadFileId);
  if (!HasTokenShape(segments[2])) return Reject(UrlReject::kBadTokenShape);
  if (!ValidFileName(segments[3])) return Reject(UrlReject::kBadFileName);

  UrlParseResult result;
  result.request.email = std::move(*email);
  result.request.email_b64 = std::string(segments[0]);
  result.request.file_id = std::string(segments[1]);
  result.request.token = std::string(segments[2]);
  result.request.file_name = std::string(segments[3]);
  return result;
}

}  // namespace mediagate
