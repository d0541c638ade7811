// ReportHtml: the page around the chart and the tables.
#include "report/report_html.h"

#include <cstdio>

#include "feed/xml_escape.h"
#include "report/report_chart.h"

namespace mediagate {
namespace {

constexpr char kStyle[] = R"(
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d1d1f; --muted: #6e6e73;
  --card: #f4f4f6; --line: #d8d8dc; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #151517; --fg: #ececf0; --muted: #a1a1a8; --card: #222226; --line: #3a3a40; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.2rem 0; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 0.6rem; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 1rem; }
.card { background: var(--card); border-radius: 10px; padding: 12px 16px; min-width: 140px; }
.card .figure { display: block; font-size: 1.9rem; font-weight: 650; }
.chart { width: 100%; min-width: 600px; height: auto; display: block; color: var(--fg); }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: currentColor; stroke-width: 1; }
.chart text { fill: currentColor; font-size: 11px; }
.chart .axis-label { fill: var(--muted); font-size: 12px; }
.legend { list-style: none; padding: 0; margin: 0.5rem 0; display: flex; flex-wrap: wrap;
  gap: 6px 16px; font-size: 0.9rem; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px;
  margin-right: 0.35em; vertical-align: -0.05em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.empty { background: var(--card); border-radius: 10px; padding: 16px; }
details { margin-top: 1.8rem; }
)";

std::string Esc(const std::string& text) { return XmlEscaped(text); }

std::string Percent(int64_t part, int64_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.1f%%", whole > 0 ? 100.0 * part / whole : 0.0);
  return buf;
}

std::string Card(const char* label, const char* metric, int64_t value) {
  return std::string("<div class=\"card\"><span class=\"muted\">") + label +
         "</span><span class=\"figure\" data-metric=\"" + metric + "\">" +
         std::to_string(value) + "</span></div>\n";
}

std::string DownloadsCell(int64_t n) {
  return "<td class=\"num\" data-metric=\"downloads\">" + std::to_string(n) + "</td>";
}

// A table of names and counts; `hook` names the row attribute (data-app...).
std::string CountTable(const char* heading, const char* hook,
                       const std::vector<NamedCount>& rows, int64_t total) {
  std::string out = std::string("<div class=\"scroll\"><table><thead><tr><th>") + heading +
                    "</th><th class=\"num\">Downloads</th><th class=\"num\">Share</th></tr>"
                    "</thead><tbody>\n";
  for (size_t i = 0; i < rows.size() && i < kReportTableRows; ++i) {
    const NamedCount& c = rows[i];
    out += std::string("<tr ") + hook + "=\"" + Esc(c.name) + "\"><td>" +
           Esc(c.name.empty() ? "unknown" : c.name) + "</td>" + DownloadsCell(c.downloads) +
           "<td class=\"num\">" + Percent(c.downloads, total) + "</td></tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (rows.size() > kReportTableRows) {
    out += "<p class=\"muted\">" + std::to_string(rows.size() - kReportTableRows) +
           " more: see <code>mediagate stats</code>.</p>\n";
  }
  return out;
}

std::string ChartSection(const AudienceSummary& s) {
  const std::vector<ChartSeries> series = ChartSeriesOf(s);
  std::string out = "<section><h2>Downloads per day</h2>\n<div class=\"scroll\">" +
                    DownloadsChartSvg(s, series) + "</div>\n<ul class=\"legend\">\n";
  for (const ChartSeries& c : series) {
    out += std::string("<li><span class=\"swatch\" style=\"background:") + c.color +
           "\"></span>" + Esc(c.label) + "</li>\n";
  }
  return out + "</ul></section>\n";
}

std::string EpisodeSection(const AudienceSummary& s) {
  std::string out =
      "<section><h2>Top episodes</h2><div class=\"scroll\"><table><thead><tr>"
      "<th>Episode</th><th class=\"num\">Downloads</th><th class=\"num\">Share</th></tr>"
      "</thead><tbody>\n";
  for (size_t i = 0; i < s.episodes.size() && i < kReportTableRows; ++i) {
    const EpisodeSeries& e = s.episodes[i];
    out += "<tr data-file=\"" + Esc(e.file_id) + "\"><td>" + Esc(e.title);
    if (e.title != e.file_id) out += " <span class=\"muted\">(" + Esc(e.file_id) + ")</span>";
    out += "</td>" + DownloadsCell(e.downloads) + "<td class=\"num\">" +
           Percent(e.downloads, s.total) + "</td></tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (s.episodes.size() > kReportTableRows) {
    out += "<p class=\"muted\">" + std::to_string(s.episodes.size() - kReportTableRows) +
           " more: see <code>mediagate stats</code>.</p>\n";
  }
  return out + "</section>\n";
}

std::string FlagSection(const AudienceSummary& s) {
  std::string out = "<section><h2>Sharing flags</h2>\n";
  if (s.open_flags.empty())
    return out + "<p class=\"muted\">No open sharing flags.</p></section>\n";
  out +=
      "<p class=\"muted\">Subscribers whose links were used from more networks or apps in "
      "24 h than allowed. <code>mediagate sharing</code> shows who they are and clears "
      "flags.</p>\n<div class=\"scroll\"><table><thead><tr><th>Subscriber</th><th>Flagged "
      "(UTC)</th><th class=\"num\">Networks</th><th class=\"num\">User agents</th>"
      "<th>Action</th></tr></thead><tbody>\n";
  for (const OpenSharingFlag& f : s.open_flags) {
    out += "<tr data-flag-id=\"" + std::to_string(f.id) + "\"><td data-field=\"user_ref\">" +
           Esc(f.user_ref) + "</td><td data-field=\"flagged_at\">" +
           FormatUtcTime(f.flagged_at) + "</td><td class=\"num\" data-field=\"networks\">" +
           std::to_string(f.networks) + "</td><td class=\"num\" data-field=\"user_agents\">" +
           std::to_string(f.user_agents) + "</td><td data-field=\"action\">" + Esc(f.action) +
           "</td></tr>\n";
  }
  return out + "</tbody></table></div></section>\n";
}

std::string DailySection(const AudienceSummary& s) {
  std::string out =
      "<details><summary>Daily figures</summary><div class=\"scroll\"><table><thead><tr>"
      "<th>Day</th><th>Episode</th><th class=\"num\">Downloads</th></tr></thead><tbody>\n";
  for (int64_t i = 0; i < s.period.days(); ++i) {
    const std::string day = FormatDay(s.period.first_day + i);
    for (const EpisodeSeries& e : s.episodes) {
      if (e.per_day[i] == 0) continue;
      out += "<tr data-day=\"" + day + "\" data-file=\"" + Esc(e.file_id) + "\"><td>" + day +
             "</td><td>" + Esc(e.title) + "</td>" + DownloadsCell(e.per_day[i]) + "</tr>\n";
    }
  }
  return out + "</tbody></table></div></details>\n";
}

}  // namespace

