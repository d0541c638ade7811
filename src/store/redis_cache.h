// RedisCache: the KeyValueCache adapter over hiredis.
//
// One persistent connection per worker, with connect and command timeouts.
// Any hiredis error, and any error reply (READONLY from a demoted master),
// drops the connection; reconnects back off (100 ms doubling to 5 s), and
// while waiting every call reports kError at once. hiredis's c->err / NULL
// replies are converted here and nowhere else.
//
// With config.sentinels, every connect asks the Sentinels for the master
// (store/redis_sentinel.h) and keeps the connection only if ROLE says
// "master"; Get() then reports kError until that master holds the change
// listener's flush marker naming its run_id, i.e. until entries that
// replication may have lost a delete for are gone. Not thread-safe.
#ifndef MEDIAGATE_REDIS_CACHE_H_
#define MEDIAGATE_REDIS_CACHE_H_

#include <string>
#include <vector>

#include "base/backoff.h"
#include "base/rate_limiter.h"
#include "mediagate/config.h"
#include "store/key_value_cache.h"
#include "store/redis_sentinel.h"

struct redisContext;
struct redisReply;

namespace mediagate {

class RedisCache : public KeyValueCache {
 public:
  // `log_interval`: at most one discovery warning per kind per interval.
  // `wait_for_flush`: with sentinels, Get() trusts a master only once the
  // change listener marked it flushed (false when no listener runs).
  explicit RedisCache(const RedisConfig& config,
                      std::chrono::seconds log_interval = std::chrono::seconds(60),
                      bool wait_for_flush = true);
  ~RedisCache() override;
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  GetState Get(const std::string& key, std::string* value) override;
  // Queues SET ... EX without sending it: it goes out in the same write as
  // the next command, or at Flush(), and its reply is read before the next
  // command's. False only if it could not be queued (no connection).
  bool Set(const std::string& key, const std::string& value, int64_t ttl_seconds) override;
  // Sends the queued SETs now (their replies are still read later).
  void Flush() override;
  Status Delete(const std::vector<std::string>& keys, int64_t* removed) override;
  // Removes every key starting with `prefix` (SCAN MATCH, then DEL), which
  // must hold no glob characters. Keys written meanwhile may survive.
  Status DeletePrefix(const std::string& prefix, int64_t* removed);

  // Connects if needed and sends PING: a worker warms its connection before
  // its first request. False if Redis cannot answer now.
  bool Ping();

  // With sentinels: connects if needed and reports whether this master holds
  // the flush marker naming it. Without sentinels: true, no I/O.
  // Also true, without I/O, when constructed with wait_for_flush false.
  bool MasterFlushed();
  // Counts successful connects: a flush is complete only if this did not
  // change during it.
  uint64_t connection_serial() const { return serial_; }
  // With sentinels: records that the master of connection `serial` has been
  // flushed. Unavailable if that connection is gone. OK without sentinels.
  Status MarkFlushed(uint64_t serial);

  // The last connection or command error, for diagnostics ("" if none).
  const std::string& last_error() const { return last_error_; }

 private:
  bool Connect();
  // Resolves where to connect: config.address, or the Sentinels' answer.
  bool Locate(RedisEndpoint* where);
  // With sentinels: ROLE must say master; remembers its run_id. Drops otherwise.
  bool VerifyMaster(const RedisEndpoint& where);
  // Runs one command, sent together with any queued SETs; nullptr (and the
  // connection dropped) on any error,
  // including an error reply. The caller frees the reply. A connection that
  // answered before and turns out to be cut (a Redis restart; hiredis only
  // learns so when it uses it) is replaced at once and the command retried
  // once, so a restart costs no request its cache.
  redisReply* Command(const std::vector<std::string>& args);
  // Command() without the retry; *cut is true when the connection failed
  // (closed, reset, broken pipe) rather than timed out or answered an error.
  redisReply* CommandOnce(const std::vector<std::string>& args, bool* cut);
  // Reads the replies of earlier SETs; false (connection dropped) on error.
  bool ReadUnread(bool* cut);
  // Closes the connection; `backoff` delays the next connect attempt.
  void Drop(const std::string& why, bool backoff = true);

  RedisConfig config_;
  redisContext* ctx_ = nullptr;
  Backoff backoff_;
  std::string last_error_;
  int unread_ = 0;        // SET replies not read yet
  bool proven_ = false;   // the connection has answered a command
  uint64_t serial_ = 0;   // successful connects so far
  std::string run_id_;    // of the master connected to (sentinels only)
  bool flushed_ = false;  // that master holds the flush marker (sentinels only)
  bool wait_for_flush_;
  LogRateLimiter limiter_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_REDIS_CACHE_H_
