// Tests for Summarize: totals per day and episode, ordering, titles, the
// country table left out when no country is known.
#include "report/audience_summary.h"

#include <gtest/gtest.h>

#include "audience_fixtures.h"

namespace mediagate {
namespace {

TEST(AudienceSummaryTest, SumsPerDayAndEpisode) {
  const AudienceSummary s = Summarize(SampleFacts());
  EXPECT_EQ(s.total, 18);
  EXPECT_EQ(s.per_day, (std::vector<int64_t>{6, 3, 9}));
  ASSERT_EQ(s.episodes.size(), 3u);
  EXPECT_EQ(s.episodes[0].file_id, "ep1");
  EXPECT_EQ(s.episodes[0].title, "Pilot");
  EXPECT_EQ(s.episodes[0].downloads, 10);
  EXPECT_EQ(s.episodes[0].per_day, (std::vector<int64_t>{5, 3, 2}));
  EXPECT_EQ(s.episodes[1].file_id, "ep2");
  EXPECT_EQ(s.episodes[1].downloads, 7);
  EXPECT_EQ(s.episodes[2].file_id, "ep3");
  EXPECT_EQ(s.episodes[2].title, "ep3");  // no title known: the file id
}

TEST(AudienceSummaryTest, SortsCountsWithStableTies) {
  AudienceFacts f = SampleFacts();
  f.apps = {{"b", 3}, {"a", 3}, {"c", 9}, {"a", 1}};
  const AudienceSummary s = Summarize(f);
  ASSERT_EQ(s.apps.size(), 3u);
  EXPECT_EQ(s.apps[0].name, "c");
  EXPECT_EQ(s.apps[1].name, "a");  // 3 + 1 merged
  EXPECT_EQ(s.apps[1].downloads, 4);
  EXPECT_EQ(s.apps[2].name, "b");
  EXPECT_EQ(s.countries[0].name, "DE");
  EXPECT_EQ(s.countries[1].name, "");  // unknown kept beside known ones
}

TEST(AudienceSummaryTest, NoCountryTableWhenAllUnknown) {
  AudienceFacts f = SampleFacts();
  f.countries = {{"", 18}};
  EXPECT_TRUE(Summarize(f).countries.empty());
}

TEST(AudienceSummaryTest, EmptyFactsGiveZeroDays) {
  AudienceFacts f;
  f.period = {100, 106};
  const AudienceSummary s = Summarize(f);
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.per_day, std::vector<int64_t>(7, 0));
  EXPECT_TRUE(s.episodes.empty());
  EXPECT_TRUE(s.countries.empty());
}

}  // namespace
}  // namespace mediagate
