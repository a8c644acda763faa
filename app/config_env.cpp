// CheckEnvironment: the checks `tillpipe validate` runs after a clean parse
// that need the machine: can data_dir be created and written, does the time
// zone exist in the tz database. Nothing is created or changed.
#include <date/tz.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/config_suggest.h"

namespace tp::app {
namespace {

namespace fs = std::filesystem;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Where `key` (a top-level string key) sits in `text`, if its value there is
// `expected`; an overridden value (e.g. --data-dir) has no place in the file.
std::pair<int, int> PlaceOf(std::string_view text, const std::string& source, const char* key,
                            const std::string& expected) {
  try {
    toml::table root = toml::parse(text, std::string_view(source));
    const toml::node* n = root.get(key);
    if (n && n->is_string() && n->as_string()->get() == expected) {
      const auto& b = n->source().begin;
      return {static_cast<int>(b.line), static_cast<int>(b.column)};
    }
  } catch (const toml::parse_error&) {
  }
  return {0, 0};
}

// Empty when `dir` can be used as the data directory, else the problem.
std::string DataDirProblem(const fs::path& dir) {
  const std::string shown = Quote(dir.string());
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return shown + " exists but is not a directory; point data_dir at a directory";
    }
    if (access(dir.c_str(), W_OK | X_OK) != 0) {
      return shown + " is not writable by this user (" + std::strerror(errno) +
             "); fix its owner or permissions, or choose another directory";
    }
    return {};
  }
  // It will be created: its nearest existing ancestor must be a writable
  // directory.
  fs::path abs = fs::absolute(dir, ec);
  if (ec) return shown + ": " + ec.message();
  fs::path ancestor = abs.lexically_normal();
  if (!ancestor.has_filename()) ancestor = ancestor.parent_path();  // trailing '/'
  while (true) {
    fs::path parent = ancestor.parent_path();
    if (parent == ancestor) break;  // reached "/"
    ancestor = parent;
    std::error_code aec;
    fs::file_status ast = fs::status(ancestor, aec);
    if (!fs::exists(ast)) continue;
    if (!fs::is_directory(ast)) {
      return shown + " cannot be created because " + Quote(ancestor.string()) +
             " is not a directory; choose another path";
    }
    if (access(ancestor.c_str(), W_OK | X_OK) != 0) {
      return shown + " cannot be created: " + Quote(ancestor.string()) +
             " is not writable by this user (" + std::strerror(errno) +
             "); create the directory with the right owner (e.g. sudo mkdir -p " + abs.string() +
             " && sudo chown USER " + abs.string() + ") or choose another path";
    }
    return {};
  }
  return shown + " cannot be created: no existing parent directory";
}

// A tz database name close to `name`, comparing both the whole name and its
// last part ("Berlin" -> "Europe/Berlin").
std::string SuggestZone(const std::string& name, const std::vector<std::string>& zones) {
  std::string wanted = name;
  for (char& c : wanted) {
    if (c == ' ') c = '_';
  }
  std::string best;
  int best_distance = wanted.size() <= 3 ? 1 : 2;
  ++best_distance;
  for (const std::string& z : zones) {
    int d = config_internal::EditDistance(wanted, z);
    size_t slash = z.rfind('/');
    if (slash != std::string::npos) {
      d = std::min(d, config_internal::EditDistance(wanted, std::string_view(z).substr(slash + 1)));
    }
    if (d < best_distance) {
      best_distance = d;
      best = z;
    }
  }
  return best;
}

std::string TimezoneProblem(const std::string& tz) {
  try {
    date::locate_zone(tz);
    return {};
  } catch (const std::exception&) {
  }
  std::string msg = Quote(tz) + " is not a time zone in the tz database";
  try {
    const date::tzdb& db = date::get_tzdb();
    std::vector<std::string> names;
    for (const auto& z : db.zones) names.push_back(z.name());
    std::string s = SuggestZone(tz, names);
    if (!s.empty() && s != tz) return msg + "; did you mean " + Quote(s) + "?";
  } catch (const std::exception& e) {
    return msg + " (the tz database could not be read: " + e.what() +
           "; install the tzdata package)";
  }
  return msg + "; use an IANA name like \"UTC\", \"Europe/Berlin\" or \"America/Sao_Paulo\"";
}

}  // namespace

std::vector<ConfigError> CheckEnvironment(const Config& config, std::string_view text) {
  std::vector<ConfigError> errors;
  const std::string& file = config.source;
  if (std::string p = DataDirProblem(config.data_dir); !p.empty()) {
    auto [line, col] = PlaceOf(text, file, "data_dir", config.data_dir.string());
    errors.push_back({file, line, col, "data_dir: " + p});
  }
  if (std::string p = TimezoneProblem(config.timezone); !p.empty()) {
    auto [line, col] = PlaceOf(text, file, "timezone", config.timezone);
    errors.push_back({file, line, col, "timezone: " + p});
  }
  return errors;
}

}  // namespace tp::app
