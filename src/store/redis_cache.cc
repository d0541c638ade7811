// RedisCache: hiredis adapter.
#include "store/redis_cache.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <cerrno>

namespace mediagate {
namespace {

// True when hiredis's last failure means the connection is gone (EOF, reset,
// broken pipe), not a command timeout (EAGAIN under SO_RCVTIMEO).
bool ConnectionCut(const redisContext* ctx, int saved_errno) {
  return ctx->err == REDIS_ERR_EOF ||
         (ctx->err == REDIS_ERR_IO && saved_errno != EAGAIN && saved_errno != EWOULDBLOCK);
}

}  // namespace

RedisCache::RedisCache(const RedisConfig& config, std::chrono::seconds log_interval,
                       bool wait_for_flush)
    : config_(config),
      backoff_(std::chrono::milliseconds(100), std::chrono::milliseconds(5000)),
      wait_for_flush_(wait_for_flush),
      limiter_(log_interval) {}

RedisCache::~RedisCache() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

void RedisCache::Drop(const std::string& why, bool backoff) {
  last_error_ = why;
  unread_ = 0;
  proven_ = false;
  run_id_.clear();
  flushed_ = false;
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
  if (backoff) backoff_.Failure(Backoff::Clock::now());
}

bool RedisCache::Locate(RedisEndpoint* where) {
  if (config_.sentinels.empty()) {
    *where = ParseRedisAddress(config_.address);
    return true;
  }
  std::string skipped;
  Result<RedisEndpoint> master = AskSentinels(config_, &skipped);
  if (!master.ok()) Drop(master.status().message());
  uint64_t held = 0;
  if (!master.ok() && limiter_.Allow("sentinel", &held)) {
    spdlog::warn("redis: {} ({} similar messages suppressed)", last_error_, held);
  } else if (master.ok() && !skipped.empty() && limiter_.Allow("sentinel-skipped", &held)) {
    spdlog::warn("redis: skipped {} ({} similar messages suppressed)", skipped, held);
  }
  if (master.ok()) *where = *master;
  return master.ok();
}

bool RedisCache::Connect() {
  if (ctx_ != nullptr) return true;
  if (!backoff_.Ready(Backoff::Clock::now())) return false;
  RedisEndpoint where;
  if (!Locate(&where)) return false;
  std::string error;
  ctx_ = OpenRedis(where, config_.connect_timeout_ms, config_.command_timeout_ms, &error);
  if (ctx_ == nullptr) {
    Drop(error);
    return false;
  }
  auto setup = [this](std::vector<std::string> args) {
    bool cut = false;
    redisReply* r = CommandOnce(args, &cut);
    if (r != nullptr) freeReplyObject(r);
    return r != nullptr;
  };
  if (!config_.password.empty() && !setup({"AUTH", config_.password.Reveal()})) return false;
  if (config_.database != 0 && !setup({"SELECT", std::to_string(config_.database)})) {
    return false;
  }
  if (!config_.sentinels.empty() && !VerifyMaster(where)) return false;
  ++serial_;
  backoff_.Success();
  last_error_.clear();
  return true;
}

bool RedisCache::VerifyMaster(const RedisEndpoint& where) {
  bool cut = false;
  redisReply* r = CommandOnce({"ROLE"}, &cut);
  if (r == nullptr) return false;
  const bool master = r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
                      r->element[0]->type == REDIS_REPLY_STRING &&
                      std::string(r->element[0]->str, r->element[0]->len) == "master";
  freeReplyObject(r);
  if (!master) {
    // A stale Sentinel answer during a failover: ask again on the next call.
    Drop("redis " + where.ToString() + " is not a master (ROLE); sentinels were stale");
    uint64_t held = 0;
    if (limiter_.Allow("role", &held)) {
      spdlog::warn("{} ({} similar messages suppressed)", last_error_, held);
    }
    return false;
  }
  r = CommandOnce({"INFO", "server"}, &cut);
  if (r == nullptr) return false;
  if (r->type == REDIS_REPLY_STRING) {
    run_id_ = RunIdFromInfo(std::string(r->str, r->len));
  }
  freeReplyObject(r);
  if (run_id_.empty()) {
    Drop("redis " + where.ToString() + ": INFO server has no run_id");
    return false;
  }
  return true;
}

bool RedisCache::MasterFlushed() {
  if (config_.sentinels.empty() || !wait_for_flush_ || flushed_) return true;
  if (!Connect()) return false;
  redisReply* r = Command({"GET", FlushMarkerKey(config_.key_prefix)});
  if (r == nullptr) return false;
  flushed_ = r->type == REDIS_REPLY_STRING && std::string(r->str, r->len) == run_id_;
  freeReplyObject(r);
  if (!flushed_) last_error_ = "redis master not flushed since it changed";
  return flushed_;
}

Status RedisCache::MarkFlushed(uint64_t serial) {
  if (config_.sentinels.empty()) return Status::Ok();
  if (ctx_ == nullptr || serial != serial_) {
    return Status::Unavailable("the redis connection changed during the flush");
  }
  redisReply* r = Command({"SET", FlushMarkerKey(config_.key_prefix), run_id_});
  if (r == nullptr) return Status::Unavailable(last_error_);
  freeReplyObject(r);
  if (serial != serial_) return Status::Unavailable("the redis connection changed");
  flushed_ = true;
  return Status::Ok();
}

bool RedisCache::ReadUnread(bool* cut) {
  for (; unread_ > 0; --unread_) {
    void* reply = nullptr;
    if (redisGetReply(ctx_, &reply) != REDIS_OK || reply == nullptr) {
      *cut = ConnectionCut(ctx_, errno);
      Drop(std::string("redis SET reply: ") + (ctx_->err != 0 ? ctx_->errstr : "no reply"),
           !(*cut && proven_));
      return false;
    }
    const auto* r = static_cast<redisReply*>(reply);
    if (r->type == REDIS_REPLY_ERROR) {  // READONLY: no longer the master
      std::string why = "redis SET error: " + std::string(r->str, r->len);
      freeReplyObject(reply);
      Drop(why);
      return false;
    }
    freeReplyObject(reply);
  }
  return true;
}

redisReply* RedisCache::Command(const std::vector<std::string>& args) {
  const bool reused = proven_;
  bool cut = false;
  redisReply* reply = CommandOnce(args, &cut);
  if (reply == nullptr && cut && reused && Connect()) reply = CommandOnce(args, &cut);
  return reply;
}

redisReply* RedisCache::CommandOnce(const std::vector<std::string>& args, bool* cut) {
  *cut = false;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  // Queued behind any SETs not sent yet: one write carries them all, and
  // their replies are read first, in order.
  if (redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    Drop(std::string("redis ") + args[0] + ": cannot queue the command");
    return nullptr;
  }
  if (!ReadUnread(cut)) return nullptr;
  void* answer = nullptr;
  if (redisGetReply(ctx_, &answer) != REDIS_OK || answer == nullptr) {
    *cut = ConnectionCut(ctx_, errno);
    Drop(std::string("redis ") + args[0] + ": " + (ctx_->err != 0 ? ctx_->errstr : "no reply"),
         !(*cut && proven_));
    return nullptr;
  }
  auto* reply = static_cast<redisReply*>(answer);
  if (reply->type == REDIS_REPLY_ERROR) {
    // Never echo the arguments: AUTH carries the password.
    Drop(std::string("redis ") + args[0] + " error: " + std::string(reply->str, reply->len));
    freeReplyObject(reply);
    return nullptr;
  }
  proven_ = true;
  return reply;
}

KeyValueCache::GetState RedisCache::Get(const std::string& key, std::string* value) {
  if (!Connect() || !MasterFlushed()) return GetState::kError;
  const uint64_t serial = serial_;
  redisReply* r = Command({"GET", key});
  if (r == nullptr) return GetState::kError;
  if (serial != serial_ && !MasterFlushed()) {  // retried on another master
    freeReplyObject(r);
    return GetState::kError;
  }
  GetState state = GetState::kError;
  if (r->type == REDIS_REPLY_NIL) {
    state = GetState::kMiss;
  } else if (r->type == REDIS_REPLY_STRING) {
    value->assign(r->str, r->len);
    state = GetState::kHit;
  }
  freeReplyObject(r);
  return state;
}

bool RedisCache::Set(const std::string& key, const std::string& value, int64_t ttl_seconds) {
  if (!Connect()) return false;
  const std::string ttl = std::to_string(ttl_seconds);
  const char* argv[] = {"SET", key.data(), value.data(), "EX", ttl.data()};
  const size_t lens[] = {3, key.size(), value.size(), 2, ttl.size()};
  if (redisAppendCommandArgv(ctx_, 5, argv, lens) != REDIS_OK) {
    Drop("redis SET: cannot queue the command");
    return false;
  }
  ++unread_;  // sent with the next command or by Flush(); its reply is read before the next
  return true;
}

void RedisCache::Flush() {
  if (ctx_ == nullptr) return;
  int done = 0;
  while (done == 0) {  // nothing queued: done at once, no system call
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) {
      Drop(std::string("redis SET: ") + ctx_->errstr);
      return;
    }
  }
}

