// Dashboards: `[[dashboards]]` in the config, or saved from the admin page
// into the catalog (a saved copy wins over the config's of the same name).
// One rule set checks both, so a dashboard the page saves would also load
// from a config file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "stream/status.h"

namespace tp::app {

inline const std::vector<std::string> kChartTypes = {"line", "bar", "table", "number"};
constexpr int kMaxPanels = 24;
constexpr int kMinRefreshS = 5;
constexpr int kMaxRefreshS = 24 * 3600;

bool IsValidDashboardName(std::string_view name);

// Every problem with `d`, each starting with where it is ("title",
// "panels[2].chart", ...); empty when `d` is valid.
std::vector<std::string> CheckDashboard(const DashboardSpec& d);

// {"name","title","panels":[{"title","sql","chart","refresh_s"}]}
nlohmann::json DashboardToJson(const DashboardSpec& d);
// The inverse, checked by CheckDashboard; InvalidArgument lists every problem.
Result<DashboardSpec> DashboardFromJson(const std::string& name, std::string_view text);

}  // namespace tp::app
