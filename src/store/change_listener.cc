// ChangeListener: libpqxx LISTEN loop.
#include "store/change_listener.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <thread>

#include "base/first_line.h"
#include "config/conninfo.h"
#include "store/record_codec.h"

namespace mediagate {
namespace {

constexpr long kPollMicros = 100 * 1000;  // how often *stop and rechecks are looked at

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, ChangeListener* listener)
      : pqxx::notification_receiver(conn, kChangeChannel), listener_(listener) {}
  void operator()(const std::string& payload, int) override { listener_->Apply(payload); }

 private:
  ChangeListener* listener_;
};

}  // namespace

ChangeListener::ChangeListener(const Config& config, InvalidationBoard* board)
    : database_(config.database),
      redis_config_(config.redis),
      board_(board),
      replay_(config.database),
      backoff_(std::chrono::milliseconds(100), std::chrono::milliseconds(5000)),
      limiter_(std::chrono::seconds(config.log.error_interval_seconds)) {
  if (config.redis.enabled) {
    redis_ = std::make_unique<RedisCache>(
        config.redis, std::chrono::seconds(config.log.error_interval_seconds));
  }
}

ChangeListener::~ChangeListener() = default;

int ChangeListener::Run(const volatile std::sig_atomic_t* stop) {
  while (!*stop) {
    if (!backoff_.Ready(Clock::now())) {
      RunDueRechecks();
      CheckRedisMaster();  // workers wait for this even while PostgreSQL is away
      FlushRedisIfDirty();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    Session(stop);
  }
  return 0;
}

void ChangeListener::Session(const volatile std::sig_atomic_t* stop) {
  auto conninfo = BuildConnectionString(database_, PgTarget::kPrimary, "mediagate-listener");
  if (!conninfo.ok()) {
    spdlog::critical("change listener: {}", conninfo.status().message());
    backoff_.Failure(Clock::now());
    return;
  }
  try {
    pqxx::connection conn(*conninfo);
    Receiver receiver(conn, this);  // LISTEN
    backoff_.Success();
    replay_.Reset();
    // Whatever changed while nobody listened is unknown: forget everything.
    FlushAll();
    spdlog::info("change listener: listening on {} (backend pid {}); caches flushed",
                 kChangeChannel, conn.backendpid());
    while (!*stop) {
      conn.await_notification(0, kPollMicros);
      PositionRechecks(conn);
      RunDueRechecks();
      CheckRedisMaster();
      FlushRedisIfDirty();
    }
  } catch (const std::exception& e) {
    backoff_.Failure(Clock::now());
    uint64_t held = 0;
    if (limiter_.Allow("listen", &held)) {
      std::string what = e.what();
      spdlog::error("change listener: PostgreSQL: {} ({} similar messages suppressed)",
                    FirstLineOf(what), held);
    }
  }
}

void ChangeListener::Apply(const std::string& payload) {
  const Change change = ParseChangePayload(payload);
  if (change.kind == ChangeKind::kAll) {
    FlushAll();
    return;
  }
  Forget(change);
  rechecks_.push_back(Pending{Clock::now() + kRecheck, change, std::nullopt});
}

void ChangeListener::Forget(const Change& change) {
  if (change.kind == ChangeKind::kShow) {  // rendered shows live only in the workers
    board_->Invalidate(InvalidationBoard::Kind::kShow, change.key);
    return;
  }
  const bool user = change.kind == ChangeKind::kUser;
  board_->Invalidate(user ? InvalidationBoard::Kind::kUser : InvalidationBoard::Kind::kFile,
                     change.key);
  if (!redis_ || redis_dirty_) return;  // a dirty cache is flushed whole anyway
  Result<std::string> key =
      user ? UserCacheKey(redis_config_.key_prefix, change.key)
           : Result<std::string>(FileCacheKey(redis_config_.key_prefix, change.key));
  int64_t removed = 0;
  if (!key.ok() || !redis_->Delete({*key}, &removed).ok()) redis_dirty_ = true;
}

void ChangeListener::FlushAll() {
  board_->InvalidateAll();
  rechecks_.clear();
  if (redis_) redis_dirty_ = true;
  FlushRedisIfDirty();
}

void ChangeListener::CheckRedisMaster() {
  if (!redis_ || redis_dirty_ || redis_config_.sentinels.empty()) return;
  const auto now = Clock::now();
  if (now < next_master_check_) return;
  next_master_check_ = now + kMasterCheck;
  // A dead connection is replaced here (the Sentinels name the master); a
  // master that was not flushed since it took over may hold entries whose
  // delete replication lost, so everything goes.
  if (redis_->Ping() && redis_->MasterFlushed()) return;
  redis_dirty_ = true;
  spdlog::info("change listener: Redis master unflushed or unreachable ({}); flushing",
               redis_->last_error());
}

void ChangeListener::FlushRedisIfDirty() {
  if (!redis_dirty_) return;
  int64_t removed = 0;
  Status s = redis_->Ping() ? Status::Ok() : Status::Unavailable(redis_->last_error());
  const uint64_t connection = redis_->connection_serial();
  if (s.ok()) s = redis_->DeletePrefix(CacheKeyPrefix(redis_config_.key_prefix), &removed);
  if (s.ok()) s = redis_->MarkFlushed(connection);
  if (s.ok()) {
    redis_dirty_ = false;
    // Workers may have cached entries from Redis before the flush finished.
    board_->InvalidateAll();
    spdlog::info("change listener: flushed {} Redis entries", removed);
    return;
  }
  uint64_t held = 0;
  if (limiter_.Allow("redis", &held)) {
    spdlog::warn("change listener: cannot flush Redis ({}); retrying ({} similar suppressed)",
                 s.message(), held);
  }
}

void ChangeListener::PositionRechecks(pqxx::connection& primary) {
  if (!replay_.ReadsStandby() || rechecks_.empty() || rechecks_.back().position) return;
  const uint64_t position = ReplayWatch::PrimaryPosition(primary);  // after their COMMITs
  for (auto it = rechecks_.rbegin(); it != rechecks_.rend() && !it->position; ++it) {
    it->position = position;
  }
}

void ChangeListener::RunDueRechecks() {
  const auto now = Clock::now();
  std::optional<std::optional<uint64_t>> replayed;  // asked once, when needed
  while (!rechecks_.empty() && rechecks_.front().due <= now) {
    const Pending& next = rechecks_.front();
    if (next.position && replay_.ReadsStandby() && now < next.due + kMaxReplayWait) {
      if (!replayed) replayed = replay_.ReplayedPosition();
      // Unknown (the standby is unreachable, so workers cannot read it
      // either) counts as replayed; behind means wait.
      if (*replayed && **replayed < *next.position) break;
    } else if (next.position && replay_.ReadsStandby()) {
      uint64_t held = 0;
      if (limiter_.Allow("replay", &held)) {
        spdlog::warn(
            "change listener: the standby has not replayed a change after {} s; "
            "dropping the cached record anyway ({} similar suppressed)",
            kMaxReplayWait.count(), held);
      }
    }
    const Change change = next.change;
    rechecks_.pop_front();
    Forget(change);
  }
}

Status PublishChange(const DatabaseConfig& database, const std::string& payload) {
  auto conninfo = BuildConnectionString(database, PgTarget::kPrimary);
  if (!conninfo.ok()) return conninfo.status();
  try {
    pqxx::connection conn(*conninfo);
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_notify(" + tx.quote(kChangeChannel) + ", " + tx.quote(payload) + ")");
    return Status::Ok();
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::Unavailable("PostgreSQL: " + FirstLineOf(what));
  }
}

}  // namespace mediagate
