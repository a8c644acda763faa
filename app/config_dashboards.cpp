// [[dashboards]] and their [[dashboards.panels]]: read into DashboardSpec and
// checked by the same rules as a dashboard saved from the page
// (app/dashboards.h), each problem reported at its key.
#include <set>

#include "app/config_loader.h"
#include "app/dashboards.h"

namespace tp::app::config_internal {

namespace {

const std::vector<std::string> kDashboardKeys = {"name", "title", "panels"};
const std::vector<std::string> kPanelKeys = {"title", "sql", "chart", "refresh"};

// The node a CheckDashboard() problem ("panels[2].chart: ...") is about.
const toml::node* NodeOf(const toml::table& dash, const std::string& problem) {
  const toml::node* at = &dash;
  std::string_view p = problem;
  auto field = [](const toml::table& t, std::string_view rest, const toml::node* fallback) {
    auto colon = rest.find(':');
    const toml::node* n = t.get(std::string(rest.substr(0, colon)));
    return n ? n : fallback;
  };
  if (p.starts_with("panels[")) {
    size_t close = p.find(']');
    size_t i = std::stoul(std::string(p.substr(7, close - 7)));
    const toml::array* panels = dash.get_as<toml::array>("panels");
    if (panels && i < panels->size() && (*panels)[i].is_table()) {
      const toml::table& panel = *(*panels)[i].as_table();
      return field(panel, p.substr(close + 2), &panel);
    }
    return at;
  }
  return field(dash, p, at);
}

}  // namespace

void Loader::LoadDashboards(const toml::node& n) {
  const toml::array* list = n.as_array();
  if (!list || !list->is_array_of_tables()) {
    Error(n, "dashboards: write each dashboard as a [[dashboards]] table with name, title and "
             "[[dashboards.panels]]");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::table& t = *(*list)[i].as_table();
    const std::string path = "dashboards[" + std::to_string(i) + "]";
    DashboardSpec d;
    bool ok = true;
    for (auto [key, value] : InFileOrder(t)) {
      const std::string k(key->str());
      if (std::find(kDashboardKeys.begin(), kDashboardKeys.end(), k) == kDashboardKeys.end()) {
        UnknownKey(*key, "in " + path, kDashboardKeys);
        ok = false;
      } else if (k == "name" || k == "title") {
        const std::string* s = ExpectString(*value, path + "." + k, k == "name" ? "\"retail\"" : "\"Sales\"");
        if (!s) ok = false;
        else (k == "name" ? d.name : d.title) = *s;
      } else if (k == "panels") {
        const toml::array* panels = value->as_array();
        if (!panels || !panels->is_array_of_tables()) {
          Error(*value, path + ".panels: write each panel as a [[dashboards.panels]] table");
          ok = false;
          continue;
        }
        for (size_t j = 0; j < panels->size(); ++j) {
          const toml::table& pt = *(*panels)[j].as_table();
          const std::string ppath = path + ".panels[" + std::to_string(j) + "]";
          PanelSpec panel;
          for (auto [pkey, pvalue] : InFileOrder(pt)) {
            const std::string pk(pkey->str());
            if (std::find(kPanelKeys.begin(), kPanelKeys.end(), pk) == kPanelKeys.end()) {
              UnknownKey(*pkey, "in " + ppath, kPanelKeys);
              ok = false;
            } else if (pk == "refresh") {
              std::chrono::milliseconds ms{0};
              if (!ParseDurationNode(*pvalue, ppath + ".refresh", ms)) ok = false;
              else panel.refresh = std::chrono::duration_cast<std::chrono::seconds>(ms);
            } else {
              const std::string* s = ExpectString(*pvalue, ppath + "." + pk, pk == "chart" ? "\"bar\"" : "\"...\"");
              if (!s) ok = false;
              else (pk == "title" ? panel.title : pk == "sql" ? panel.sql : panel.chart) = *s;
            }
          }
          d.panels.push_back(std::move(panel));
        }
      }
    }
    if (!ok) continue;
    for (const std::string& problem : CheckDashboard(d)) {
      Error(*NodeOf(t, problem), path + "." + problem);
      ok = false;
    }
    if (ok && !names.insert(d.name).second) {
      Error(*t.get("name"), path + ".name: another dashboard is already called \"" + d.name + "\"");
      ok = false;
    }
    if (ok) config_.dashboards.push_back(std::move(d));
  }
}

}  // namespace tp::app::config_internal
