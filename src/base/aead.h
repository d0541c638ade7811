// AeadKey: AES-256-GCM sealing with associated data (OpenSSL 3 EVP).
//
// Seal() returns nonce (12 random bytes) || ciphertext || tag (16 bytes);
// Open() returns the plaintext only when the tag verifies for the same
// associated data. Every OpenSSL failure is converted here. Each call uses
// its own cipher context, so one key may be shared; instances are immutable.
#ifndef MEDIAGATE_AEAD_H_
#define MEDIAGATE_AEAD_H_

#include <optional>
#include <string>
#include <string_view>

#include "mediagate/result.h"

namespace mediagate {

class AeadKey {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kOverhead = 12 + 16;  // nonce + tag

  // InvalidArgument unless `key` is kKeySize bytes.
  static Result<AeadKey> Create(std::string_view key);
  ~AeadKey();
  AeadKey(const AeadKey&) = default;
  AeadKey& operator=(const AeadKey&) = default;

  // The sealed `plaintext`, bound to `associated`; nullopt if OpenSSL fails.
  std::optional<std::string> Seal(std::string_view associated,
                                  std::string_view plaintext) const;
  // The plaintext of `sealed`; nullopt if it was not sealed by this key with
  // exactly `associated` (altered, truncated, moved, or another key).
  std::optional<std::string> Open(std::string_view associated, std::string_view sealed) const;

 private:
  explicit AeadKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AEAD_H_
