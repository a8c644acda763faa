// SIGHUP: what a new config changes in a running server. New tables,
// dashboards, query limits, the body limit and ingest tokens apply at once;
// the rest (listen address, data_dir, time zone, [stream], [storage], the
// admin password file, changes to existing tables) needs a restart and keeps
// its running value until then.
#pragma once

#include <string>
#include <vector>

#include "app/config.h"

namespace tp::app {

struct ReloadPlan {
  // What the server runs on from now: the new config with the settings that
  // need a restart kept at their running values.
  Config effective;
  std::vector<std::string> new_tables;  // names, to add to the materializer
  std::vector<std::string> applied;     // one line per change applied
  std::vector<std::string> kept;        // one line per change that needs a restart
};

ReloadPlan PlanReload(const Config& running, const Config& next);

}  // namespace tp::app
