// DownloadsChartSvg: layout of the stacked bars, axes and tick labels.
#include "report/report_chart.h"

#include <algorithm>
#include <cstdio>

#include "feed/xml_escape.h"

namespace mediagate {
namespace {

// Colours that keep their contrast on a white and on a near-black page.
constexpr const char* kColors[] = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f",
                                   "#b07aa1", "#edc948", "#9c9c9c"};
static_assert(sizeof(kColors) / sizeof(kColors[0]) == kChartEpisodes + 1, "one per series");

constexpr double kWidth = 720, kHeight = 300;
constexpr double kLeft = 56, kRight = 12, kTop = 14, kBottom = 40;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// The smallest 1/2/5 x 10^k step that covers `max` in at most five steps.
int64_t TickStep(int64_t max) {
  int64_t step = 1;
  while (true) {
    for (int64_t m : {1, 2, 5}) {
      if (max <= 5 * m * step) return m * step;
    }
    step *= 10;
  }
}

}  // namespace

std::vector<ChartSeries> ChartSeriesOf(const AudienceSummary& s) {
  std::vector<ChartSeries> out;
  for (const EpisodeSeries& e : s.episodes) {
    if (out.size() < kChartEpisodes) {
      out.push_back({e.file_id, e.title, kColors[out.size()], e.per_day});
    } else if (out.size() == kChartEpisodes) {
      out.push_back({"", "Other episodes", kColors[kChartEpisodes], e.per_day});
    } else {
      for (size_t i = 0; i < e.per_day.size(); ++i) out.back().per_day[i] += e.per_day[i];
    }
  }
  return out;
}

std::string DownloadsChartSvg(const AudienceSummary& s,
                              const std::vector<ChartSeries>& series) {
  const int64_t days = s.period.days();
  const int64_t peak =
      std::max<int64_t>(1, *std::max_element(s.per_day.begin(), s.per_day.end()));
  const int64_t step = TickStep(peak);
  const int64_t top = (peak + step - 1) / step * step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double slot = plot_w / static_cast<double>(days);
  const double bar = slot > 3 ? slot * 0.8 : slot;
  const auto y_of = [&](double v) {
    return kTop + plot_h - v / static_cast<double>(top) * plot_h;
  };

  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kHeight) +
                    "\" role=\"img\" aria-labelledby=\"chart-title\">"
                    "<title id=\"chart-title\">Downloads per day</title>\n";
  // Y axis: gridlines and labels.
  for (int64_t v = 0; v <= top; v += step) {
    const std::string y = Num(y_of(static_cast<double>(v)));
    svg += "<line class=\"grid\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) +
           "\" y1=\"" + y + "\" y2=\"" + y + "\"/><text class=\"tick\" x=\"" + Num(kLeft - 6) +
           "\" y=\"" + y + "\" text-anchor=\"end\" dominant-baseline=\"middle\">" +
           std::to_string(v) + "</text>\n";
  }
  svg += "<text class=\"axis-label\" transform=\"translate(14 " + Num(kTop + plot_h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">Downloads</text>\n";
  // X axis: about eight date labels.
  const int64_t label_every = std::max<int64_t>(1, (days + 7) / 8);
  for (int64_t i = 0; i < days; i += label_every) {
    svg += "<text class=\"tick\" x=\"" + Num(kLeft + slot * (static_cast<double>(i) + 0.5)) +
           "\" y=\"" + Num(kHeight - kBottom + 16) + "\" text-anchor=\"middle\">" +
           FormatDay(s.period.first_day + i).substr(5) + "</text>\n";
  }
  svg += "<text class=\"axis-label\" x=\"" + Num(kLeft + plot_w / 2) + "\" y=\"" +
         Num(kHeight - 4) + "\" text-anchor=\"middle\">Day (UTC)</text>\n";
  // The bars, bottom-up in series order.
  for (int64_t i = 0; i < days; ++i) {
    int64_t below = 0;
    const std::string day = FormatDay(s.period.first_day + i);
    for (const ChartSeries& c : series) {
      const int64_t n = c.per_day[i];
      if (n == 0) continue;
      const double y1 = y_of(static_cast<double>(below + n)),
                   y0 = y_of(static_cast<double>(below));
      below += n;
      svg += "<rect x=\"" + Num(kLeft + slot * static_cast<double>(i) + (slot - bar) / 2) +
             "\" y=\"" + Num(y1) + "\" width=\"" + Num(bar) + "\" height=\"" + Num(y0 - y1) +
             "\" fill=\"" + c.color + "\" data-day=\"" + day + "\" data-series=\"" +
             (c.file_id.empty() ? "other" : "episode") + "\"";
      if (!c.file_id.empty()) svg += " data-file=\"" + XmlEscaped(c.file_id) + "\"";
      svg += " data-downloads=\"" + std::to_string(n) + "\"><title>" + day + " " +
             XmlEscaped(c.label) + ": " + std::to_string(n) + "</title></rect>\n";
    }
  }
  svg += "<line class=\"axis\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) +
         "\" y1=\"" + Num(kTop + plot_h) + "\" y2=\"" + Num(kTop + plot_h) + "\"/>\n</svg>";
  return svg;
}

}  // namespace mediagate
