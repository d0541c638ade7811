// Tests for DownloadCounter: each IAB v2.2 rule, with fake media sizes and
// event times as the clock.
#include "audience/download_counter.h"

#include <gtest/gtest.h>

#include <map>

namespace mediagate {
namespace {

constexpr int64_t kDay0 = 1700006400000;  // 2023-11-15 00:00:00 UTC
constexpr char kUa[] = "Overcast/3.0 (+http://overcast.fm/)";

class FakeSizes : public MediaSizes {
 public:
  Result<MediaSize> Lookup(const std::string& file_id) override {
    ++lookups;
    if (fail) return Status::Unavailable("down");
    auto it = sizes.find(file_id);
    return it == sizes.end() ? MediaSize{} : it->second;
  }
  std::map<std::string, MediaSize> sizes;
  int lookups = 0;
  bool fail = false;
};

class DownloadCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 61 s of audio after a 1000-byte header: 1000 + ceil(60 * 61000 / 61) = 61000.
    sizes_.sizes["ep"] = MediaSize{62000, 1000, 61};
    sizes_.sizes["short"] = MediaSize{5000, 0, 30};
    auto rules = UserAgentRules::Create("bot\ncurl/\n(?<!lib)http\n", "^Overcast/\tOvercast\n");
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    rules_ = std::make_unique<UserAgentRules>(std::move(*rules));
    counter_ = std::make_unique<DownloadCounter>(rules_.get(), &sizes_);
  }

  DownloadEvent Get(int64_t t, const std::string& range, int status, int64_t bytes,
                    const std::string& ip = "203.0.113.9", const std::string& ua = kUa,
                    const std::string& file = "ep") {
    return DownloadEvent{t, ip, ua, "GET", status, range, bytes, file, "u0123456789abcde"};
  }
  CountOutcome See(const DownloadEvent& e) {
    counter_->Observe(e);
    return counter_->last_outcome();
  }
  int64_t Counted(const std::string& day = "2023-11-15", const std::string& file = "ep",
                  const std::string& app = "Overcast") {
    auto changes = counter_->TakeChanges();
    for (const auto& [k, n] : changes.downloads) totals_[k] += n;
    return totals_[DailyKey{day, file, app, ""}];
  }

  FakeSizes sizes_;
  std::unique_ptr<UserAgentRules> rules_;
  std::unique_ptr<DownloadCounter> counter_;
  std::map<DailyKey, int64_t> totals_;
};

TEST_F(DownloadCounterTest, ThresholdIsHeaderPlusOneMinuteOrWholeFile) {
  EXPECT_EQ(DownloadThreshold(MediaSize{62000, 1000, 61}), 61000);
  EXPECT_EQ(DownloadThreshold(MediaSize{62000, 1000, 7}), 62000);  // capped at the file
  EXPECT_EQ(DownloadThreshold(MediaSize{5000, 0, 59}), 5000);      // under a minute
  EXPECT_EQ(DownloadThreshold(MediaSize{5000, 0, -1}), 5000);      // unknown
  EXPECT_EQ(DownloadThreshold(MediaSize{6002, 1, 600}), 1 + 601);  // ceil(600.1)
}

TEST_F(DownloadCounterTest, FullDownloadCountsOnce) {
  EXPECT_EQ(See(Get(kDay0 + 1000, "", 200, 62000)), CountOutcome::kCounted);
  EXPECT_EQ(See(Get(kDay0 + 2000, "", 200, 62000)), CountOutcome::kAlreadyCounted);
  EXPECT_EQ(Counted(), 1);
}

