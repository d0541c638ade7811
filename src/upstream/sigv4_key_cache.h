// SigV4 signing keys, derived once per UTC day for one region.
//
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), "s3"),
// "aws4_request"). Not thread-safe (caches the current day's key).
#ifndef MEDIAGATE_SIGV4_KEY_CACHE_H_
#define MEDIAGATE_SIGV4_KEY_CACHE_H_

#include <optional>
#include <string>

#include "base/crypto.h"

namespace mediagate {

class SigV4KeyCache {
 public:
  SigV4KeyCache(std::string secret_access_key, std::string region);
  ~SigV4KeyCache();
  SigV4KeyCache(SigV4KeyCache&&) noexcept = default;
  SigV4KeyCache& operator=(SigV4KeyCache&&) noexcept = default;

  // The signing key for `day` ("YYYYMMDD"), or nullptr if OpenSSL failed.
  // The pointer stays valid until the next call with another day.
  const HmacKey* KeyFor(const std::string& day);

  // How many keys have been derived (for tests of the caching).
  int derivations() const { return derivations_; }

 private:
  std::string aws4_secret_;  // "AWS4" + secret access key
  std::string region_;
  std::string day_;
  std::optional<HmacKey> key_;
  int derivations_ = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_SIGV4_KEY_CACHE_H_
