// Thin adapter over OpenSSL 3 digests and HMAC, plus constant-time compare.
//
// Every OpenSSL failure is converted here and nowhere else. HmacKey keeps a
// reusable MAC context, so one instance must not be used from two threads at
// once; mediagate workers are single-threaded processes, each with its own.
#ifndef MEDIAGATE_CRYPTO_H_
#define MEDIAGATE_CRYPTO_H_

#include <memory>
#include <string>
#include <string_view>

#include "mediagate/result.h"

namespace mediagate {

enum class HashAlgorithm { kSha1, kSha256 };

// "sha1" or "sha256".
const char* HashAlgorithmName(HashAlgorithm algorithm);

// Raw digest bytes of `data`; an InternalError only if OpenSSL fails.
Result<std::string> Digest(HashAlgorithm algorithm, std::string_view data);

// For tests: while an instance lives, Digest() fails as it would if OpenSSL
// could not compute a digest. Not thread-safe; do not nest.
class ScopedDigestFailureForTesting {
 public:
  ScopedDigestFailureForTesting();
  ~ScopedDigestFailureForTesting();
  ScopedDigestFailureForTesting(const ScopedDigestFailureForTesting&) = delete;
  ScopedDigestFailureForTesting& operator=(const ScopedDigestFailureForTesting&) = delete;
};

// Lowercase hexadecimal of `bytes` (two characters per byte).
std::string HexEncode(std::string_view bytes);

// True when a and b hold the same bytes. The time taken depends only on the
// lengths, never on where the contents differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Wipes `s` in place (OPENSSL_cleanse) and clears it.
void Cleanse(std::string* s);

// An HMAC key bound to one hash algorithm, ready to sign many messages.
class HmacKey {
 public:
  // Returns the key, or an Internal status if OpenSSL cannot set it up.
  static Result<HmacKey> Create(HashAlgorithm algorithm, std::string_view key);

  HmacKey(HmacKey&&) noexcept;
  HmacKey& operator=(HmacKey&&) noexcept;
  ~HmacKey();

  // Writes the raw MAC of `data` to *mac. Returns false only if OpenSSL fails,
  // in which case *mac is cleared.
  bool Sign(std::string_view data, std::string* mac) const;

 private:
  struct Impl;
  explicit HmacKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_CRYPTO_H_
