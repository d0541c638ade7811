// Tests for ShowCache: reuse, change stamps, TTL, scheduled episodes.
#include "feed/show_cache.h"

#include <gtest/gtest.h>

#include "fakes.h"
#include "feed_fixtures.h"

namespace mediagate {
namespace {

class ShowCacheTest : public ::testing::Test {
 protected:
  ShowCacheTest() : clock_(kFeedNow) { store_.shows["the-show"] = SampleShow(); }
  ShowCache Make(int64_t ttl = 60) {
    return ShowCache(ttl, FeedLinks{"https://m", "/public_media"}, &store_, &clock_,
                     [this](std::string_view) { return stamp_; });
  }
  FakeShowStore store_;
  FakeClock clock_;
  ShowStamp stamp_{0, 0};
  std::string error_;
};

TEST_F(ShowCacheTest, ReusesTheRenderUntilTheStampChanges) {
  ShowCache cache = Make();
  const RenderedShow* a = cache.Get("the-show", &error_);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->found);
  const std::string digest = a->feeds[0].digest;
  cache.Get("the-show", &error_);
  EXPECT_EQ(store_.calls, 1);
  store_.shows["the-show"].title = "New title";
  stamp_[1] = 1;  // NOTIFY 'show the-show'
  const RenderedShow* b = cache.Get("the-show", &error_);
  EXPECT_EQ(store_.calls, 2);
  EXPECT_NE(b->feeds[0].digest, digest);
}

TEST_F(ShowCacheTest, TtlAndScheduledEpisodesEndAnEntry) {
  ShowCache cache = Make(60);
  cache.Get("the-show", &error_);
  clock_.now += 59;
  cache.Get("the-show", &error_);
  EXPECT_EQ(store_.calls, 1);
  clock_.now += 1;
  cache.Get("the-show", &error_);
  EXPECT_EQ(store_.calls, 2);
  ShowCache long_lived = Make(86400);
  long_lived.Get("the-show", &error_);
  clock_.now = kFeedNow + 3600;  // "Future Four" is published now
  const RenderedShow* s = long_lived.Get("the-show", &error_);
  EXPECT_EQ(store_.calls, 4);
  EXPECT_NE(s->feeds[0].xml.Literal().find("Future Four"), std::string::npos);
}

TEST_F(ShowCacheTest, CachesUnknownShowsButNeverUnavailable) {
  ShowCache cache = Make();
  EXPECT_FALSE(cache.Get("nope", &error_)->found);
  EXPECT_FALSE(cache.Get("nope", &error_)->found);
  EXPECT_EQ(store_.calls, 1);
  store_.down = true;
  EXPECT_EQ(cache.Get("the-show", &error_), nullptr);
  EXPECT_EQ(error_, "fake show store down");
  store_.down = false;
  EXPECT_NE(cache.Get("the-show", &error_), nullptr);
  EXPECT_EQ(store_.calls, 3);
}

}  // namespace
}  // namespace mediagate
