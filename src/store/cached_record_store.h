// CachedRecordStore: users and files from the Redis cache, else PostgreSQL.
//
// Degradation rules (each one is a unit test):
//  - every value is sealed for its key (store/record_seal.h); a value that
//    does not open counts as "unverified" and is treated as a miss;
//  - cache hit: answered from Redis; PostgreSQL is not asked (so cached
//    entries keep serving while PostgreSQL is down);
//  - cache miss: PostgreSQL answers, and the answer (found or not) is cached
//    with its TTL;
//  - cache error (Redis down or slow): PostgreSQL answers; nothing is cached;
//    the failure is logged at most once per interval;
//  - PostgreSQL unavailable on a miss: kUnavailable, never a guess;
//  - with an InvalidationBoard: an answer whose key changed while it was
//    being fetched is returned but not cached (the change listener has just
//    deleted that entry; writing the older answer back would undo it);
//  - writes are held back until the next lookup or Flush() (the worker
//    flushes before it waits for a request), so a busy worker's write goes
//    out with its next read in one round trip; the board is checked again
//    just before a held write is handed to the cache, and a write whose key
//    changed meanwhile is dropped.
// Not thread-safe (one per worker).
#ifndef MEDIAGATE_RECORD_SOURCE_H_
#define MEDIAGATE_RECORD_SOURCE_H_

#include <spdlog/common.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/rate_limiter.h"
#include "mediagate/config.h"
#include "mediagate/metrics.h"
#include "mediagate/record_store.h"
#include "store/invalidation_board.h"
#include "store/key_value_cache.h"
#include "store/record_seal.h"

namespace mediagate {

class CachedRecordStore : public RecordStore {
 public:
  // `cache` and `board` may be null (Redis disabled, no change listener).
  // The pointers must outlive this object.
  CachedRecordStore(const RedisConfig& config, RecordStore* origin, KeyValueCache* cache,
                    const RecordSeal* seal, Metrics* metrics, LogRateLimiter* limiter,
                    const InvalidationBoard* board = nullptr);

  Lookup<UserRecord> FindUser(const std::string& email) override;
  Lookup<FileRecord> FindFile(const std::string& file_id) override;
  // The origin's answer: the cache is not needed to decide.
  bool Ping() override { return origin_->Ping(); }

  // True while a write is held back; Flush() sends it.
  bool HasPending() const { return !pending_.empty(); }
  void Flush();

 private:
  // Logs "<message> (N similar messages suppressed)" unless `key` logged
  // within the limiter's interval.
  void LogLimited(spdlog::level::level_enum level, const char* key, const std::string& message);

  template <typename T>
  Lookup<T> Get(InvalidationBoard::Kind kind, const std::string& id, const std::string& key,
                int64_t ttl, Lookup<T> (*decode)(const std::string&),
                std::optional<std::string> (*encode)(const T*),
                const std::function<Lookup<T>()>& query);

  struct PendingWrite {
    InvalidationBoard::Kind kind;
    std::string id;
    InvalidationBoard::Stamp stamp;  // read before the fetch
    std::string key;
    std::string value;  // sealed
    int64_t ttl;
  };
  // Hands the held writes whose keys did not change to the cache.
  void WritePending();

  RedisConfig config_;
  RecordStore* origin_;
  KeyValueCache* cache_;
  const RecordSeal* seal_;
  Metrics* metrics_;
  LogRateLimiter* limiter_;
  const InvalidationBoard* board_;
  std::vector<PendingWrite> pending_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_RECORD_SOURCE_H_
