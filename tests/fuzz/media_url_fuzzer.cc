// libFuzzer target: ParseMediaUri must never crash, and what it accepts must
// satisfy the documented grammar.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/base64url.h"
#include "mediagate/media_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view uri(reinterpret_cast<const char*>(data), size);
  const mediagate::UrlParseResult r =
      mediagate::ParseMediaUri(uri, "/premium_media", 2048);
  if (r.ok()) {
    const auto& req = r.request;
    // Invariants of an accepted URI.
    if (req.email.empty() || req.email.size() > 254) abort();
    if (mediagate::Base64UrlEncode(req.email) != req.email_b64) abort();
    if (req.file_id.empty() || req.file_id.size() > 64) abort();
    if (req.file_name.find("..") != std::string::npos) abort();
    if (uri.substr(0, uri.find('?')).find('%') != std::string_view::npos) abort();
  }
  return 0;
}
