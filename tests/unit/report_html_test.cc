// Tests for the HTML report and its chart: hostile text stays text, nothing
// can be fetched, every compared figure has its hook, empty data reads well.
#include "report/report_html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "audience_fixtures.h"
#include "report/report_chart.h"

namespace mediagate {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

class ReportHtmlTest : public ::testing::Test {
 protected:
  std::string Page(const AudienceFacts& f) { return ReportHtml(Summarize(f), 1764633600); }
};

TEST_F(ReportHtmlTest, HostileTextIsEscaped) {
  AudienceFacts f = SampleFacts();
  f.daily.push_back({f.period.first_day, "x\"><img src=x onerror=alert(2)>", 1});
  f.apps.push_back({"<b onmouseover=alert(3)>App</b>", 1});
  f.open_flags[0].user_ref = "u<svg onload=alert(4)>";
  f.open_flags[0].action = "log<script>";
  const std::string page = Lower(Page(f));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b "), std::string::npos);
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;"),
            std::string::npos);
  EXPECT_NE(page.find("data-file=\"x&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""),
            std::string::npos);
}

TEST_F(ReportHtmlTest, NothingCanBeFetched) {
  const std::string page = Lower(Page(SampleFacts()));
  for (const char* needle : {"http:", "https:", "//", "src=", "href=", "url(", "@import",
                             "<link", "<script", "<img", "<iframe", "<object"}) {
    EXPECT_EQ(page.find(needle), std::string::npos) << needle;
  }
  EXPECT_NE(page.find("content-security-policy\" content=\"default-src 'none'"),
            std::string::npos);
}

TEST_F(ReportHtmlTest, FiguresCarryHooks) {
  const std::string page = Page(SampleFacts());
  EXPECT_NE(page.find("data-metric=\"total\">18<"), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"episodes\">3<"), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"open-flags\">1<"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      page, std::regex("<tr data-file=\"ep1\"><td>Pilot[^\n]*data-metric=\"downloads\">10<")));
  EXPECT_TRUE(std::regex_search(
      page, std::regex("<tr data-app=\"Apple Podcasts\">[^\n]*data-metric=\"downloads\">10<")));
  EXPECT_TRUE(std::regex_search(
      page, std::regex("<tr data-country=\"\"><td>unknown[^\n]*data-metric=\"downloads\">7<")));
  EXPECT_TRUE(
      std::regex_search(page, std::regex("<tr data-day=\"2026-11-30\" data-file=\"ep1\">[^\n]*"
                                         "data-metric=\"downloads\">3<")));
  EXPECT_EQ(Count(page, "<tr data-day="), 5u);  // the non-zero (day, episode) pairs
  EXPECT_NE(page.find("<tr data-flag-id=\"42\"><td data-field=\"user_ref\">u0123456789abcde<"),
            std::string::npos);
  EXPECT_NE(page.find("data-field=\"action\">suspend<"), std::string::npos);
}

TEST_F(ReportHtmlTest, ChartStacksEveryNonZeroFigure) {
  const std::string page = Page(SampleFacts());
  EXPECT_EQ(Count(page, "<svg"), 1u);
  EXPECT_EQ(Count(page, "<rect "), 5u);
  EXPECT_NE(page.find("data-day=\"2026-12-01\" data-series=\"episode\" data-file=\"ep2\" "
                      "data-downloads=\"7\""),
            std::string::npos);
  EXPECT_NE(page.find(">Downloads</text>"), std::string::npos);  // axis label
}

TEST_F(ReportHtmlTest, EpisodesBeyondTheTopAreStackedAsOther) {
  AudienceFacts f = SampleFacts();
  for (int i = 0; i < 8; ++i)
    f.daily.push_back({f.period.first_day, "z" + std::to_string(i), 1});
  const AudienceSummary s = Summarize(f);
  const std::vector<ChartSeries> series = ChartSeriesOf(s);
  ASSERT_EQ(series.size(), kChartEpisodes + 1);
  EXPECT_EQ(series.back().label, "Other episodes");
  int64_t other = 0, all = 0;
  for (int64_t n : series.back().per_day) other += n;
  for (const ChartSeries& c : series) {
    for (int64_t n : c.per_day) all += n;
  }
  EXPECT_EQ(other, 5);  // z3..z7: ep1, ep2, ep3, z0, z1, z2 are on top
  EXPECT_EQ(all, s.total);
  EXPECT_NE(ReportHtml(s, 0).find("data-series=\"other\""), std::string::npos);
}

TEST_F(ReportHtmlTest, EmptyDataSaysSo) {
  AudienceFacts f;
  f.period = {DayFromCivil(2026, 11, 2), DayFromCivil(2026, 12, 1)};
  const std::string page = Page(f);
  EXPECT_NE(page.find("No downloads yet in this period."), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"total\">0<"), std::string::npos);
  EXPECT_NE(page.find("No open sharing flags."), std::string::npos);
  EXPECT_EQ(page.find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("data-country"), std::string::npos);
  EXPECT_EQ(page.substr(page.size() - 15), "</body></html>\n");
}

TEST_F(ReportHtmlTest, NoCountryTableWhenUnknown) {
  AudienceFacts f = SampleFacts();
  f.countries = {{"", 18}};
  EXPECT_EQ(Page(f).find("<h2>Countries</h2>"), std::string::npos);
  EXPECT_NE(Page(SampleFacts()).find("<h2>Countries</h2>"), std::string::npos);
}

}  // namespace
}  // namespace mediagate
