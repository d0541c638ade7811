// Tests for UserAgentRules, with the shipped data files (the pinned isbot
// list and the app rules) and with small inline lists.
#include "audience/user_agent_rules.h"

#include <gtest/gtest.h>

#include "base/file_reader.h"

namespace mediagate {
namespace {

UserAgentRules Shipped() {
  auto bots = ReadRegularFile(MEDIAGATE_DATA_DIR "/audience/isbot-patterns.txt");
  auto apps = ReadRegularFile(MEDIAGATE_DATA_DIR "/audience/apps.tsv");
  EXPECT_TRUE(bots.ok() && apps.ok());
  auto rules = UserAgentRules::Create(*bots, *apps);
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  return std::move(*rules);
}

TEST(UserAgentRulesTest, ShippedListsClassifyRealAgents) {
  UserAgentRules rules = Shipped();
  struct Case {
    const char* ua;
    bool bot;
    const char* app;
  } cases[] = {
      {"Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", false, "Overcast"},
      {"PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)", false,
       "Pocket Casts"},
      {"AntennaPod/3.4.0", false, "AntennaPod"},
      {"Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0", false, "Apple Podcasts"},
      {"AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)", false,
       "Apple Podcasts"},
      {"Spotify/8.9.34 Android/33 (SM-G991B)", false, "Spotify"},
      {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", false,
       "Web browser"},
      {"SomeApp/1.0 (Linux; Android 13)", false, "Other"},
      {"SomethingNew/1.0", true, "Other"},  // isbot 5.2.3 says so too (bare name/version)
      {"Googlebot/2.1 (+http://www.google.com/bot.html)", true, "Other"},
      {"curl/7.88.1", true, "Other"},
      {"python-requests/2.31", true, "Other"},
      {"", true, "Other"},
      {"   ", true, "Other"},
  };
  for (const Case& c : cases) {
    const UserAgentVerdict& v = rules.Classify(c.ua);
    EXPECT_EQ(v.bot, c.bot) << c.ua;
    EXPECT_EQ(v.app, c.app) << c.ua;
  }
}

TEST(UserAgentRulesTest, AppleWatchDuplicates) {
  UserAgentRules rules = Shipped();
  EXPECT_TRUE(rules.Classify("atc/1.0 watchOS/10.4 model/Watch6,1 hwp/t8301 build/21T216")
                  .watch_duplicate);
  EXPECT_TRUE(rules.Classify("Podcasts/1.0 (null)/(null) watchOS/10.0").watch_duplicate);
  EXPECT_FALSE(
      rules.Classify("Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0").watch_duplicate);
}

TEST(UserAgentRulesTest, FirstAppRuleWinsAndCommentsAreSkipped) {
  auto rules = UserAgentRules::Create("# none\n\n", "# c\nfoo\tFirst\nfoo|bar\tSecond\n");
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->Classify("FOO/1").app, "First");  // case-insensitive
  EXPECT_EQ(rules->Classify("bar/1").app, "Second");
  EXPECT_FALSE(rules->Classify("bar/1").bot);
}

TEST(UserAgentRulesTest, BotListIsJavaScriptSyntax) {
  // JavaScript reads [\w\d-.] as \w, \d, '-' and '.'; PCRE2 would refuse it.
  auto rules = UserAgentRules::Create("^x[\\w\\d-.]+y$\n[a-]z\n", "");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_TRUE(rules->Classify("xa-.9y").bot);
  EXPECT_FALSE(rules->Classify("xa,y").bot);
  EXPECT_TRUE(rules->Classify("-z").bot);
}

TEST(UserAgentRulesTest, BadRulesNameTheLine) {
  auto bad_bot = UserAgentRules::Create("ok\n(unclosed\n", "");
  ASSERT_FALSE(bad_bot.ok());
  EXPECT_NE(bad_bot.status().message().find("bot list:2:"), std::string::npos);
  auto no_tab = UserAgentRules::Create("", "foo Bar\n");
  ASSERT_FALSE(no_tab.ok());
  EXPECT_NE(no_tab.status().message().find("app rules:1:"), std::string::npos);
  EXPECT_FALSE(UserAgentRules::Create("", "foo\t\n").ok());
}

}  // namespace
}  // namespace mediagate
