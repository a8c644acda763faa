// `tillpipe serve`: wires config, stream log and HTTP server, and runs until
// SIGINT/SIGTERM.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "stream/status.h"

namespace tp::app {

struct ServeOptions {
  std::optional<std::filesystem::path> config_file;  // none = embedded default
  std::optional<std::filesystem::path> data_dir;     // overrides data_dir
  std::optional<std::string> listen;                 // overrides http.listen
};

// Returns the process exit code: 0 after a clean shutdown, 78 for a bad
// config, 1 when the server could not start (message already printed).
int RunServe(const ServeOptions& options);

}  // namespace tp::app
