// Tests for the report's calendar: day numbers, ISO text, and the period the
// command-line options choose.
#include "report/calendar.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(CalendarTest, DayNumbersRoundTrip) {
  EXPECT_EQ(DayFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DayFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(FormatDay(0), "1970-01-01");
  EXPECT_EQ(FormatDay(DayFromCivil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(FormatDay(DayFromCivil(2026, 12, 31) + 1), "2027-01-01");
  EXPECT_EQ(DayOfUnixTime(86399), 0);
  EXPECT_EQ(DayOfUnixTime(86400), 1);
  EXPECT_EQ(DayOfUnixTime(-1), -1);
  EXPECT_EQ(FormatUtcTime(1764633600 + 3723), "2025-12-02T01:02:03Z");
}

TEST(CalendarTest, ParsesOnlyRealIsoDates) {
  EXPECT_EQ(ParseDay("2026-12-01"), DayFromCivil(2026, 12, 1));
  EXPECT_EQ(ParseDay("2024-02-29"), DayFromCivil(2024, 2, 29));
  for (const char* bad :
       {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-2-01", " 2026-02-01",
        "2026-02-01 ", "2026/02/01", "1969-12-31", "", "abcd-ef-gh", "2026-02-+1"}) {
    EXPECT_FALSE(ParseDay(bad).has_value()) << bad;
  }
}

TEST(CalendarTest, DaysEndWithToday) {
  const int64_t today = DayFromCivil(2026, 12, 1);
  const Result<ReportPeriod> p = ChoosePeriod(30, "", "", today);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(FormatDay(p->first_day), "2026-11-02");
  EXPECT_EQ(p->last_day, today);
  EXPECT_EQ(p->days(), 30);
  EXPECT_EQ(ChoosePeriod(1, "", "", today)->days(), 1);
}

TEST(CalendarTest, FromToIncludesBothEnds) {
  const Result<ReportPeriod> p = ChoosePeriod(30, "2026-01-30", "2026-02-02", 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->days(), 4);
  EXPECT_EQ(FormatDay(p->first_day), "2026-01-30");
}

TEST(CalendarTest, RejectsBadPeriodsNamingTheOption) {
  const struct {
    int64_t days;
    const char *from, *to, *needle;
  } cases[] = {
      {0, "", "", "--days 0"},
      {-3, "", "", "--days -3"},
      {kMaxReportDays + 1, "", "", "--days 3661"},
      {30, "2026-01-01", "", "--from and --to"},
      {30, "", "2026-01-01", "--from and --to"},
      {30, "2026-01-32", "2026-02-01", "--from \"2026-01-32\""},
      {30, "2026-01-01", "tomorrow", "--to \"tomorrow\""},
      {30, "2026-02-02", "2026-02-01", "after --to"},
      {30, "2000-01-01", "2026-01-01", "more than 3660 days"},
  };
  for (const auto& c : cases) {
    const Result<ReportPeriod> p = ChoosePeriod(c.days, c.from, c.to, 20000);
    ASSERT_FALSE(p.ok()) << c.needle;
    EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.needle), std::string::npos) << p.status().message();
  }
}

}  // namespace
}  // namespace mediagate
