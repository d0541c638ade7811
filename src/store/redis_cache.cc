// RedisCache: hiredis adapter.
#include "store/redis_cache.h"

#include <hiredis/hiredis.h>

#include <cerrno>

namespace mediagate {
namespace {

// True when hiredis's last failure means the connection is gone (EOF, reset,
// broken pipe), not a command timeout (EAGAIN under SO_RCVTIMEO).
bool ConnectionCut(const redisContext* ctx, int saved_errno) {
  return ctx->err == REDIS_ERR_EOF ||
         (ctx->err == REDIS_ERR_IO && saved_errno != EAGAIN && saved_errno != EWOULDBLOCK);
}

timeval Millis(int64_t ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

}  // namespace

RedisCache::RedisCache(const RedisConfig& config)
    : config_(config),
      backoff_(std::chrono::milliseconds(100), std::chrono::milliseconds(5000)) {}

RedisCache::~RedisCache() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

void RedisCache::Drop(const std::string& why, bool backoff) {
  last_error_ = why;
  unread_ = 0;
  proven_ = false;
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
  if (backoff) backoff_.Failure(Backoff::Clock::now());
}

bool RedisCache::Connect() {
  if (ctx_ != nullptr) return true;
  if (!backoff_.Ready(Backoff::Clock::now())) return false;
  const timeval connect_timeout = Millis(config_.connect_timeout_ms);
  const std::string& a = config_.address;
  if (a.compare(0, 5, "unix:") == 0) {
    ctx_ = redisConnectUnixWithTimeout(a.substr(5).c_str(), connect_timeout);
  } else {
    const size_t colon = a.rfind(':');
    std::string host = a.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    ctx_ =
        redisConnectWithTimeout(host.c_str(), std::stoi(a.substr(colon + 1)), connect_timeout);
  }
  if (ctx_ == nullptr || ctx_->err != 0) {
    Drop(ctx_ == nullptr ? "cannot allocate redis context"
                         : std::string("connect ") + a + ": " + ctx_->errstr);
    return false;
  }
  if (redisSetTimeout(ctx_, Millis(config_.command_timeout_ms)) != REDIS_OK) {
    Drop("cannot set redis command timeout");
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
  backoff_.Success();
  last_error_.clear();
  return true;
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
    freeReplyObject(reply);  // an error reply (e.g. OOM) only means nothing was cached
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
  if (!ReadUnread(cut)) return nullptr;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (reply == nullptr) {
    *cut = ConnectionCut(ctx_, errno);
    Drop(std::string("redis ") + args[0] + ": " + (ctx_->err != 0 ? ctx_->errstr : "no reply"),
         !(*cut && proven_));
    return nullptr;
  }
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
  if (!Connect()) return GetState::kError;
  redisReply* r = Command({"GET", key});
  if (r == nullptr) return GetState::kError;
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
  // Sent now, in order; the reply is read before the next command, so the
  // request does not wait a round trip for it.
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) {
      Drop(std::string("redis SET: ") + ctx_->errstr);
      return false;
    }
  }
  ++unread_;
  return true;
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
