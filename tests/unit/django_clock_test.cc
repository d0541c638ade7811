// Tests for DjangoClock, Django's token clock: seconds since 2001-01-01 in
// the configured zone's wall time (UTC, fixed and fractional offsets, and the
// America/New_York DST jumps in both directions), seconds since local
// midnight, and NotFound for zones that do not exist.
#include "token/django_clock.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mediagate {
namespace {

constexpr int64_t kFactsInstant = 1735787045;  // 2025-01-02T03:04:05Z
constexpr int64_t kUnix2001 = 978307200;       // 2001-01-01T00:00:00Z

DjangoClock MustCreate(const std::string& zone) {
  auto clock = DjangoClock::Create(zone);
  EXPECT_TRUE(clock.ok()) << clock.status().ToString();
  return std::move(clock).value();
}

TEST(DjangoClockTest, UtcKnownAnswer) {
  const DjangoClock utc = MustCreate("UTC");
  EXPECT_EQ(utc.SecondsSince2001(kFactsInstant), 757479845);
  EXPECT_EQ(utc.SecondsSince2001(kUnix2001), 0);
  EXPECT_EQ(utc.SecondsSince2001(kUnix2001 - 1), -1);
}

TEST(DjangoClockTest, KolkataIsFiveAndAHalfHoursAhead) {
  const DjangoClock kolkata = MustCreate("Asia/Kolkata");
  EXPECT_EQ(kolkata.SecondsSince2001(kFactsInstant), 757479845 + 19800);
}

TEST(DjangoClockTest, ChathamHasQuarterHourOffset) {
  // 2025-01-02 is summer in New Zealand: UTC+13:45.
  const DjangoClock chatham = MustCreate("Pacific/Chatham");
  EXPECT_EQ(chatham.SecondsSince2001(kFactsInstant), 757479845 + 13 * 3600 + 45 * 60);
}

TEST(DjangoClockTest, NewYorkSpringForwardSkipsAnHour) {
  const DjangoClock ny = MustCreate("America/New_York");
  // 2024-03-10 06:59:59Z is 01:59:59 EST; 07:00:00Z is 03:00:00 EDT.
  const int64_t before = ny.SecondsSince2001(1710053999);
  const int64_t after = ny.SecondsSince2001(1710054000);
  EXPECT_EQ(before, 731728799);
  EXPECT_EQ(after - before, 3601);
}

TEST(DjangoClockTest, NewYorkFallBackRepeatsAnHour) {
  const DjangoClock ny = MustCreate("America/New_York");
  // 2024-11-03 05:59:59Z is 01:59:59 EDT; 06:00:00Z is 01:00:00 EST.
  const int64_t before = ny.SecondsSince2001(1730613599);
  const int64_t after = ny.SecondsSince2001(1730613600);
  EXPECT_EQ(before, 752291999);
  EXPECT_EQ(after - before, -3599);
}

TEST(DjangoClockTest, SecondsSinceMidnight) {
  const DjangoClock utc = MustCreate("UTC");
  EXPECT_EQ(utc.SecondsSinceMidnight(kFactsInstant), 3 * 3600 + 4 * 60 + 5);
  EXPECT_EQ(utc.SecondsSinceMidnight(kUnix2001), 0);
  EXPECT_EQ(utc.SecondsSinceMidnight(kUnix2001 - 1), 86399);
  const DjangoClock kolkata = MustCreate("Asia/Kolkata");
  EXPECT_EQ(kolkata.SecondsSinceMidnight(kFactsInstant), 8 * 3600 + 34 * 60 + 5);
  // Right after spring forward the wall clock reads 03:00:00.
  const DjangoClock ny = MustCreate("America/New_York");
  EXPECT_EQ(ny.SecondsSinceMidnight(1710054000), 3 * 3600);
}

TEST(DjangoClockTest, UnknownZoneIsNotFound) {
  for (const char* name : {"Not/AZone", "", "utc/../../etc/passwd"}) {
    SCOPED_TRACE(name);
    auto clock = DjangoClock::Create(name);
    ASSERT_FALSE(clock.ok());
    EXPECT_EQ(clock.status().code(), Status::Code::kNotFound);
  }
  auto clock = DjangoClock::Create("Not/AZone");
  EXPECT_NE(clock.status().message().find("Not/AZone"), std::string::npos);
}

}  // namespace
}  // namespace mediagate