TEST_F(DownloadCounterTest, ExcludedRequests) {
  DownloadEvent head = Get(kDay0, "", 200, 0);
  head.method = "HEAD";
  EXPECT_EQ(See(head), CountOutcome::kSkippedMethod);
  EXPECT_EQ(See(Get(kDay0, "", 304, 0)), CountOutcome::kSkippedStatus);
  EXPECT_EQ(See(Get(kDay0, "", 403, 62000)), CountOutcome::kSkippedStatus);
  DownloadEvent denied = Get(kDay0, "", 200, 62000);
  denied.user_ref = "";
  EXPECT_EQ(See(denied), CountOutcome::kNotAllowed);
  EXPECT_EQ(See(Get(kDay0, "bytes=0-1", 206, 2)), CountOutcome::kProbe);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.9", "curl/7.88")), CountOutcome::kBot);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.9", "")), CountOutcome::kBot);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.9",
                    "atc/1.0 watchOS/10.4 model/Watch6,1 hwp/t8301 build/21T216")),
            CountOutcome::kWatchDuplicate);
  EXPECT_EQ(
      See(Get(kDay0, "", 200, 62000, "203.0.113.9", "Podcasts/1.0 (null)/(null) watchOS/10.0")),
      CountOutcome::kWatchDuplicate);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.9", kUa, "nofile")),
            CountOutcome::kUnknownMedia);
  EXPECT_EQ(Counted(), 0);
  EXPECT_EQ(counter_->open_windows(), 0u);
}

TEST_F(DownloadCounterTest, AppRuleBeatsBotList) {
  // kUa contains "http" (a bot pattern) but is a known app.
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000)), CountOutcome::kCounted);
}

TEST_F(DownloadCounterTest, RangesMustCoverTheThreshold) {
  EXPECT_EQ(See(Get(kDay0, "bytes=0-", 206, 30000)), CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(kDay0 + 1, "bytes=0-", 206, 30000)),
            CountOutcome::kBelowThreshold);  // same
  EXPECT_EQ(See(Get(kDay0 + 2, "bytes=30000-", 206, 30999)), CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(kDay0 + 3, "bytes=60999-", 206, 1)), CountOutcome::kCounted);  // 61000
  EXPECT_EQ(Counted(), 1);
}

TEST_F(DownloadCounterTest, ShortEpisodeNeedsTheWholeFile) {
  EXPECT_EQ(See(Get(kDay0, "bytes=0-", 206, 4999, "203.0.113.9", kUa, "short")),
            CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(kDay0, "bytes=4999-", 206, 1, "203.0.113.9", kUa, "short")),
            CountOutcome::kCounted);
  EXPECT_EQ(Counted("2023-11-15", "short"), 1);
}

TEST_F(DownloadCounterTest, ListenerIsIpPlusAgentWithIpv6As64) {
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "2001:db8:1:2::1")), CountOutcome::kCounted);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "2001:db8:1:2:ffff::9")),
            CountOutcome::kAlreadyCounted);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "2001:db8:1:3::1")), CountOutcome::kCounted);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.10")), CountOutcome::kCounted);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "203.0.113.10", "Overcast/4.0")),
            CountOutcome::kCounted);
  EXPECT_EQ(Counted(), 4);
  EXPECT_EQ(ListenerNetwork("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(ListenerNetwork("192.0.2.1"), "192.0.2.1");
  const std::string key = WindowKey("ep", "192.0.2.1", kUa);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find("192"), std::string::npos);
  EXPECT_NE(key, WindowKey("ep", "192.0.2.1", "Overcast/3.1"));
}

TEST_F(DownloadCounterTest, WindowIsRolling24hFromFirstRequest) {
  const int64_t first = kDay0 + 20 * 3600 * 1000LL;  // 20:00 UTC
  EXPECT_EQ(See(Get(first, "", 200, 62000)), CountOutcome::kCounted);
  // Next UTC day but within 24 h of the first request: same window.
  EXPECT_EQ(See(Get(first + 23 * 3600 * 1000LL, "", 200, 62000)),
            CountOutcome::kAlreadyCounted);
  EXPECT_EQ(See(Get(first + DownloadCounter::kWindowMs, "", 200, 62000)),
            CountOutcome::kCounted);
  EXPECT_EQ(Counted("2023-11-15"), 1);
  EXPECT_EQ(Counted("2023-11-16"), 1);
}

