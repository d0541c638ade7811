// TokenGenerator: Django PasswordResetTokenGenerator, byte for byte.
//
// A token is base36(ts) + "-" + every other hex digit of
// HMAC(H(key_salt + secret), hash_value), where ts counts seconds from
// 2001-01-01 in the configured zone's wall clock and hash_value comes from the
// configured template. Check() accepts exactly what Django 4.2/5.x accepts
// (secret, then each fallback) and, with accept_legacy, what Django 3.2 also
// accepted (sha1 hashes, day-count timestamps of fewer than 4 digits).
// Not thread-safe: it reuses MAC contexts. Use one per thread or process.
#ifndef MEDIAGATE_TOKEN_H_
#define MEDIAGATE_TOKEN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "mediagate/result.h"

namespace mediagate {

struct TokenConfig;

// User fields by name, as strings (Python str() of each value).
using FieldMap = std::map<std::string, std::string, std::less<>>;

enum class TokenVerdict {
  kValid,
  kMalformed,     // not "<base36 ts>-<20 or 32 lowercase hex>"
  kBadSignature,  // well formed, but no secret/algorithm produces it
  kExpired,       // genuine, but older than timeout_seconds
  kMissingField,  // the template names a field the caller did not supply
};

// "valid", "malformed", "bad_signature", "expired" or "missing_field".
const char* TokenVerdictName(TokenVerdict verdict);

class TokenGenerator {
 public:
  // Builds a generator from a config whose secrets are loaded. The errors of
  // CheckConfig(), or InvalidArgument for an empty secret.
  static Result<TokenGenerator> Create(const TokenConfig& config);

  // Checks everything in `config` but the secrets: the hash_value template
  // (and that it names a user field), time_zone, timeout_seconds and
  // algorithm. InvalidArgument/NotFound naming the key, e.g. "token.time_zone: ...".
  static Status CheckConfig(const TokenConfig& config);

  TokenGenerator(TokenGenerator&&) noexcept;
  TokenGenerator& operator=(TokenGenerator&&) noexcept;
  ~TokenGenerator();

  // The token Django's make_token() returns at `unix_now` for a user with
  // `fields`, using the primary secret. InvalidArgument if a field is missing.
  Result<std::string> Make(const FieldMap& fields, int64_t unix_now) const;

  // Django's check_token() for `token` at `unix_now`, with the reason.
  TokenVerdict Check(const FieldMap& fields, std::string_view token, int64_t unix_now) const;

  // Field names the template needs (excluding "ts").
  const std::vector<std::string>& field_names() const;

 private:
  struct Impl;
  explicit TokenGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_TOKEN_H_
