// Redis Sentinel discovery over hiredis.
#include "store/redis_sentinel.h"

#include <hiredis/hiredis.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace mediagate {
namespace {

timeval Millis(int64_t ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

// One Sentinel's answer, or why it gave none. Replies are freed here.
Result<RedisEndpoint> AskOne(const RedisConfig& config, const RedisEndpoint& sentinel) {
  std::string error;
  redisContext* ctx =
      OpenRedis(sentinel, config.connect_timeout_ms, config.command_timeout_ms, &error);
  if (ctx == nullptr) return Status::Unavailable(error);
  auto command = [ctx](std::vector<std::string> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return static_cast<redisReply*>(
        redisCommandArgv(ctx, static_cast<int>(args.size()), argv.data(), lens.data()));
  };
  Result<RedisEndpoint> out = Status::Unavailable("no answer");
  redisReply* r = nullptr;
  if (!config.sentinel_password.empty()) {
    r = command({"AUTH", config.sentinel_password.Reveal()});
    if (r == nullptr || r->type == REDIS_REPLY_ERROR) {
      out = Status::Unavailable(r == nullptr ? std::string("AUTH: ") + ctx->errstr
                                             : "AUTH refused");
      if (r != nullptr) freeReplyObject(r);
      redisFree(ctx);
      return out;
    }
    freeReplyObject(r);
  }
  r = command({"SENTINEL", "get-master-addr-by-name", config.master_name});
  if (r == nullptr) {
    const bool timeout = ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    out =
        Status::Unavailable(std::string("SENTINEL: ") + (timeout ? "timed out" : ctx->errstr));
  } else if (r->type == REDIS_REPLY_ERROR) {
    out = Status::Unavailable("SENTINEL error: " + std::string(r->str, r->len));
  } else if (r->type == REDIS_REPLY_NIL) {
    out = Status::Unavailable("does not know master \"" + config.master_name + "\"");
  } else {
    std::vector<std::string> answer;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
      const redisReply* e = r->element[i];
      answer.emplace_back(e->type == REDIS_REPLY_STRING ? std::string(e->str, e->len) : "");
    }
    out = MasterFromSentinelAnswer(answer);
  }
  if (r != nullptr) freeReplyObject(r);
  redisFree(ctx);
  return out;
}

}  // namespace

std::string RedisEndpoint::ToString() const {
  if (!unix_path.empty()) return "unix:" + unix_path;
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

RedisEndpoint ParseRedisAddress(const std::string& address) {
  RedisEndpoint e;
  if (address.compare(0, 5, "unix:") == 0) {
    e.unix_path = address.substr(5);
    return e;
  }
  const size_t colon = address.rfind(':');
  e.host = address.substr(0, colon);
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  e.port = colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
  return e;
}

Result<RedisEndpoint> MasterFromSentinelAnswer(const std::vector<std::string>& answer) {
  if (answer.size() != 2) {
    return Status::InvalidArgument("answer has " + std::to_string(answer.size()) +
                                   " elements, not host and port");
  }
  const std::string& host = answer[0];
  const std::string& port = answer[1];
  auto digits = [](const std::string& s) {
    return s.find_first_not_of("0123456789") == std::string::npos;
  };
  bool host_ok = !host.empty() && host.size() <= 255;
  for (char c : host)
    host_ok = host_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' ||
                          c == '-' || c == '_');
  const int port_number = port.size() <= 5 && digits(port) ? std::atoi(port.c_str()) : 0;
  const bool port_ok = !port.empty() && port_number >= 1 && port_number <= 65535;
  if (!host_ok || !port_ok) return Status::InvalidArgument("malformed master address");
  RedisEndpoint e;
  e.host = host;
  e.port = port_number;
  return e;
}

std::string RunIdFromInfo(const std::string& info) {
  static const std::string kField = "run_id:";
  size_t at = info.find(kField);
  while (at != std::string::npos && at != 0 && info[at - 1] != '\n') {
    at = info.find(kField, at + 1);
  }
  if (at == std::string::npos) return "";
  const size_t begin = at + kField.size();
  const size_t end = info.find_first_of("\r\n", begin);
  return info.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

std::string FlushMarkerKey(const std::string& key_prefix) {
  return key_prefix + ":flushed-master";
}

redisContext* OpenRedis(const RedisEndpoint& where, int64_t connect_timeout_ms,
                        int64_t command_timeout_ms, std::string* error) {
  const timeval timeout = Millis(connect_timeout_ms);
  redisContext* ctx = where.unix_path.empty()
                          ? redisConnectWithTimeout(where.host.c_str(), where.port, timeout)
                          : redisConnectUnixWithTimeout(where.unix_path.c_str(), timeout);
  if (ctx == nullptr) {
    *error = "cannot allocate redis context";
    return nullptr;
  }
  if (ctx->err != 0) {
    *error = "connect " + where.ToString() + ": " + ctx->errstr;
  } else if (redisSetTimeout(ctx, Millis(command_timeout_ms)) != REDIS_OK) {
    *error = "cannot set the command timeout of " + where.ToString();
  } else {
    return ctx;
  }
  redisFree(ctx);
  return nullptr;
}

Result<RedisEndpoint> AskSentinels(const RedisConfig& config, std::string* skipped) {
  skipped->clear();
  for (const std::string& address : config.sentinels) {
    Result<RedisEndpoint> master = AskOne(config, ParseRedisAddress(address));
    if (master.ok()) return master;
    *skipped += (skipped->empty() ? "" : "; ") + std::string("sentinel ") + address + ": " +
                master.status().message();
  }
  return Status::Unavailable("no sentinel named the master \"" + config.master_name + "\" (" +
                             *skipped + ")");
}

}  // namespace mediagate