TEST_F(DownloadCounterTest, LaterRequestsDoNotExtendTheWindow) {
  const int64_t hour = 3600 * 1000LL;
  EXPECT_EQ(See(Get(kDay0, "bytes=0-", 206, 30000)), CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(kDay0 + 23 * hour, "bytes=30000-", 206, 1000)),
            CountOutcome::kBelowThreshold);
  // 24 h after the first request a new window begins: the earlier bytes are gone.
  EXPECT_EQ(See(Get(kDay0 + 24 * hour, "bytes=31000-", 206, 30000)),
            CountOutcome::kBelowThreshold);
  EXPECT_EQ(Counted("2023-11-16"), 0);
}

class FakeCountries : public CountryLookup {
 public:
  std::string Country(const std::string& address) override {
    return address == "198.51.100.7" ? "FR" : "";
  }
};

TEST_F(DownloadCounterTest, CountryOfTheClientAddress) {
  FakeCountries countries;
  DownloadCounter counter(rules_.get(), &sizes_, &countries);
  counter.Observe(Get(kDay0, "", 200, 62000, "198.51.100.7"));
  counter.Observe(Get(kDay0, "", 200, 62000, "198.51.100.8"));
  const auto changes = counter.TakeChanges();
  const std::map<DailyKey, int64_t> want = {{{"2023-11-15", "ep", "Overcast", "FR"}, 1},
                                            {{"2023-11-15", "ep", "Overcast", ""}, 1}};
  EXPECT_EQ(changes.downloads, want);
}

TEST_F(DownloadCounterTest, DayIsThatOfTheCompletingRequest) {
  const int64_t late = kDay0 + 86400 * 1000LL - 1000;  // 23:59:59
  EXPECT_EQ(See(Get(late, "bytes=0-", 206, 30000)), CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(late + 2000, "bytes=30000-", 206, 32000)), CountOutcome::kCounted);
  EXPECT_EQ(Counted("2023-11-16"), 1);
  EXPECT_EQ(Counted("2023-11-15"), 0);
}

TEST_F(DownloadCounterTest, ChangesRestoreAndExpire) {
  EXPECT_EQ(See(Get(kDay0, "bytes=0-", 206, 30000)), CountOutcome::kBelowThreshold);
  EXPECT_EQ(See(Get(kDay0, "", 200, 62000, "198.51.100.1")), CountOutcome::kCounted);
  CounterChanges c = counter_->TakeChanges();
  ASSERT_EQ(c.upserts.size(), 2u);
  EXPECT_TRUE(c.deletes.empty());
  // A new counter from the stored windows continues where this one stopped.
  DownloadCounter restored(rules_.get(), &sizes_);
  restored.Restore(c.upserts);
  restored.Observe(Get(kDay0 + 5, "bytes=30000-", 206, 31000));
  EXPECT_EQ(restored.last_outcome(), CountOutcome::kCounted);
  restored.Observe(Get(kDay0 + 5, "", 200, 62000, "198.51.100.1"));
  EXPECT_EQ(restored.last_outcome(), CountOutcome::kAlreadyCounted);
  // A day later both windows end.
  restored.Observe(Get(kDay0 + DownloadCounter::kWindowMs, "bytes=0-1", 206, 2));
  CounterChanges later = restored.TakeChanges();
  EXPECT_EQ(later.deletes.size(), 2u);
  EXPECT_EQ(restored.open_windows(), 0u);
}

TEST_F(DownloadCounterTest, SizesAreCachedAndFailuresReported) {
  See(Get(kDay0, "bytes=0-", 206, 10));
  See(Get(kDay0, "bytes=10-", 206, 10));
  EXPECT_EQ(sizes_.lookups, 1);
  sizes_.fail = true;
  See(Get(kDay0, "", 200, 5000, "203.0.113.9", kUa, "short"));
  EXPECT_FALSE(counter_->status().ok());
}

}  // namespace
}  // namespace mediagate
