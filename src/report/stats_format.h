// `mediagate stats` output: the AudienceSummary as JSON or as plain text.
//
// JSON (one object, documented in the README "Reports"):
//   {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "days": N, "total": N,
//    "per_day": [{"day", "downloads"}...],            every day of the period
//    "episodes": [{"file_id", "title", "downloads", "per_day": [N...]}...],
//    "apps": [{"app", "downloads"}...], "countries": [{"country", "downloads"}...],
//    "sharing_flags": [{"id", "user_ref", "flagged_at", "networks",
//                       "user_agents", "action"}...]}
// Strings are valid UTF-8 (invalid bytes become U+FFFD). Pure; thread-safe.
#ifndef MEDIAGATE_REPORT_STATS_FORMAT_H_
#define MEDIAGATE_REPORT_STATS_FORMAT_H_

#include <string>

#include "report/audience_summary.h"

namespace mediagate {

// The JSON document above, pretty-printed, ending in a newline.
std::string StatsJson(const AudienceSummary& summary);

// Aligned tables for a terminal: total, top episodes, apps, countries, flags.
std::string StatsText(const AudienceSummary& summary);

}  // namespace mediagate

#endif  // MEDIAGATE_REPORT_STATS_FORMAT_H_
