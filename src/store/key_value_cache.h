// KeyValueCache: a cache of opaque values with per-entry expiry.
//
// The Redis adapter (store/redis_cache.h) implements it; unit tests use a
// fake. Used by one worker thread at a time; need not be thread-safe.
#ifndef MEDIAGATE_STORE_KEY_VALUE_CACHE_H_
#define MEDIAGATE_STORE_KEY_VALUE_CACHE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mediagate/status.h"

namespace mediagate {

class KeyValueCache {
 public:
  enum class GetState { kHit, kMiss, kError };
  virtual ~KeyValueCache() = default;
  // kHit with *value set, kMiss, or kError when the cache cannot answer.
  virtual GetState Get(const std::string& key, std::string* value) = 0;
  // Stores `value` for `ttl_seconds`; false when the cache cannot store. An
  // implementation may hold the write back until the next call or Flush().
  virtual bool Set(const std::string& key, const std::string& value, int64_t ttl_seconds) = 0;
  // Sends writes that Set() held back.
  virtual void Flush() {}
  // Removes `keys`; the number removed, or Unavailable.
  virtual Status Delete(const std::vector<std::string>& keys, int64_t* removed) = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_KEY_VALUE_CACHE_H_
