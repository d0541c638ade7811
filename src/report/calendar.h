// Calendar days for the audience report: UTC days counted from 1970-01-01,
// ISO 8601 text ("2026-12-01"), and the period a report covers.
//
// mediagate_downloads_daily counts per UTC day; the report and `mediagate
// stats` select whole days, so a day number is all they need (no time zone
// database). Pure functions; thread-safe.
#ifndef MEDIAGATE_REPORT_CALENDAR_H_
#define MEDIAGATE_REPORT_CALENDAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mediagate/result.h"

namespace mediagate {

// Days since 1970-01-01 of a proleptic Gregorian date. REQUIRES: a valid date.
int64_t DayFromCivil(int64_t year, int month, int day);

// The UTC day that contains `unix_seconds` (floors for negative times).
int64_t DayOfUnixTime(int64_t unix_seconds);

// "YYYY-MM-DD" of a day number (years 0000-9999; others print as many digits
// as they need).
std::string FormatDay(int64_t day);

// "YYYY-MM-DDTHH:MM:SSZ" of a Unix time.
std::string FormatUtcTime(int64_t unix_seconds);

// The day of exactly "YYYY-MM-DD" (a real date, years 1970-9999); nullopt for
// anything else ("2026-2-1", "2026-02-30", " 2026-02-01").
std::optional<int64_t> ParseDay(std::string_view text);

// The days a report covers, both ends included. first_day <= last_day.
struct ReportPeriod {
  int64_t first_day = 0;
  int64_t last_day = 0;
  int64_t days() const { return last_day - first_day + 1; }
};

// The longest period a report covers, in days (ten years).
constexpr int64_t kMaxReportDays = 3660;

// The period from the command line: `from`/`to` ("YYYY-MM-DD", both or
// neither) or else the last `days` days ending with `today` (included).
// InvalidArgument naming the option for an unparsable date, only one of
// from/to, from after to, days outside 1..kMaxReportDays or a period longer
// than that.
Result<ReportPeriod> ChoosePeriod(int64_t days, const std::string& from, const std::string& to,
                                  int64_t today);

}  // namespace mediagate

#endif  // MEDIAGATE_REPORT_CALENDAR_H_
