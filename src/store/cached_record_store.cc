// CachedRecordStore: cache-aside lookups with defined degradation.
#include "store/cached_record_store.h"

#include <spdlog/spdlog.h>

#include "store/record_codec.h"

namespace mediagate {

CachedRecordStore::CachedRecordStore(const RedisConfig& config, RecordStore* origin,
                                     KeyValueCache* cache, const RecordSeal* seal,
                                     Metrics* metrics, LogRateLimiter* limiter,
                                     const InvalidationBoard* board)
    : config_(config),
      origin_(origin),
      cache_(cache),
      seal_(seal),
      metrics_(metrics),
      limiter_(limiter),
      board_(board) {}

void CachedRecordStore::LogLimited(spdlog::level::level_enum level, const char* key,
                                   const std::string& message) {
  uint64_t held = 0;
  if (limiter_->Allow(key, &held)) {
    spdlog::log(level, "{} ({} similar messages suppressed)", message, held);
  }
}

template <typename T>
Lookup<T> CachedRecordStore::Get(InvalidationBoard::Kind kind, const std::string& id,
                                 const std::string& key, int64_t ttl,
                                 Lookup<T> (*decode)(const std::string&),
                                 std::optional<std::string> (*encode)(const T*),
                                 const std::function<Lookup<T>()>& query) {
  bool cache_usable = cache_ != nullptr;
  if (cache_usable) {
    WritePending();  // goes out with this read
    std::string value;
    switch (cache_->Get(key, &value)) {
      case KeyValueCache::GetState::kHit: {
        const std::optional<std::string> opened = seal_->Open(key, value);
        if (!opened) {  // not written by mediagate for this key: refetch
          metrics_->CountRedis(Metrics::CacheResult::kUnverified);
          LogLimited(spdlog::level::warn, "redis-unverified",
                     "redis: a cached record did not verify; ignored");
          break;
        }
        Lookup<T> cached = decode(*opened);
        if (cached.state != LookupState::kUnavailable) {
          metrics_->CountRedis(Metrics::CacheResult::kHit);
          return cached;
        }
        metrics_->CountRedis(Metrics::CacheResult::kMiss);  // corrupt: refetch
        break;
      }
      case KeyValueCache::GetState::kMiss:
        metrics_->CountRedis(Metrics::CacheResult::kMiss);
        break;
      case KeyValueCache::GetState::kError: {
        metrics_->CountRedis(Metrics::CacheResult::kError);
        cache_usable = false;
        LogLimited(spdlog::level::warn, "redis", "redis unavailable; deciding from PostgreSQL");
        break;
      }
    }
  }

  InvalidationBoard::Stamp stamp;
  if (board_ != nullptr) stamp = board_->Read(kind, id);
  Lookup<T> fresh = query();
  metrics_->CountPostgres(fresh.state == LookupState::kUnavailable);
  if (fresh.state == LookupState::kUnavailable) {
    LogLimited(spdlog::level::err, "postgres", "postgresql unavailable: " + fresh.error);
    return fresh;
  }
  if (cache_usable && (board_ == nullptr || board_->Current(kind, id, stamp))) {
    const bool found = fresh.state == LookupState::kFound;
    const auto encoded = encode(found ? &fresh.record : nullptr);
    const auto sealed = encoded ? seal_->Seal(key, *encoded) : std::nullopt;
    if (sealed) {
      pending_.push_back(PendingWrite{kind, id, stamp, key, *sealed,
                                      found ? ttl : config_.negative_ttl_seconds});
    }
  }
  return fresh;
}

void CachedRecordStore::WritePending() {
  for (const PendingWrite& w : pending_) {
    if (board_ == nullptr || board_->Current(w.kind, w.id, w.stamp)) {
      cache_->Set(w.key, w.value, w.ttl);
    }
  }
  pending_.clear();
}

void CachedRecordStore::Flush() {
  if (cache_ == nullptr) return;
  WritePending();
  cache_->Flush();
}

Lookup<UserRecord> CachedRecordStore::FindUser(const std::string& email) {
  // Without its own key a user must not share another's entry: fail closed.
  Result<std::string> key = UserCacheKey(config_.key_prefix, email);
  if (!key.ok()) return Lookup<UserRecord>::Unavailable(key.status().message());
  return Get<UserRecord>(InvalidationBoard::Kind::kUser, email, *key, config_.user_ttl_seconds,
                         DecodeUser, EncodeUser, [&] { return origin_->FindUser(email); });
}

Lookup<FileRecord> CachedRecordStore::FindFile(const std::string& file_id) {
  return Get<FileRecord>(InvalidationBoard::Kind::kFile, file_id,
                         FileCacheKey(config_.key_prefix, file_id), config_.file_ttl_seconds,
                         DecodeFile, EncodeFile, [&] { return origin_->FindFile(file_id); });
}

}  // namespace mediagate
