// Finding the Redis master: a fixed address, or Redis Sentinel.
//
// hiredis has no Sentinel client, so this file is one: AskSentinels() tries
// each configured Sentinel in order (connect and command timeouts, optional
// AUTH) with SENTINEL get-master-addr-by-name, and returns the first
// well-formed answer. The pure helpers (parsing addresses, answers and INFO
// text) are public for unit tests. Stateless; thread-safe.
#ifndef MEDIAGATE_STORE_REDIS_SENTINEL_H_
#define MEDIAGATE_STORE_REDIS_SENTINEL_H_

#include <string>
#include <vector>

#include "mediagate/config.h"
#include "mediagate/result.h"

struct redisContext;

namespace mediagate {

// Where a Redis server (or Sentinel) listens: a unix socket path, or host and port.
struct RedisEndpoint {
  std::string unix_path;  // set for "unix:/path"; host and port unused then
  std::string host;       // without the brackets of "[v6]"
  int port = 0;

  // "unix:/path", "host:port" or "[v6]:port", for messages.
  std::string ToString() const;
};

// Parses a validated config address: "unix:/path", "HOST:PORT" or "[V6]:PORT".
RedisEndpoint ParseRedisAddress(const std::string& address);

// A Sentinel's answer to get-master-addr-by-name as strings: {host, port}.
// The endpoint, or InvalidArgument when the answer is not exactly a non-empty
// host and a port in 1..65535 (a nil answer arrives here as an empty vector).
Result<RedisEndpoint> MasterFromSentinelAnswer(const std::vector<std::string>& answer);

// The run_id field of INFO server text; "" when absent.
std::string RunIdFromInfo(const std::string& info);

// The key that holds the run_id of the master the change listener last
// flushed ("<key_prefix>:flushed-master"): workers trust a master's entries
// only once it names that master. Outside the flushed key space.
std::string FlushMarkerKey(const std::string& key_prefix);

// Connects to `where` within connect_timeout_ms and sets the command timeout.
// The context, or nullptr with *error set. The caller frees it (redisFree).
redisContext* OpenRedis(const RedisEndpoint& where, int64_t connect_timeout_ms,
                        int64_t command_timeout_ms, std::string* error);

// Asks config.sentinels, in order, for the address of config.master_name.
// The first well-formed answer, or Unavailable naming why each Sentinel was
// skipped (down, timed out, AUTH refused, nil or malformed answer). On
// success *skipped holds why the Sentinels before it were skipped ("" if
// none). Messages never include a password.
Result<RedisEndpoint> AskSentinels(const RedisConfig& config, std::string* skipped);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_REDIS_SENTINEL_H_
