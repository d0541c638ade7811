// Strict base64url (RFC 4648 section 5) without padding, via OpenSSL.
//
// Pure functions; thread-safe.
#ifndef MEDIAGATE_BASE64URL_H_
#define MEDIAGATE_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace mediagate {

// Unpadded base64url of `bytes`, as Django's urlsafe_base64_encode().
std::string Base64UrlEncode(std::string_view bytes);

// Decodes unpadded base64url. nullopt for padding, characters outside
// [A-Za-z0-9_-], an impossible length, or non-zero unused bits (so each
// input has exactly one accepted spelling).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace mediagate

#endif  // MEDIAGATE_BASE64URL_H_
