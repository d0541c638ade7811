// RecordSeal: authenticates and hides the records mediagate caches in Redis.
//
// Anyone who can write to Redis could otherwise let a cancelled subscriber
// in (a user record with status "active") or serve any object under another
// file id. Every value is sealed with AES-256-GCM under a key derived from
// the token secret (HMAC-SHA256 with a label of its own, so the key is used
// for nothing else), with the Redis key as associated data: a value written
// by anyone else, altered, or copied to another key does not open, and the
// cached token fields (e.g. a user's uuid) are not readable in Redis.
// Immutable after creation; thread-compatible.
#ifndef MEDIAGATE_RECORD_SEAL_H_
#define MEDIAGATE_RECORD_SEAL_H_

#include <optional>
#include <string>

#include "base/aead.h"
#include "mediagate/result.h"
#include "mediagate/secret.h"

namespace mediagate {

class RecordSeal {
 public:
  // The seal for `token_secret`; Internal if OpenSSL fails.
  static Result<RecordSeal> Create(const Secret& token_secret);

  // The sealed `value` for `redis_key`; nullopt if OpenSSL fails (do not cache).
  std::optional<std::string> Seal(const std::string& redis_key, const std::string& value) const;
  // The value sealed for `redis_key`, or nullopt if `sealed` is not authentic.
  std::optional<std::string> Open(const std::string& redis_key,
                                  const std::string& sealed) const;

 private:
  explicit RecordSeal(AeadKey key) : key_(std::move(key)) {}
  AeadKey key_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_RECORD_SEAL_H_
