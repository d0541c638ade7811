// ChangeListener: applies PostgreSQL's change notifications to every cache.
//
// One dedicated connection LISTENs on mediagate_changes (store/
// change_triggers.h). For each "user"/"file" notification it bumps the key on
// the InvalidationBoard (per-worker caches) and deletes the Redis entry, then
// does both once more kRecheck later: a worker that read the old row just
// before the COMMIT may have written it back to Redis meanwhile. When
// decisions read a standby (store/replay_watch.h), that second look also
// waits until the standby has replayed the change (at most kMaxReplayWait). On every
// (re)connect, and whenever a Redis delete failed, everything may have been
// missed: the whole board is bumped and every Redis entry under the key
// prefix deleted. With Redis Sentinel the same flush runs whenever the master
// is one the listener has not flushed since it took over (asynchronous
// replication may have lost deletes the old master acknowledged); the flush
// then marks that master flushed, which workers wait for (store/redis_cache.h).
// Reconnects back off (100 ms doubling to 5 s). Single-threaded; run in its
// own process (server/master.cc).
#ifndef MEDIAGATE_STORE_CHANGE_LISTENER_H_
#define MEDIAGATE_STORE_CHANGE_LISTENER_H_

#include <chrono>
#include <csignal>
#include <deque>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <string>

#include "base/backoff.h"
#include "base/rate_limiter.h"
#include "mediagate/config.h"
#include "store/change_triggers.h"
#include "store/invalidation_board.h"
#include "store/redis_cache.h"
#include "store/replay_watch.h"

namespace mediagate {

class ChangeListener {
 public:
  static constexpr auto kRecheck = std::chrono::milliseconds(250);
  static constexpr auto kMaxReplayWait = std::chrono::seconds(10);
  // How often, with Sentinels, the listener checks that Redis's master has
  // been flushed since it took over.
  static constexpr auto kMasterCheck = std::chrono::milliseconds(250);

  // `board` must outlive this object.
  ChangeListener(const Config& config, InvalidationBoard* board);
  ~ChangeListener();

  // Listens until *stop is set; returns the process exit code.
  int Run(const volatile std::sig_atomic_t* stop);

  // Applies one notification payload (public for tests).
  void Apply(const std::string& payload);

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Clock::time_point due;
    Change change;
    std::optional<uint64_t> position;  // the primary's WAL position after it
  };
  // One connection's life: connect, LISTEN, flush, wait for notifications.
  void Session(const volatile std::sig_atomic_t* stop);
  void Forget(const Change& change);
  void FlushAll();
  void FlushRedisIfDirty();
  void CheckRedisMaster();
  void RunDueRechecks();
  void PositionRechecks(pqxx::connection& primary);

  DatabaseConfig database_;
  RedisConfig redis_config_;
  InvalidationBoard* board_;
  std::unique_ptr<RedisCache> redis_;  // null when Redis is disabled
  bool redis_dirty_ = false;
  Clock::time_point next_master_check_;
  std::deque<Pending> rechecks_;
  ReplayWatch replay_;
  Backoff backoff_;
  LogRateLimiter limiter_;
};

// Sends `payload` on the change channel (as the triggers do), so that every
// server's listener forgets the record: `mediagate invalidate`. Unavailable
// if PostgreSQL cannot be reached.
Status PublishChange(const DatabaseConfig& database, const std::string& payload);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_CHANGE_LISTENER_H_
