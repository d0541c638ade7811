// Tests for SharingDetector: a flag when distinct networks (/24, /64) or user
// agents exceed the thresholds within the window of event time, exactly once
// per excess, none for public or unallowed requests, and memory that shrinks
// back as entries expire.
#include "audience/sharing_detector.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace mediagate {
namespace {

constexpr int64_t kT0 = 1735787045000;  // ms
constexpr int64_t kHour = 3600 * 1000;
constexpr char kRef[] = "u0123456789abcde";

class SharingDetectorTest : public ::testing::Test {
 protected:
  SharingDetectorTest() {
    config_.max_networks = 3;
    config_.max_user_agents = 2;
    config_.window_seconds = 86400;
  }

  SharingDetector& Detector() {
    if (!detector_) {
      detector_ = std::make_unique<SharingDetector>(
          config_, [this](const SharingFlag& f) { flags_.push_back(f); });
    }
    return *detector_;
  }

  void See(const std::string& client, int64_t time_ms, const std::string& agent = "App/1",
           const std::string& ref = kRef) {
    DownloadEvent e;
    e.time_ms = time_ms;
    e.client = client;
    e.user_agent = agent;
    e.method = "GET";
    e.status = 200;
    e.file_id = "ep1";
    e.user_ref = ref;
    Detector().Observe(e);
  }

  // Requests from `n` distinct /24s 10.0.<i>.1, one a minute from `start`.
  void FromNetworks(int n, int64_t start, const std::string& ref = kRef) {
    for (int i = 0; i < n; ++i)
      See("10.0." + std::to_string(i) + ".1", start + i * 60000, "App/1", ref);
  }

  SharingConfig config_;
  std::unique_ptr<SharingDetector> detector_;
  std::vector<SharingFlag> flags_;
};

TEST_F(SharingDetectorTest, AtTheThresholdNoFlagOneMoreFlags) {
  FromNetworks(3, kT0);
  EXPECT_TRUE(flags_.empty());
  See("10.0.3.1", kT0 + kHour);
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].user_ref, kRef);
  EXPECT_EQ(flags_[0].networks, 4);
  EXPECT_EQ(flags_[0].user_agents, 1);
  EXPECT_EQ(flags_[0].time_ms, kT0 + kHour);
}

// Whoever shares a link also GETs with it, and a probe proves the link got
// there: HEADs and bytes=0-1 probes count like any allowed request.
TEST_F(SharingDetectorTest, HeadsAndProbesCount) {
  FromNetworks(3, kT0);
  DownloadEvent probe;
  probe.time_ms = kT0 + 1000;
  probe.client = "2001:db8::1";
  probe.user_agent = "App/1";
  probe.method = "HEAD";
  probe.status = 206;
  probe.range = "bytes=0-1";
  probe.bytes_sent = 0;
  probe.file_id = "ep1";
  probe.user_ref = kRef;
  Detector().Observe(probe);
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].networks, 4);
}

TEST_F(SharingDetectorTest, BuiltFromTheWholeConfig) {
  Config config;
  config.sharing = config_;
  std::vector<SharingFlag> flags;
  SharingDetector detector(config, [&flags](const SharingFlag& f) { flags.push_back(f); });
  DownloadEvent e;
  e.user_ref = kRef;
  for (int i = 0; i < 4; ++i) {
    e.time_ms = kT0 + i;
    e.client = "10.0." + std::to_string(i) + ".1";
    detector.Observe(e);
  }
  EXPECT_EQ(flags.size(), 1u);
}

TEST_F(SharingDetectorTest, AddressesInOneSlash24AreOneNetwork) {
  for (int i = 1; i < 200; ++i) See("192.0.2." + std::to_string(i), kT0 + i);
  See("198.51.100.1", kT0 + 1000);
  See("::ffff:198.51.100.77", kT0 + 1001);  // IPv4-mapped: the same /24
  EXPECT_TRUE(flags_.empty());
  See("203.0.113.1", kT0 + 1002);  // third network
  EXPECT_TRUE(flags_.empty());
}

TEST_F(SharingDetectorTest, AddressesInOneSlash64AreOneNetwork) {
  for (int i = 1; i < 50; ++i) See("2001:db8:0:1::" + std::to_string(i), kT0 + i);
  See("2001:db8:0:2::1", kT0 + 100);
  See("2001:db8:0:3::1", kT0 + 101);
  EXPECT_TRUE(flags_.empty());
  See("2001:db8:0:4::1", kT0 + 102);
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].networks, 4);
}

