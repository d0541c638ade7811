// The interfaces between the pure decision logic and the outside world.
//
// PostgreSQL (Directory), Redis (KeyValueCache) and the clock each sit behind
// one of these; the adapters live in pg_directory.cc, redis_cache.cc and
// system_clock.cc, and unit tests use fakes. Implementations are used by one
// worker thread at a time and need not be thread-safe.
#ifndef MEDIAGATE_BACKENDS_H_
#define MEDIAGATE_BACKENDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mediagate/records.h"
#include "mediagate/status.h"

namespace mediagate {

// The source of truth for subscribers and files.
class Directory {
 public:
  virtual ~Directory() = default;
  // The user whose lookup key (the decoded email) is `key`.
  virtual Lookup<UserRecord> FindUser(const std::string& key) = 0;
  // The file with id `file_id`.
  virtual Lookup<FileRecord> FindFile(const std::string& file_id) = 0;
  // True when a query could be answered now.
  virtual bool Ping() = 0;
};

// A cache of opaque values with per-entry expiry.
class KeyValueCache {
 public:
  enum class GetState { kHit, kMiss, kError };
  virtual ~KeyValueCache() = default;
  // kHit with *value set, kMiss, or kError when the cache cannot answer.
  virtual GetState Get(const std::string& key, std::string* value) = 0;
  // Stores `value` for `ttl_seconds`; false when the cache cannot store.
  virtual bool Set(const std::string& key, const std::string& value,
                   int64_t ttl_seconds) = 0;
  // Removes `keys`; the number removed, or Unavailable.
  virtual Status Delete(const std::vector<std::string>& keys, int64_t* removed) = 0;
};

// Wall-clock time.
class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the UNIX epoch.
  virtual int64_t NowUnix() = 0;
};

// The real clock.
class SystemClock : public Clock {
 public:
  int64_t NowUnix() override;
};

}  // namespace mediagate

#endif  // MEDIAGATE_BACKENDS_H_
