// Tests for packaging/grafana/mediagate-dashboard.json: valid JSON with what
// Grafana needs to import it, every metric its queries name is one that
// mediagate's /metrics text (Metrics::RenderPrometheus) really has, and
// every metric family mediagate exports is on the dashboard.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "mediagate/metrics.h"

namespace mediagate {
namespace {

using nlohmann::json;

json Dashboard() {
  std::ifstream in(MEDIAGATE_GRAFANA_DASHBOARD);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// Sample names ("mediagate_x_bucket") and family names (# TYPE lines).
void ExportedNames(std::set<std::string>* samples, std::set<std::string>* families) {
  std::istringstream text(Metrics::CreatePrivate()->RenderPrometheus());
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      families->insert(line.substr(7, line.find(' ', 7) - 7));
    } else if (!line.empty() && line[0] != '#') {
      samples->insert(line.substr(0, line.find_first_of("{ ")));
    }
  }
}

// Every query text of the dashboard: panel targets and templating queries.
std::vector<std::string> Queries(const json& dash) {
  std::vector<std::string> out;
  for (const json& panel : dash["panels"]) {
    for (const json& t : panel["targets"]) out.push_back(t.value("expr", ""));
  }
  for (const json& v : dash["templating"]["list"]) {
    if (v.value("type", "") == "query") out.push_back(v.value("definition", ""));
  }
  return out;
}

TEST(GrafanaDashboardTest, IsAnImportableDashboard) {
  const json dash = Dashboard();
  ASSERT_FALSE(dash.is_discarded()) << "not valid JSON: " << MEDIAGATE_GRAFANA_DASHBOARD;
  EXPECT_EQ(dash.value("uid", ""), "mediagate");
  EXPECT_FALSE(dash.value("title", "").empty());
  EXPECT_TRUE(dash["schemaVersion"].is_number_integer());
  ASSERT_TRUE(dash["panels"].is_array());
  ASSERT_GE(dash["panels"].size(), 6u);
  std::set<int> ids;
  for (const json& p : dash["panels"]) {
    const std::string title = p.value("title", "");
    EXPECT_FALSE(title.empty());
    EXPECT_TRUE(ids.insert(p.value("id", 0)).second) << "duplicate id: " << title;
    EXPECT_TRUE(p["type"] == "timeseries" || p["type"] == "stat") << title;
    const json& g = p["gridPos"];
    for (const char* k : {"h", "w", "x", "y"}) EXPECT_TRUE(g[k].is_number_integer()) << title;
    EXPECT_LE(g.value("x", 0) + g.value("w", 0), 24) << title;
    EXPECT_EQ(p["datasource"]["uid"], "${datasource}") << title;
    ASSERT_FALSE(p["targets"].empty()) << title;
    for (const json& t : p["targets"]) {
      EXPECT_FALSE(t.value("refId", "").empty()) << title;
      EXPECT_FALSE(t.value("expr", "").empty()) << title;
    }
  }
  EXPECT_EQ(dash["templating"]["list"][0]["type"], "datasource");
  EXPECT_EQ(dash["templating"]["list"][0]["query"], "prometheus");
}

TEST(GrafanaDashboardTest, QueriesOnlyMetricsMediagateExports) {
  std::set<std::string> samples, families;
  ExportedNames(&samples, &families);
  ASSERT_GE(samples.size(), 8u);
  const std::regex metric("mediagate_[a-z0-9_]+");
  std::set<std::string> used;
  for (const std::string& q : Queries(Dashboard())) {
    for (std::sregex_iterator it(q.begin(), q.end(), metric), end; it != end; ++it) {
      EXPECT_EQ(samples.count(it->str()), 1u)
          << it->str() << " is not in /metrics (" << q << ")";
      used.insert(it->str());
    }
  }
  for (const std::string& family : families) {
    bool shown = false;
    for (const std::string& u : used) shown = shown || u.rfind(family, 0) == 0;
    EXPECT_TRUE(shown) << family << " is exported but not on the dashboard";
  }
}

}  // namespace
}  // namespace mediagate
