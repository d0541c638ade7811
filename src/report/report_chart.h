// The report's chart: downloads per day as an inline SVG of stacked bars, one
// colour per top episode and one for all the others.
//
// Axis text and lines use currentColor, so the page's light or dark colours
// apply; the series colours read on both. Every bar segment carries
// data-day, data-series and data-downloads (and data-file for an episode)
// plus a <title> tooltip. Text is escaped (feed/xml_escape.h). Pure;
// thread-safe.
#ifndef MEDIAGATE_REPORT_REPORT_CHART_H_
#define MEDIAGATE_REPORT_REPORT_CHART_H_

#include <string>
#include <vector>

#include "report/audience_summary.h"

namespace mediagate {

// Episodes drawn with their own colour; the rest are stacked as "Other".
constexpr size_t kChartEpisodes = 6;

// One stacked series: a top episode, or (file_id empty) every other episode.
struct ChartSeries {
  std::string file_id;
  std::string label;
  const char* color = "";
  std::vector<int64_t> per_day;
};

// The top kChartEpisodes episodes of `summary` in order, then "Other
// episodes" when there are more.
std::vector<ChartSeries> ChartSeriesOf(const AudienceSummary& summary);

// The <svg> element (no XML declaration, no namespace URL: inline HTML5).
// REQUIRES: every series has summary.period.days() entries.
std::string DownloadsChartSvg(const AudienceSummary& summary,
                              const std::vector<ChartSeries>& series);

}  // namespace mediagate

#endif  // MEDIAGATE_REPORT_REPORT_CHART_H_
