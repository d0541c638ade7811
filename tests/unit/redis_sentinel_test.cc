// Tests for the pure parts of Redis Sentinel discovery (store/redis_sentinel.h).
// AskSentinels itself runs against real Sentinels in tests/integration/sentinel_test.py.
#include "store/redis_sentinel.h"

#include <gtest/gtest.h>

#include "store/record_codec.h"

namespace mediagate {
namespace {

TEST(RedisSentinelTest, AcceptsHostAndPort) {
  auto m = MasterFromSentinelAnswer({"127.0.0.1", "6380"});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->host, "127.0.0.1");
  EXPECT_EQ(m->port, 6380);
  EXPECT_EQ(m->ToString(), "127.0.0.1:6380");
  auto v6 = MasterFromSentinelAnswer({"::1", "65535"});
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->ToString(), "[::1]:65535");
  EXPECT_TRUE(MasterFromSentinelAnswer({"redis-a.example", "1"}).ok());
}

TEST(RedisSentinelTest, RejectsGarbageAnswers) {
  const std::vector<std::vector<std::string>> bad = {
      {},                            // nil: the Sentinel does not know the master
      {"127.0.0.1"},                 // no port
      {"127.0.0.1", "6380", "x"},    // too many
      {"", "6380"},                  // no host
      {"127.0.0.1", ""},             // no port
      {"127.0.0.1", "0"},            // port out of range
      {"127.0.0.1", "65536"},        // port out of range
      {"127.0.0.1", "123456"},       // too long
      {"127.0.0.1", "63 80"},        // not a number
      {"127.0.0.1", "-1"},           // not a number
      {"host name", "6380"},         // space
      {"host\r\nAUTH x", "6380"},    // control characters
      {std::string(256, 'a'), "1"},  // too long a host
  };
  for (const auto& answer : bad) {
    std::string shown;
    for (const auto& a : answer) shown += "[" + a + "]";
    EXPECT_FALSE(MasterFromSentinelAnswer(answer).ok()) << shown;
  }
}

TEST(RedisSentinelTest, ParsesConfigAddresses) {
  EXPECT_EQ(ParseRedisAddress("unix:/run/redis.sock").unix_path, "/run/redis.sock");
  const RedisEndpoint tcp = ParseRedisAddress("redis.example:26379");
  EXPECT_EQ(tcp.host, "redis.example");
  EXPECT_EQ(tcp.port, 26379);
  EXPECT_TRUE(tcp.unix_path.empty());
  const RedisEndpoint v6 = ParseRedisAddress("[fd00::1]:26380");
  EXPECT_EQ(v6.host, "fd00::1");
  EXPECT_EQ(v6.port, 26380);
  EXPECT_EQ(v6.ToString(), "[fd00::1]:26380");
}

TEST(RedisSentinelTest, FindsRunIdInInfo) {
  const std::string info =
      "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nxrun_id:nope\r\n"
      "run_id:3f0c2a8d9e1b4c5d6e7f8091a2b3c4d5e6f70819\r\ntcp_port:6379\r\n";
  EXPECT_EQ(RunIdFromInfo(info), "3f0c2a8d9e1b4c5d6e7f8091a2b3c4d5e6f70819");
  EXPECT_EQ(RunIdFromInfo("run_id:abc"), "abc");
  EXPECT_EQ(RunIdFromInfo("# Server\r\nredis_version:7\r\n"), "");
  EXPECT_EQ(RunIdFromInfo(""), "");
}

TEST(RedisSentinelTest, FlushMarkerIsOutsideTheFlushedKeys) {
  EXPECT_EQ(FlushMarkerKey("mg"), "mg:flushed-master");
  EXPECT_NE(FlushMarkerKey("mg").rfind(CacheKeyPrefix("mg"), 0), 0u);
}

}  // namespace
}  // namespace mediagate
