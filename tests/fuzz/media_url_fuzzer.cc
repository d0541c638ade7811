// libFuzzer target: ParseMediaUri must never crash, and what it accepts must
// satisfy the documented grammar: no "..", '%', '/' or control byte in a
// segment used for a lookup (email, file id, token), and a file name that is
// UTF-8 without control characters or '/' and is not "..".
#include <utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/base64url.h"
#include "mediagate/media_url.h"

namespace {

bool Clean(std::string_view s) {
  return s.find("..") == std::string_view::npos && std::none_of(s.begin(), s.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return c == '%' || c == '/' || u < 0x20 || u == 0x7f;
         });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view uri(reinterpret_cast<const char*>(data), size);
  const mediagate::UrlParseResult r = mediagate::ParseMediaUri(uri, "/premium_media", 2048);
  if (r.ok()) {
    const auto& req = r.request;
    // Invariants of an accepted URI.
    if (req.email.empty() || req.email.size() > 254) abort();
    if (mediagate::Base64UrlEncode(req.email) != req.email_b64) abort();
    if (req.file_id.empty() || req.file_id.size() > 64) abort();
    if (!Clean(req.email_b64) || !Clean(req.file_id) || !Clean(req.token)) abort();
    const std::string_view path = uri.substr(0, uri.find('?'));
    const std::string_view head = path.substr(0, path.rfind('/') + 1);
    if (head.find('%') != std::string_view::npos) abort();
    if (head.find("..") != std::string_view::npos) abort();
    const std::string& name = req.file_name;
    if (name == ".." || name.find('/') != std::string::npos) abort();
    if (!utf8::is_valid(name.begin(), name.end())) abort();
    for (auto it = name.begin(); it != name.end();) {
      const uint32_t cp = utf8::next(it, name.end());
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) abort();
    }
    if (utf8::distance(name.begin(), name.end()) > 256) abort();
  }
  return 0;
}
