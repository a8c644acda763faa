#include "app/config_reload.h"

namespace tp::app {

namespace {

std::string Listen(const Config& c) { return c.http.listen_host + ":" + std::to_string(c.http.listen_port); }

}  // namespace

ReloadPlan PlanReload(const Config& running, const Config& next) {
  ReloadPlan plan;
  plan.effective = next;
  Config& e = plan.effective;
  auto keep = [&](bool changed, const std::string& what) {
    if (changed) plan.kept.push_back(what + " changed: restart to apply (running on the old value)");
  };
  keep(Listen(next) != Listen(running), "http.listen");
  e.http.listen_host = running.http.listen_host;
  e.http.listen_port = running.http.listen_port;
  keep(next.data_dir != running.data_dir, "data_dir");
  e.data_dir = running.data_dir;
  keep(next.timezone != running.timezone, "timezone");
  e.timezone = running.timezone;
  keep(!(next.stream == running.stream), "[stream]");
  e.stream = running.stream;
  keep(!(next.storage == running.storage), "[storage]");
  e.storage = running.storage;
  keep(next.auth.admin_password_file != running.auth.admin_password_file, "auth.admin_password_file");
  e.auth.admin_password_file = running.auth.admin_password_file;

  // Tables: new ones are added; a changed or removed one keeps its running
  // definition (its files and decoder are built on it).
  e.tables.clear();
  for (const TableSpec& t : running.tables) {
    const TableSpec* n = next.FindTable(t.name);
    if (n == nullptr) {
      plan.kept.push_back("table " + t.name + " is not in the config any more: it stays until a restart");
    } else if (!(*n == t)) {
      plan.kept.push_back("table " + t.name + " changed: restart to apply (running on its old definition)");
    }
    e.tables.push_back(t);
  }
  for (const TableSpec& t : next.tables) {
    if (running.FindTable(t.name) != nullptr) continue;
    plan.new_tables.push_back(t.name);
    plan.applied.push_back("new table " + t.name + " (" + std::to_string(t.columns.size()) + " columns)");
    e.tables.push_back(t);
  }

  if (next.dashboards != running.dashboards) {
    plan.applied.push_back("dashboards: " + std::to_string(next.dashboards.size()) + " in the config (were " +
                           std::to_string(running.dashboards.size()) + ")");
  }
  if (next.query.memory_limit != running.query.memory_limit || next.query.timeout != running.query.timeout) {
    plan.applied.push_back("[query] limits: memory_limit " + std::to_string(next.query.memory_limit) +
                           " bytes, timeout " + std::to_string(next.query.timeout.count()) + " ms");
  }
  if (next.http.max_body != running.http.max_body) {
    plan.applied.push_back("http.max_body: " + std::to_string(next.http.max_body) + " bytes");
  }
  if (next.auth.ingest_tokens != running.auth.ingest_tokens) {
    plan.applied.push_back("auth.ingest_tokens: " + std::to_string(next.auth.ingest_tokens.size()) + " token(s)");
  }
  return plan;
}

}  // namespace tp::app
