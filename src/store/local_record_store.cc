// LocalRecordStore: stamp-checked in-process entries.
#include "store/local_record_store.h"

namespace mediagate {

LocalRecordStore::LocalRecordStore(const RedisConfig& ttls, RecordStore* origin,
                                   const InvalidationBoard* board, Clock* clock,
                                   Metrics* metrics, size_t max_entries)
    : ttls_(ttls),
      origin_(origin),
      board_(board),
      clock_(clock),
      metrics_(metrics),
      max_entries_(max_entries) {}

template <typename T, typename Fetch>
Lookup<T> LocalRecordStore::Get(std::unordered_map<std::string, Entry<T>>* map,
                                InvalidationBoard::Kind kind, const std::string& key,
                                int64_t ttl, Fetch fetch) {
  const int64_t now = clock_->NowUnix();
  auto it = map->find(key);
  if (it != map->end() && now < it->second.expires &&
      board_->Current(kind, key, it->second.stamp)) {
    metrics_->CountLocal(true);
    return it->second.lookup;
  }
  metrics_->CountLocal(false);
  const InvalidationBoard::Stamp stamp = board_->Read(kind, key);  // before the fetch
  Lookup<T> fresh = fetch();
  if (fresh.state == LookupState::kUnavailable) {
    if (it != map->end()) map->erase(it);
    return fresh;
  }
  const int64_t life = fresh.state == LookupState::kFound ? ttl : ttls_.negative_ttl_seconds;
  if (it != map->end()) {
    it->second = Entry<T>{fresh, stamp, now + life};
  } else {
    if (map->size() >= max_entries_) map->clear();
    map->emplace(key, Entry<T>{fresh, stamp, now + life});
  }
  return fresh;
}

Lookup<UserRecord> LocalRecordStore::FindUser(const std::string& email) {
  return Get(&users_, InvalidationBoard::Kind::kUser, email, ttls_.user_ttl_seconds,
             [&] { return origin_->FindUser(email); });
}

Lookup<FileRecord> LocalRecordStore::FindFile(const std::string& file_id) {
  return Get(&files_, InvalidationBoard::Kind::kFile, file_id, ttls_.file_ttl_seconds,
             [&] { return origin_->FindFile(file_id); });
}

}  // namespace mediagate
