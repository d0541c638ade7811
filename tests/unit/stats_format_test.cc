// Tests for `mediagate stats` output: the JSON document's shape and values,
// invalid UTF-8 repaired, control characters kept off the terminal.
#include "report/stats_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audience_fixtures.h"

namespace mediagate {
namespace {

using nlohmann::json;

TEST(StatsFormatTest, JsonCarriesEveryFigure) {
  const json doc = json::parse(StatsJson(Summarize(SampleFacts())));
  EXPECT_EQ(doc["from"], "2026-11-29");
  EXPECT_EQ(doc["to"], "2026-12-01");
  EXPECT_EQ(doc["days"], 3);
  EXPECT_EQ(doc["total"], 18);
  ASSERT_EQ(doc["per_day"].size(), 3u);
  EXPECT_EQ(doc["per_day"][2], (json{{"day", "2026-12-01"}, {"downloads", 9}}));
  EXPECT_EQ(
      doc["episodes"][0],
      (json{
          {"file_id", "ep1"}, {"title", "Pilot"}, {"downloads", 10}, {"per_day", {5, 3, 2}}}));
  EXPECT_EQ(doc["apps"][0], (json{{"app", "Apple Podcasts"}, {"downloads", 10}}));
  EXPECT_EQ(doc["countries"][1], (json{{"country", ""}, {"downloads", 7}}));
  EXPECT_EQ(doc["sharing_flags"][0], (json{{"id", 42},
                                           {"user_ref", "u0123456789abcde"},
                                           {"flagged_at", "2025-12-02T00:00:00Z"},
                                           {"networks", 5},
                                           {"user_agents", 2},
                                           {"action", "suspend"}}));
  EXPECT_EQ(doc["sharing_flags"][0].count("email"), 0u);
}

TEST(StatsFormatTest, EmptyJsonHasEveryKey) {
  AudienceFacts f;
  f.period = {0, 1};
  const json doc = json::parse(StatsJson(Summarize(f)));
  EXPECT_EQ(doc["total"], 0);
  EXPECT_EQ(doc["per_day"].size(), 2u);
  for (const char* key : {"episodes", "apps", "countries", "sharing_flags"}) {
    EXPECT_TRUE(doc[key].is_array() && doc[key].empty()) << key;
  }
}

TEST(StatsFormatTest, InvalidUtf8IsReplacedNotFatal) {
  AudienceFacts f = SampleFacts();
  f.apps = {{"bad\xff\xfe app", 1}};
  const json doc = json::parse(StatsJson(Summarize(f)));
  EXPECT_EQ(doc["apps"][0]["app"], "bad\xEF\xBF\xBD\xEF\xBF\xBD app");
}

TEST(StatsFormatTest, TextListsFiguresWithoutControlCharacters) {
  AudienceFacts f = SampleFacts();
  f.apps = {{"evil\x1b[2Japp", 18}};
  const std::string text = StatsText(Summarize(f));
  EXPECT_NE(text.find("Downloads 2026-11-29 to 2026-12-01: 18\n"), std::string::npos) << text;
  EXPECT_NE(text.find("        10  Pilot (ep1)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("        18  evil?[2Japp\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#42  2025-12-02T00:00:00Z  u0123456789abcde"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace mediagate
