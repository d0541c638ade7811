// Calendar days: Howard Hinnant's days_from_civil / civil_from_days.
#include "report/calendar.h"

#include <cstdio>

namespace mediagate {
namespace {

struct Civil {
  int64_t year;
  int month, day;
};

Civil CivilFromDay(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

int Digits(std::string_view text, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

int64_t DayFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t DayOfUnixTime(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
}

std::string FormatDay(int64_t day) {
  const Civil c = CivilFromDay(day);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                c.day);
  return buf;
}

std::string FormatUtcTime(int64_t unix_seconds) {
  const int64_t day = DayOfUnixTime(unix_seconds);
  const int64_t s = unix_seconds - day * 86400;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02dZ", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return FormatDay(day) + buf;
}

std::optional<int64_t> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const int64_t day = DayFromCivil(y, m, d);
  if (CivilFromDay(day).day != d) return std::nullopt;  // Feb 30 rolls into March
  return day;
}

Result<ReportPeriod> ChoosePeriod(int64_t days, const std::string& from, const std::string& to,
                                  int64_t today) {
  if (from.empty() != to.empty()) {
    return Status::InvalidArgument("--from and --to go together");
  }
  if (from.empty()) {
    if (days < 1 || days > kMaxReportDays) {
      return Status::InvalidArgument("--days " + std::to_string(days) + ": must be 1 to " +
                                     std::to_string(kMaxReportDays));
    }
    return ReportPeriod{today - days + 1, today};
  }
  const std::optional<int64_t> first = ParseDay(from), last = ParseDay(to);
  if (!first) return Status::InvalidArgument("--from \"" + from + "\": expected YYYY-MM-DD");
  if (!last) return Status::InvalidArgument("--to \"" + to + "\": expected YYYY-MM-DD");
  if (*first > *last) return Status::InvalidArgument("--from " + from + " is after --to " + to);
  if (*last - *first + 1 > kMaxReportDays) {
    return Status::InvalidArgument("--from " + from + " --to " + to + ": more than " +
                                   std::to_string(kMaxReportDays) + " days");
  }
  return ReportPeriod{*first, *last};
}

}  // namespace mediagate
