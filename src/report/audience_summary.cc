// Summarize: per-day and per-episode totals, sorted lists.
#include "report/audience_summary.h"

#include <algorithm>

namespace mediagate {
namespace {

std::vector<NamedCount> Sorted(const std::vector<NamedCount>& in) {
  std::map<std::string, int64_t> merged;
  for (const NamedCount& c : in) merged[c.name] += c.downloads;
  std::vector<NamedCount> out;
  for (const auto& [name, n] : merged) out.push_back({name, n});
  std::stable_sort(out.begin(), out.end(), [](const NamedCount& a, const NamedCount& b) {
    return a.downloads > b.downloads;
  });
  return out;
}

}  // namespace

AudienceSummary Summarize(const AudienceFacts& facts) {
  AudienceSummary s;
  s.period = facts.period;
  const int64_t days = facts.period.days();
  s.per_day.assign(days, 0);
  std::map<std::string, EpisodeSeries> by_file;
  for (const DayFileDownloads& d : facts.daily) {
    const int64_t i = d.day - facts.period.first_day;
    if (i < 0 || i >= days) continue;
    EpisodeSeries& e = by_file[d.file_id];
    if (e.per_day.empty()) {
      e.file_id = d.file_id;
      const auto title = facts.titles.find(d.file_id);
      e.title =
          title != facts.titles.end() && !title->second.empty() ? title->second : d.file_id;
      e.per_day.assign(days, 0);
    }
    e.per_day[i] += d.downloads;
    e.downloads += d.downloads;
    s.per_day[i] += d.downloads;
    s.total += d.downloads;
  }
  for (auto& [id, e] : by_file) s.episodes.push_back(std::move(e));
  std::stable_sort(
      s.episodes.begin(), s.episodes.end(),
      [](const EpisodeSeries& a, const EpisodeSeries& b) { return a.downloads > b.downloads; });
  s.apps = Sorted(facts.apps);
  s.countries = Sorted(facts.countries);
  if (std::all_of(s.countries.begin(), s.countries.end(),
                  [](const NamedCount& c) { return c.name.empty(); })) {
    s.countries.clear();
  }
  s.open_flags = facts.open_flags;
  return s;
}

}  // namespace mediagate