bool RedisCache::Ping() {
  if (!Connect()) return false;
  redisReply* r = Command({"PING"});
  if (r == nullptr) return false;
  freeReplyObject(r);
  return true;
}

Status RedisCache::Delete(const std::vector<std::string>& keys, int64_t* removed) {
  *removed = 0;
  if (keys.empty()) return Status::Ok();
  if (!Connect()) return Status::Unavailable(last_error_);
  std::vector<std::string> args{"DEL"};
  args.insert(args.end(), keys.begin(), keys.end());
  redisReply* r = Command(args);
  if (r == nullptr) return Status::Unavailable(last_error_);
  if (r->type == REDIS_REPLY_INTEGER) *removed = r->integer;
  freeReplyObject(r);
  return Status::Ok();
}

Status RedisCache::DeletePrefix(const std::string& prefix, int64_t* removed) {
  *removed = 0;
  if (!Connect()) return Status::Unavailable(last_error_);
  std::string cursor = "0";
  do {
    redisReply* r = Command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (r == nullptr) return Status::Unavailable(last_error_);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
      freeReplyObject(r);
      Drop("redis SCAN: unexpected reply");
      return Status::Unavailable(last_error_);
    }
    cursor.assign(r->element[0]->str, r->element[0]->len);
    std::vector<std::string> keys;
    for (size_t i = 0; i < r->element[1]->elements; ++i) {
      const redisReply* k = r->element[1]->element[i];
      if (k->type == REDIS_REPLY_STRING) keys.emplace_back(k->str, k->len);
    }
    freeReplyObject(r);
    int64_t n = 0;
    Status s = Delete(keys, &n);
    if (!s.ok()) return s;
    *removed += n;
  } while (cursor != "0");
  return Status::Ok();
}

}  // namespace mediagate
