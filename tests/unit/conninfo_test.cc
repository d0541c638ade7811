// Tests for BuildConnectionString (no server needed): keyword and URI forms of
// database.url are accepted and re-emitted as keywords; connect_timeout is
// whole seconds, rounded up, at least 2; statement_timeout travels in options
// alongside the url's own options; config.password is added, quoted, and wins
// over a password in the url; a url libpq cannot parse is InvalidArgument
// without the password in the message. Each result is parsed back with libpq
// itself, so quoting mistakes show up as wrong values.
#include "config/conninfo.h"

#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>

#include <map>
#include <string>

#include "mediagate/config.h"

namespace mediagate {
namespace {

// The keyword -> value pairs libpq reads from `conninfo`; empty on error.
std::map<std::string, std::string> Parse(const std::string& conninfo) {
  std::map<std::string, std::string> out;
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (options == nullptr) {
    ADD_FAILURE() << "libpq cannot parse: " << conninfo << ": " << (err != nullptr ? err : "");
    if (err != nullptr) PQfreemem(err);
    return out;
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return out;
}

std::map<std::string, std::string> Build(const DatabaseConfig& config) {
  auto conninfo = BuildConnectionString(config);
  EXPECT_TRUE(conninfo.ok()) << conninfo.status().ToString();
  if (!conninfo.ok()) return {};
  return Parse(*conninfo);
}

size_t Count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t pos = s.find(part); pos != std::string::npos; pos = s.find(part, pos + 1)) {
    ++n;
  }
  return n;
}

// Expects `keyword` exactly once in the connection string built from
// `config`, and libpq to read `value` for it.
void ExpectKeywordOnce(const DatabaseConfig& config, const std::string& keyword,
                       const std::string& value) {
  auto conninfo = BuildConnectionString(config);
  ASSERT_TRUE(conninfo.ok());
  EXPECT_EQ(Count(*conninfo, keyword + "="), 1u) << *conninfo;
  EXPECT_EQ(Parse(*conninfo).at(keyword), value);
}

// The failure BuildConnectionString reports for `config` (OK, after a test
// failure, if it succeeds).
Status BuildFailure(const DatabaseConfig& config) {
  auto conninfo = BuildConnectionString(config);
  EXPECT_FALSE(conninfo.ok()) << config.url;
  return conninfo.ok() ? Status::Ok() : conninfo.status();
}

constexpr char kKeywordUrl[] = "host=db.example port=5433 dbname=media user=mg sslmode=require";
constexpr char kUri[] = "postgresql://mg@db.example:5433/media?sslmode=require";

TEST(ConninfoTest, KeywordAndUriFormsAreAccepted) {
  for (const char* url : {kKeywordUrl, kUri}) {
    DatabaseConfig config;
    config.url = url;
    const auto p = Build(config);
    EXPECT_EQ(p.at("host"), "db.example") << url;
    EXPECT_EQ(p.at("port"), "5433") << url;
    EXPECT_EQ(p.at("dbname"), "media") << url;
    EXPECT_EQ(p.at("user"), "mg") << url;
    EXPECT_EQ(p.at("sslmode"), "require") << url;
    EXPECT_EQ(p.at("connect_timeout"), "2") << url;
  }
}

TEST(ConninfoTest, KeywordFormGetsDefaultOptionsAndNoPassword) {
  DatabaseConfig config;
  config.url = kKeywordUrl;
  const auto p = Build(config);
  EXPECT_EQ(p.at("options"), "-c statement_timeout=1000");
  EXPECT_EQ(p.at("application_name"), "mediagate");
  EXPECT_EQ(p.count("password"), 0u);
}

TEST(ConninfoTest, DefaultUrlUsesSocket) {
  DatabaseConfig config;  // postgresql:///mediagate
  const auto p = Build(config);
  EXPECT_EQ(p.at("dbname"), "mediagate");
  EXPECT_EQ(p.count("host"), 0u);
}

TEST(ConninfoTest, ConnectTimeoutRoundsUpToSecondsWithMinimumTwo) {
  const std::map<int64_t, std::string> cases = {
      {0, "2"},    {1, "2"},    {999, "2"},  {1000, "2"},   {2000, "2"},
      {2001, "3"}, {2999, "3"}, {3000, "3"}, {10000, "10"}, {10001, "11"}};
  for (const auto& [ms, seconds] : cases) {
    DatabaseConfig config;
    config.url = "host=db";
    config.connect_timeout_ms = ms;
    EXPECT_EQ(Build(config).at("connect_timeout"), seconds) << ms << " ms";
  }
}

TEST(ConninfoTest, ConfigConnectTimeoutReplacesTheUrls) {
  DatabaseConfig config;
  config.url = "host=db connect_timeout=30";
  config.connect_timeout_ms = 5000;
  ExpectKeywordOnce(config, "connect_timeout", "5");
}

TEST(ConninfoTest, OptionsCarryStatementTimeout) {
  DatabaseConfig config;
  config.url = "host=db";
  config.statement_timeout_ms = 250;
  EXPECT_EQ(Build(config).at("options"), "-c statement_timeout=250");
}

TEST(ConninfoTest, OptionsKeepTheUrlsOptions) {
  DatabaseConfig config;
  config.url = "host=db options='-c search_path=app -c work_mem=4MB'";
  config.statement_timeout_ms = 1500;
  EXPECT_EQ(Build(config).at("options"),
            "-c statement_timeout=1500 -c search_path=app -c work_mem=4MB");

  config.url = "postgresql://db/media?options=-c%20search_path%3Dapp";
  EXPECT_EQ(Build(config).at("options"), "-c statement_timeout=1500 -c search_path=app");
}

TEST(ConninfoTest, ApplicationNameFromUrlIsKept) {
  DatabaseConfig config;
  config.url = "host=db application_name=custom";
  ExpectKeywordOnce(config, "application_name", "custom");
}

TEST(ConninfoTest, PasswordIsAddedAndQuoted) {
  DatabaseConfig config;
  config.url = "host=db user=mg";
  config.password = Secret("p'a\\ss w=rd", "test");
  const auto p = Build(config);
  EXPECT_EQ(p.at("password"), "p'a\\ss w=rd");
  EXPECT_EQ(p.at("host"), "db");
  EXPECT_EQ(p.at("user"), "mg");
}

TEST(ConninfoTest, UrlValuesWithQuotesAndBackslashesSurvive) {
  DatabaseConfig config;
  config.url = R"(host=db dbname='it\'s a \\ db')";
  EXPECT_EQ(Build(config).at("dbname"), "it's a \\ db");
}

TEST(ConninfoTest, ConfigPasswordReplacesUrlPassword) {
  for (const char* url : {"postgresql://mg:oldpass@db/media", "host=db password=oldpass"}) {
    DatabaseConfig config;
    config.url = url;
    config.password = Secret("newpass", "test");
    auto conninfo = BuildConnectionString(config);
    ASSERT_TRUE(conninfo.ok()) << url;
    EXPECT_EQ(conninfo->find("oldpass"), std::string::npos) << *conninfo;
    EXPECT_EQ(Parse(*conninfo).at("password"), "newpass");
  }
}

TEST(ConninfoTest, UrlPasswordIsKeptWithoutConfigPassword) {
  DatabaseConfig config;
  config.url = "postgresql://mg:oldpass@db/media";
  EXPECT_EQ(Build(config).at("password"), "oldpass");
}

TEST(ConninfoTest, BrokenUrlIsInvalidArgumentWithoutPassword) {
  for (const char* url :
       {"host='unterminated", "host=db bogus", "host=db foo=bar", "password=hunter2 host='x"}) {
    DatabaseConfig config;
    config.url = url;
    config.password = Secret("hunter2", "test");
    const Status failure = BuildFailure(config);
    EXPECT_EQ(failure.code(), Status::Code::kInvalidArgument) << url;
    EXPECT_EQ(failure.message().rfind("database.url: ", 0), 0u) << failure.message();
    EXPECT_EQ(failure.message().find("hunter2"), std::string::npos) << failure.message();
    EXPECT_EQ(failure.message().find('\n'), std::string::npos);
  }
}

// libpq quotes the whole URI in some of its parse errors; BuildConnectionString
// must scrub them, or a password in a broken URI reaches the Status (and from
// there the log).
TEST(ConninfoTest, BrokenUriDoesNotLeakItsPassword) {
  for (const char* url :
       {"postgresql://mg:hunter2@[::1/media", "postgresql://mg:hunter2@[]/media",
        "postgresql://mg:hunter2@[::1]x/media", "postgresql://mg:hunter2@db/media?bogus=1"}) {
    DatabaseConfig config;
    config.url = url;
    const Status failure = BuildFailure(config);
    EXPECT_FALSE(failure.ok()) << url;
    EXPECT_EQ(failure.message().find("hunter2"), std::string::npos) << failure.message();
  }
}

// Several servers (a primary and its standbys): decisions connect as the url
// says; writes, LISTEN and NOTIFY always ask libpq for the read-write one.
TEST(ConninfoTest, MultiHostUrlKeepsItsHostsAndTargetForReads) {
  DatabaseConfig config;
  config.url =
      "host=10.0.0.1,10.0.0.2 port=5432,5433 dbname=app "
      "target_session_attrs=prefer-standby";
  const auto read = Build(config);
  EXPECT_EQ(read.at("host"), "10.0.0.1,10.0.0.2");
  EXPECT_EQ(read.at("port"), "5432,5433");
  EXPECT_EQ(read.at("target_session_attrs"), "prefer-standby");
}

TEST(ConninfoTest, ApplicationNameNamesTheConnectionUnlessTheUrlDoes) {
  DatabaseConfig config;
  config.url = "host=db";
  auto listener = BuildConnectionString(config, PgTarget::kPrimary, "mediagate-listener");
  ASSERT_TRUE(listener.ok());
  EXPECT_EQ(Parse(*listener).at("application_name"), "mediagate-listener");
  config.url = "host=db application_name=custom";
  listener = BuildConnectionString(config, PgTarget::kPrimary, "mediagate-listener");
  ASSERT_TRUE(listener.ok());
  EXPECT_EQ(Parse(*listener).at("application_name"), "custom");
}

TEST(ConninfoTest, PrimaryTargetReplacesTheUrlsTargetSessionAttrs) {
  for (const char* url :
       {"host=a,b dbname=app target_session_attrs=prefer-standby",
        "postgresql://a,b/app?target_session_attrs=standby", "host=a dbname=app"}) {
    DatabaseConfig config;
    config.url = url;
    auto conninfo = BuildConnectionString(config, PgTarget::kPrimary);
    ASSERT_TRUE(conninfo.ok()) << url;
    EXPECT_EQ(Count(*conninfo, "target_session_attrs="), 1u) << *conninfo;
    EXPECT_EQ(Parse(*conninfo).at("target_session_attrs"), "read-write") << url;
    EXPECT_EQ(Parse(*conninfo).at("dbname"), "app") << url;
  }
}

}  // namespace
}  // namespace mediagate
