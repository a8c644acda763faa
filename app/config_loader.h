// Internal to the config loader's files: config.cpp (the file, its
// sections and keys), config_tables.cpp ([tables.*]: columns, their types
// and defaults, where/expr) and config_dashboards.cpp ([[dashboards]]). Not for use outside app/config*.cpp.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config.h"

namespace tp::app::config_internal {

using Section = std::pair<std::string, std::vector<std::string>>;

inline const std::vector<std::string> kRootKeys = {"data_dir", "timezone", "http",   "auth",
                                                   "stream",   "storage",  "query",  "tables",
                                                   "dashboards"};
inline const std::vector<Section> kSections = {
    {"http", {"listen", "max_body"}},
    {"auth", {"ingest_tokens", "admin_password_file"}},
    {"stream",
     {"fsync", "fsync_interval", "segment_size", "retention", "min_free", "idempotency_window"}},
    {"storage",
     {"flush_rows", "flush_interval", "zstd_level", "compact_interval", "compact_min_files"}},
    {"query", {"memory_limit", "timeout"}},
};
inline const std::vector<std::string> kTableKeys = {"time",      "columns", "on_new_fields",
                                                    "retention", "where",   "on_filter"};
inline const std::vector<std::string> kColumnKeys = {"type", "nullable", "from", "default", "expr"};
inline const std::vector<std::string> kOnFilter = {"drop", "reject"};
inline const std::vector<std::string> kOnNewFields = {"add_columns", "ignore", "reject"};
inline const std::vector<std::string> kFsyncModes = {"group", "interval", "off"};

struct Pos {
  int line = 0;
  int column = 0;
};

inline Pos PosOf(const toml::source_region& r) {
  return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

inline std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "a string", "an integer", ... for messages about wrong TOML types.
inline std::string Describe(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

// The entries of a TOML table in the order they are written in the file
// (toml++ keeps tables as sorted maps).
inline std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  });
  return out;
}

// Reads one config text into a Config, collecting every error with its place.
class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  ConfigLoad Run(std::string_view text);

 private:
  void Error(Pos pos, std::string message);
  void Error(const toml::node& at, std::string message);

  ConfigLoad Finish();

  // Reports `key` as unknown; returns the suggested key ("" for none).
  std::string UnknownKey(const toml::key& key, std::string_view where,
                         const std::vector<std::string>& allowed);

  // `path` must be a TOML table; reports and returns null when it is not.
  const toml::table* ExpectTable(const toml::node& n, const std::string& path,
                                 const std::string& example);

  const std::string* ExpectString(const toml::node& n, const std::string& path,
                                  const std::string& example);

  void LoadDataDir(const toml::node& n);

  void LoadTimezone(const toml::node& n);

  void LoadSection(const std::string& name, const toml::node& n);

  void LoadListen(const toml::node& n);

  template <typename T>
  void LoadInteger(const toml::node& n, const std::string& path, int64_t min, int64_t max, T& out) {
    const auto* i = n.as_integer();
    if (!i) {
      Error(n, path + ": must be a whole number (" + std::to_string(min) + ".." +
                   std::to_string(max) + "), not " + Describe(n));
      return;
    }
    if (i->get() < min || i->get() > max) {
      Error(n, path + ": " + std::to_string(i->get()) + " is out of range; use " +
                   std::to_string(min) + ".." + std::to_string(max));
      return;
    }
    out = static_cast<T>(i->get());
  }

  void LoadSize(const toml::node& n, const std::string& path, uint64_t min, uint64_t max,
                const std::string& range, uint64_t& out);

  // Durations must be strings ("10s"); a bare TOML number has no unit.
  bool ParseDurationNode(const toml::node& n, const std::string& path,
                         std::chrono::milliseconds& out);

  void LoadDuration(const toml::node& n, const std::string& path, std::chrono::milliseconds min,
                    std::chrono::milliseconds max, const std::string& range,
                    std::chrono::milliseconds& out);

  void LoadSeconds(const toml::node& n, const std::string& path, std::chrono::seconds min,
                   std::chrono::seconds max, const std::string& range, std::chrono::seconds& out);

  void LoadFsync(const toml::node& n);

  void LoadTokens(const toml::node& n);

  void LoadTables(const toml::node& n);

  // [[dashboards]] (app/config_dashboards.cpp).
  void LoadDashboards(const toml::node& n);

  void LoadTable(const toml::key& key, const toml::node& n);

  std::optional<ColumnSpec> LoadColumn(const std::string& table_path, const toml::key& key,
                                       const toml::node& n);

  // `default = ...`: any TOML scalar, kept as JSON text and checked by
  // decoding it exactly as a record's value would be.
  bool LoadDefault(const std::string& path, const toml::node& n, ColumnSpec& col);

  // A non-empty SQL text at `path` (where, expr), remembered with its node
  // for CheckTransforms; null (reported) otherwise.
  const std::string* LoadSql(const toml::node& n, const std::string& path, const char* example);

  // The tables' SQL (where, expr) bound against their columns, once the
  // whole file (with its timezone) is read; errors at the expression's key.
  void CheckTransforms();

  std::string file_;
  Config config_;
  std::vector<ConfigError> errors_;
  std::map<std::string, const toml::node*> sql_nodes_;  // "tables.T.where" -> its node
};

}  // namespace tp::app::config_internal
