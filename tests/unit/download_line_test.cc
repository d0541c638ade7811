// Tests for ParseDownloadLine: the nginx format parses; hostile lines are
// refused with a reason, never a crash.
#include "audience/download_line.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

constexpr char kLine[] =
    R"x({"v":1,"t":1700000000.123,"ip":"203.0.113.9","ua":"Overcast/3.0 (+http://overcast.fm/)",)x"
    R"x("m":"GET","s":206,"range":"bytes=100-","bytes":4096,"file":"ep-1_a","user":"u0123456789abcde"})x";

TEST(DownloadLineTest, ParsesNginxLine) {
  auto e = ParseDownloadLine(kLine);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->time_ms, 1700000000123);
  EXPECT_EQ(e->client, "203.0.113.9");
  EXPECT_EQ(e->user_agent, "Overcast/3.0 (+http://overcast.fm/)");
  EXPECT_EQ(e->method, "GET");
  EXPECT_EQ(e->status, 206);
  EXPECT_EQ(e->range, "bytes=100-");
  EXPECT_EQ(e->bytes_sent, 4096);
  EXPECT_EQ(e->file_id, "ep-1_a");
  EXPECT_EQ(e->user_ref, "u0123456789abcde");
}

TEST(DownloadLineTest, UnescapesJsonAndKeepsIpv6) {
  auto e = ParseDownloadLine(
      R"({"v":1,"t":1.5,"ip":"2001:db8::1","ua":"a\"b\\c\u00e9","m":"HEAD","s":200,)"
      R"("range":"","bytes":0,"file":"x","user":""})");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->time_ms, 1500);
  EXPECT_EQ(e->client, "2001:db8::1");
  EXPECT_EQ(e->user_agent, "a\"b\\c\xc3\xa9");
  EXPECT_EQ(e->user_ref, "");
}

TEST(DownloadLineTest, RawNonUtf8BytesAreReplacedNotFatal) {
  std::string line = kLine;
  line.replace(line.find("Overcast"), 1, "\xff");
  auto e = ParseDownloadLine(line);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->user_agent.substr(0, 3), "\xef\xbf\xbd");
}

TEST(DownloadLineTest, RefusesHostileLines) {
  const std::string base = kLine;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = base;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::string bad[] = {
      "",
      "garbage",
      "[1,2]",
      "{}",
      base.substr(0, base.size() - 1),  // truncated
      with("\"v\":1", "\"v\":2"),
      with("\"t\":1700000000.123", "\"t\":\"now\""),
      with("\"t\":1700000000.123", "\"t\":-1"),
      with("\"t\":1700000000.123", "\"t\":1e300"),
      with("203.0.113.9", "not-an-ip"),
      with("203.0.113.9", "203.0.113.9\\u0000"),
      with("\"s\":206", "\"s\":99"),
      with("\"s\":206", "\"s\":\"206\""),
      with("\"bytes\":4096", "\"bytes\":-1"),
      with("\"bytes\":4096", "\"bytes\":4096.5"),
      with("ep-1_a", ""),
      with("ep-1_a", "../etc"),
      with("ep-1_a", std::string(65, 'a')),
      with("\"user\":\"u0123456789abcde\"", "\"user\":null"),
      with("\"m\":\"GET\"", "\"m\":\"\""),
      with("Overcast", "Over\\u0000cast"),
  };
  for (const std::string& line : bad) {
    auto e = ParseDownloadLine(line);
    EXPECT_FALSE(e.ok()) << line;
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace mediagate