TEST_F(SharingDetectorTest, UserAgentsAboveThresholdFlag) {
  See("10.0.0.1", kT0, "Overcast/1");
  See("10.0.0.1", kT0 + 1, "AppleCoreMedia/1");
  EXPECT_TRUE(flags_.empty());
  See("10.0.0.1", kT0 + 2, "Pocket Casts");
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].networks, 1);
  EXPECT_EQ(flags_[0].user_agents, 3);
}

TEST_F(SharingDetectorTest, OneFlagPerExcessThenAgainAfterTheWindow) {
  FromNetworks(6, kT0);  // over from the 4th on
  See("10.0.99.1", kT0 + kHour);
  EXPECT_EQ(flags_.size(), 1u);
  // The subscriber keeps listening at home; the shared networks age out of the
  // window, so the counts fall back below the threshold and the mark is lifted.
  for (int h = 2; h <= 30; h += 2) See("10.0.0.1", kT0 + h * kHour);
  EXPECT_EQ(flags_.size(), 1u);
  EXPECT_EQ(Detector().users(), 1u);
  for (int i = 1; i <= 3; ++i) See("10.2." + std::to_string(i) + ".1", kT0 + 31 * kHour + i);
  ASSERT_EQ(flags_.size(), 2u);  // a new excess
  EXPECT_EQ(flags_[1].networks, 4);
}

TEST_F(SharingDetectorTest, WindowIsEventTimeNotWallClock) {
  // The same four networks spread over more than the window: never four at once.
  for (int i = 0; i < 8; ++i) See("10.0." + std::to_string(i) + ".1", kT0 + i * 9 * kHour);
  EXPECT_TRUE(flags_.empty());
  // With a 7-day window the same events, replayed at once, flag.
  config_.window_seconds = 7 * 86400;
  detector_.reset();
  for (int i = 0; i < 4; ++i) See("10.0." + std::to_string(i) + ".1", kT0 + i * 9 * kHour);
  EXPECT_EQ(flags_.size(), 1u);
}

TEST_F(SharingDetectorTest, EventsOlderThanTheWindowAreIgnored) {
  See("10.0.0.1", kT0 + 30 * kHour);
  FromNetworks(4, kT0);  // all more than 24 h before the latest event
  EXPECT_TRUE(flags_.empty());
}

TEST_F(SharingDetectorTest, PublicAndUnallowedRequestsAreIgnored) {
  for (const char* ref : {"public", "", "unknown", "u"}) FromNetworks(10, kT0, ref);
  EXPECT_TRUE(flags_.empty());
  EXPECT_EQ(Detector().users(), 0u);
}

TEST_F(SharingDetectorTest, SubscribersAreCountedApart) {
  FromNetworks(3, kT0, "u000000000000001");
  FromNetworks(3, kT0, "u000000000000002");
  EXPECT_TRUE(flags_.empty());
  See("10.9.9.9", kT0 + 1, "App/1", "u000000000000002");
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].user_ref, "u000000000000002");
}

TEST_F(SharingDetectorTest, UnparsableClientCountsItsUserAgentOnly) {
  See("not-an-ip", kT0, "A");
  See("", kT0, "B");
  See("garbage", kT0, "C");
  ASSERT_EQ(flags_.size(), 1u);
  EXPECT_EQ(flags_[0].networks, 0);
}

TEST_F(SharingDetectorTest, MemoryShrinksAsEntriesExpire) {
  for (int u = 0; u < 500; ++u) {
    char ref[17];
    snprintf(ref, sizeof(ref), "u%015x", u);
    See("10.0." + std::to_string(u % 250) + ".1", kT0 + u, "App/" + std::to_string(u % 3), ref);
  }
  EXPECT_EQ(Detector().users(), 500u);
  // Two days later one other subscriber's request sweeps the rest away.
  See("10.0.0.1", kT0 + 48 * kHour, "App/1", "uffffffffffffff0");
  EXPECT_EQ(Detector().users(), 1u);
  EXPECT_EQ(Detector().entries(), 2u);
}

TEST_F(SharingDetectorTest, OneSubscribersEntriesAreCapped) {
  config_.max_networks = 100000;
  config_.max_user_agents = 100000;
  for (int i = 0; i < 3000; ++i) {
    See("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".1", kT0 + i,
        "Agent/" + std::to_string(i));
  }
  EXPECT_EQ(Detector().entries(), 2 * SharingDetector::kMaxEntriesPerUser);
}

}  // namespace
}  // namespace mediagate
