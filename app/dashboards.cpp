#include "app/dashboards.h"

#include <algorithm>

namespace tp::app {

using json = nlohmann::json;

bool IsValidDashboardName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<std::string> CheckDashboard(const DashboardSpec& d) {
  std::vector<std::string> errors;
  if (!IsValidDashboardName(d.name)) {
    errors.push_back("name: \"" + d.name + "\" must be 1 to 64 of a-z, 0-9, _ and -, like \"retail\"");
  }
  if (d.title.empty()) errors.push_back("title: must not be empty");
  if (d.panels.empty()) errors.push_back("panels: a dashboard needs at least one panel");
  if (d.panels.size() > kMaxPanels) {
    errors.push_back("panels: " + std::to_string(d.panels.size()) + " panels; at most " +
                     std::to_string(kMaxPanels));
  }
  for (size_t i = 0; i < d.panels.size(); ++i) {
    const PanelSpec& p = d.panels[i];
    const std::string at = "panels[" + std::to_string(i) + "].";
    if (p.title.empty()) errors.push_back(at + "title: must not be empty");
    if (p.sql.find_first_not_of(" \t\r\n") == std::string::npos) {
      errors.push_back(at + "sql: must be a SELECT query");
    }
    if (std::find(kChartTypes.begin(), kChartTypes.end(), p.chart) == kChartTypes.end()) {
      errors.push_back(at + "chart: \"" + p.chart + "\" is not one of line, bar, table, number");
    }
    if (p.refresh.count() < kMinRefreshS || p.refresh.count() > kMaxRefreshS) {
      errors.push_back(at + "refresh: " + std::to_string(p.refresh.count()) +
                       " s is out of range; use 5s..1d");
    }
  }
  return errors;
}

json DashboardToJson(const DashboardSpec& d) {
  json panels = json::array();
  for (const PanelSpec& p : d.panels) {
    panels.push_back({{"title", p.title}, {"sql", p.sql}, {"chart", p.chart},
                      {"refresh_s", p.refresh.count()}});
  }
  return {{"name", d.name}, {"title", d.title}, {"panels", std::move(panels)}};
}

Result<DashboardSpec> DashboardFromJson(const std::string& name, std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const char* shape =
      "a dashboard is {\"title\": \"...\", \"panels\": [{\"title\": \"...\", \"sql\": \"SELECT ...\", "
      "\"chart\": \"line|bar|table|number\", \"refresh_s\": 60}]}";
  if (j.is_discarded() || !j.is_object() || !j.contains("panels") || !j["panels"].is_array()) {
    return Status::InvalidArgument(shape);
  }
  DashboardSpec d;
  d.name = name;
  if (j.contains("title") && j["title"].is_string()) d.title = j["title"];
  for (const json& p : j["panels"]) {
    if (!p.is_object()) return Status::InvalidArgument(shape);
    PanelSpec panel;
    if (p.contains("title") && p["title"].is_string()) panel.title = p["title"];
    if (p.contains("sql") && p["sql"].is_string()) panel.sql = p["sql"];
    if (p.contains("chart") && p["chart"].is_string()) panel.chart = p["chart"];
    if (p.contains("refresh_s")) {
      if (!p["refresh_s"].is_number_integer()) return Status::InvalidArgument("refresh_s must be whole seconds");
      panel.refresh = std::chrono::seconds(p["refresh_s"].get<int64_t>());
    }
    d.panels.push_back(std::move(panel));
  }
  std::vector<std::string> errors = CheckDashboard(d);
  if (!errors.empty()) {
    std::string msg = "dashboard " + name + ": ";
    for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    return Status::InvalidArgument(msg);
  }
  return d;
}

}  // namespace tp::app
