// AudienceFacts (what the database holds for a period) and AudienceSummary
// (the numbers `mediagate stats` prints and `mediagate report` draws).
//
// store/audience_query.h fills AudienceFacts from mediagate_downloads_daily,
// the built-in schema's titles and mediagate_sharing_flags; Summarize()
// shapes them. Pure; thread-safe.
#ifndef MEDIAGATE_REPORT_AUDIENCE_SUMMARY_H_
#define MEDIAGATE_REPORT_AUDIENCE_SUMMARY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "report/calendar.h"

namespace mediagate {

// Downloads of one file on one UTC day (summed over apps and countries).
struct DayFileDownloads {
  int64_t day = 0;
  std::string file_id;
  int64_t downloads = 0;
};

// Downloads by one app ("Overcast") or country ("DE"; "" is unknown).
struct NamedCount {
  std::string name;
  int64_t downloads = 0;
};

// An open (not cleared) row of mediagate_sharing_flags. The email is left
// out on purpose: a report file travels (cron, mail, a web directory), and
// `mediagate sharing` resolves the reference for whoever may see it.
struct OpenSharingFlag {
  int64_t id = 0;
  std::string user_ref;
  int64_t flagged_at = 0;  // Unix seconds
  int64_t networks = 0;
  int64_t user_agents = 0;
  std::string action;  // log, rotate or suspend
};

struct AudienceFacts {
  ReportPeriod period;
  std::vector<DayFileDownloads> daily;        // any order; days outside period are ignored
  std::vector<NamedCount> apps;               // any order
  std::vector<NamedCount> countries;          // any order
  std::map<std::string, std::string> titles;  // file id -> episode title, when known
  std::vector<OpenSharingFlag> open_flags;    // newest first
};

// One episode (file) over the period.
struct EpisodeSeries {
  std::string file_id;
  std::string title;  // the episode's title, else the file id
  int64_t downloads = 0;
  std::vector<int64_t> per_day;  // period.days() entries, first day first
};

struct AudienceSummary {
  ReportPeriod period;
  int64_t total = 0;
  std::vector<int64_t> per_day;             // every episode, period.days() entries
  std::vector<EpisodeSeries> episodes;      // most downloads first, then by file id
  std::vector<NamedCount> apps;             // most downloads first, then by name
  std::vector<NamedCount> countries;        // likewise; empty when every country is ""
  std::vector<OpenSharingFlag> open_flags;  // as given
};

// The summary of `facts`: totals per day and per episode, apps and countries
// sorted (equal counts by name, so the order is stable).
AudienceSummary Summarize(const AudienceFacts& facts);

}  // namespace mediagate

#endif  // MEDIAGATE_REPORT_AUDIENCE_SUMMARY_H_
