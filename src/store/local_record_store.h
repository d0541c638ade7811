// LocalRecordStore: a per-worker, in-process cache of user and file records
// in front of another RecordStore (the Redis-cached PostgreSQL store).
//
// With it, a repeated decision needs no round trip at all. It is correct only
// because PostgreSQL pushes every change (the change listener bumps the
// InvalidationBoard): an entry is served while its board stamp, read before
// the fetch, is unchanged and its TTL (the [redis] TTLs) has not run out.
// Found and missing records are cached; unavailable ones never are. Each map
// holds at most `max_entries`; a full map is cleared (bounded memory, no
// eviction bookkeeping on the hot path). Not thread-safe (one per worker).
#ifndef MEDIAGATE_STORE_LOCAL_RECORD_STORE_H_
#define MEDIAGATE_STORE_LOCAL_RECORD_STORE_H_

#include <string>
#include <unordered_map>

#include "mediagate/clock.h"
#include "mediagate/config.h"
#include "mediagate/metrics.h"
#include "mediagate/record_store.h"
#include "store/invalidation_board.h"

namespace mediagate {

class LocalRecordStore : public RecordStore {
 public:
  // The pointers must outlive this object.
  LocalRecordStore(const RedisConfig& ttls, RecordStore* origin, const InvalidationBoard* board,
                   Clock* clock, Metrics* metrics, size_t max_entries = 65536);

  Lookup<UserRecord> FindUser(const std::string& email) override;
  Lookup<FileRecord> FindFile(const std::string& file_id) override;
  bool Ping() override { return origin_->Ping(); }

 private:
  template <typename T>
  struct Entry {
    Lookup<T> lookup;
    InvalidationBoard::Stamp stamp;
    int64_t expires;  // UNIX seconds
  };
  template <typename T, typename Fetch>
  Lookup<T> Get(std::unordered_map<std::string, Entry<T>>* map, InvalidationBoard::Kind kind,
                const std::string& key, int64_t ttl, Fetch fetch);

  RedisConfig ttls_;
  RecordStore* origin_;
  const InvalidationBoard* board_;
  Clock* clock_;
  Metrics* metrics_;
  size_t max_entries_;
  std::unordered_map<std::string, Entry<UserRecord>> users_;
  std::unordered_map<std::string, Entry<FileRecord>> files_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_LOCAL_RECORD_STORE_H_
