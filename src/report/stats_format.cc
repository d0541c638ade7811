// StatsJson and StatsText.
#include "report/stats_format.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace mediagate {
namespace {

using nlohmann::json;

json Counts(const std::vector<NamedCount>& counts, const char* key) {
  json out = json::array();
  for (const NamedCount& c : counts) out.push_back({{key, c.name}, {"downloads", c.downloads}});
  return out;
}

// `text` with control characters as '?', so a hostile app name or user
// reference cannot drive the terminal.
std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// One "<count, right-aligned>  <name>" line.
std::string Line(int64_t count, const std::string& name) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%10lld  ", static_cast<long long>(count));
  return buf + Printable(name) + "\n";
}

}  // namespace

std::string StatsJson(const AudienceSummary& s) {
  json doc = {{"from", FormatDay(s.period.first_day)},
              {"to", FormatDay(s.period.last_day)},
              {"days", s.period.days()},
              {"total", s.total}};
  json& per_day = doc["per_day"] = json::array();
  for (int64_t i = 0; i < s.period.days(); ++i) {
    per_day.push_back(
        {{"day", FormatDay(s.period.first_day + i)}, {"downloads", s.per_day[i]}});
  }
  json& episodes = doc["episodes"] = json::array();
  for (const EpisodeSeries& e : s.episodes) {
    episodes.push_back({{"file_id", e.file_id},
                        {"title", e.title},
                        {"downloads", e.downloads},
                        {"per_day", e.per_day}});
  }
  doc["apps"] = Counts(s.apps, "app");
  doc["countries"] = Counts(s.countries, "country");
  json& flags = doc["sharing_flags"] = json::array();
  for (const OpenSharingFlag& f : s.open_flags) {
    flags.push_back({{"id", f.id},
                     {"user_ref", f.user_ref},
                     {"flagged_at", FormatUtcTime(f.flagged_at)},
                     {"networks", f.networks},
                     {"user_agents", f.user_agents},
                     {"action", f.action}});
  }
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string StatsText(const AudienceSummary& s) {
  std::string out = "Downloads " + FormatDay(s.period.first_day) + " to " +
                    FormatDay(s.period.last_day) + ": " + std::to_string(s.total) + "\n";
  out += "\nEpisodes\n";
  for (const EpisodeSeries& e : s.episodes) {
    out +=
        Line(e.downloads, e.title == e.file_id ? e.file_id : e.title + " (" + e.file_id + ")");
  }
  out += "\nApps\n";
  for (const NamedCount& c : s.apps) out += Line(c.downloads, c.name);
  if (!s.countries.empty()) {
    out += "\nCountries\n";
    for (const NamedCount& c : s.countries) {
      out += Line(c.downloads, c.name.empty() ? "unknown" : c.name);
    }
  }
  out += "\nOpen sharing flags: " + std::to_string(s.open_flags.size()) + "\n";
  for (const OpenSharingFlag& f : s.open_flags) {
    out += "  #" + std::to_string(f.id) + "  " + FormatUtcTime(f.flagged_at) + "  " +
           Printable(f.user_ref) + "  networks " + std::to_string(f.networks) +
           ", user agents " + std::to_string(f.user_agents) + ", action " + f.action + "\n";
  }
  return out;
}

}  // namespace mediagate