std::string ReportHtml(const AudienceSummary& s, int64_t generated_at) {
  const std::string period =
      FormatDay(s.period.first_day) + " to " + FormatDay(s.period.last_day);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<title>Audience " +
      period + "</title>\n<style>" + kStyle +
      "</style></head>\n<body><main>\n<h1>Audience</h1>\n<p class=\"muted\">" + period + " (" +
      std::to_string(s.period.days()) +
      " days, UTC) &#183; IAB v2.2 downloads &#183; "
      "generated " +
      FormatUtcTime(generated_at) + "</p>\n<div class=\"cards\">\n" +
      Card("Downloads", "total", s.total) +
      Card("Episodes", "episodes", static_cast<int64_t>(s.episodes.size())) +
      Card("Open sharing flags", "open-flags", static_cast<int64_t>(s.open_flags.size())) +
      "</div>\n";
  if (s.total == 0) {
    out +=
        "<section><h2>Downloads per day</h2><p class=\"empty\" data-metric=\"empty\">No "
        "downloads yet in this period.</p></section>\n";
  } else {
    out += ChartSection(s) + EpisodeSection(s) + "<section><h2>Apps</h2>\n" +
           CountTable("App", "data-app", s.apps, s.total) + "</section>\n";
    if (!s.countries.empty()) {
      out += "<section><h2>Countries</h2>\n" +
             CountTable("Country", "data-country", s.countries, s.total) + "</section>\n";
    }
  }
  out += FlagSection(s);
  if (s.total > 0) out += DailySection(s);
  return out + "</main></body></html>\n";
}

}  // namespace mediagate
