// Loading and checking tillpipe.toml: syntax, unknown keys, types, ranges and
// table schemas. Every problem becomes a ConfigError with its FILE:LINE:COL;
// loading never stops at the first one.
#include "app/config.h"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "app/config_schema.h"
#include "app/config_suggest.h"
#include "app/transform.h"

namespace tp::app {

using config_internal::DidYouMean;
using config_internal::JoinList;
using config_internal::SanitizedName;
using config_internal::Suggest;
using config_internal::ValidName;

std::string ColumnSpec::TypeName() const { return config_internal::TypeName(*this); }

storage::LogicalType ColumnSpec::Type() const {
  return kind == TypeKind::kDecimal ? storage::LogicalType::Decimal(precision, scale)
                                    : storage::LogicalType::Of(kind);
}

const TableSpec* Config::FindTable(std::string_view name) const {
  for (const TableSpec& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string ConfigError::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out + ": " + message;
}

namespace {

using Section = std::pair<std::string, std::vector<std::string>>;

const std::vector<std::string> kRootKeys = {"data_dir", "timezone", "http",  "auth",
                                            "stream",   "storage",  "query", "tables"};
const std::vector<Section> kSections = {
    {"http", {"listen", "max_body"}},
    {"auth", {"ingest_tokens"}},
    {"stream",
     {"fsync", "fsync_interval", "segment_size", "retention", "min_free", "idempotency_window"}},
    {"storage",
     {"flush_rows", "flush_interval", "zstd_level", "compact_interval", "compact_min_files"}},
    {"query", {"memory_limit", "timeout"}},
};
const std::vector<std::string> kTableKeys = {"time",      "columns", "on_new_fields",
                                             "retention", "where",   "on_filter"};
const std::vector<std::string> kColumnKeys = {"type", "nullable", "from", "default", "expr"};
const std::vector<std::string> kOnFilter = {"drop", "reject"};
const std::vector<std::string> kOnNewFields = {"add_columns", "ignore", "reject"};
const std::vector<std::string> kFsyncModes = {"group", "interval", "off"};

struct Pos {
  int line = 0;
  int column = 0;
};

Pos PosOf(const toml::source_region& r) {
  return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "a string", "an integer", ... for messages about wrong TOML types.
std::string Describe(const toml::node& n) {
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
std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  });
  return out;
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  ConfigLoad Run(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      Error(PosOf(e.source()), "TOML syntax error: " + std::string(e.description()));
      return Finish();
    }
    config_.source = file_;
    for (auto [key, node] : InFileOrder(root)) {
      const std::string k(key->str());
      if (k == "data_dir") {
        LoadDataDir(*node);
      } else if (k == "timezone") {
        LoadTimezone(*node);
      } else if (k == "http" || k == "auth" || k == "stream" || k == "storage" ||
                 k == "query") {
        LoadSection(k, *node);
      } else if (k == "tables") {
        LoadTables(*node);
      } else {
        UnknownKey(*key, "at the top level", kRootKeys);
      }
    }
    CheckTransforms();
    return Finish();
  }

 private:
  void Error(Pos pos, std::string message) {
    errors_.push_back(ConfigError{file_, pos.line, pos.column, std::move(message)});
  }
  void Error(const toml::node& at, std::string message) {
    Error(PosOf(at.source()), std::move(message));
  }

  ConfigLoad Finish() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    ConfigLoad out;
    if (errors_.empty()) out.config = std::move(config_);
    out.errors = std::move(errors_);
    return out;
  }

  // Reports `key` as unknown; returns the suggested key ("" for none).
  std::string UnknownKey(const toml::key& key, std::string_view where,
                         const std::vector<std::string>& allowed) {
    std::string msg = "unknown key " + Quote(key.str()) + " " + std::string(where);
    std::string suggestion = Suggest(key.str(), allowed);
    if (!suggestion.empty()) {
      msg += "; did you mean " + Quote(suggestion) + "?";
    } else {
      // A key that is right but in the wrong section: say where it goes.
      for (const auto& [section, keys] : kSections) {
        if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) {
          msg += "; " + std::string(key.str()) + " belongs in [" + section + "]";
          Error(PosOf(key.source()), std::move(msg));
          return {};
        }
      }
      msg += "; allowed keys are: " + JoinList(allowed);
    }
    Error(PosOf(key.source()), std::move(msg));
    return suggestion;
  }

  // `path` must be a TOML table; reports and returns null when it is not.
  const toml::table* ExpectTable(const toml::node& n, const std::string& path,
                                 const std::string& example) {
    if (const toml::table* t = n.as_table()) return t;
    Error(n, path + ": must be a table, like " + example + ", not " + Describe(n));
    return nullptr;
  }

  const std::string* ExpectString(const toml::node& n, const std::string& path,
                                  const std::string& example) {
    if (const auto* s = n.as_string()) return &s->get();
    Error(n, path + ": must be a string, like " + example + ", not " + Describe(n));
    return nullptr;
  }

  void LoadDataDir(const toml::node& n) {
    const std::string* s = ExpectString(n, "data_dir", "\"/var/lib/tillpipe\"");
    if (!s) return;
    if (s->empty()) {
      Error(n, "data_dir: must not be empty; use \".\" for the working directory");
    } else if (s->find('\0') != std::string::npos) {
      Error(n, "data_dir: must not contain a NUL character");
    } else {
      config_.data_dir = *s;
    }
  }

  void LoadTimezone(const toml::node& n) {
    const std::string* s = ExpectString(n, "timezone", "\"Europe/Berlin\"");
    if (!s) return;
    bool ok = !s->empty() && s->front() != '/' && s->find("..") == std::string::npos;
    for (char c : *s) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '_' || c == '-' || c == '+' || c == ' ');
    }
    if (!ok) {
      Error(n, "timezone: " + Quote(*s) +
                   " is not a time zone name; use an IANA name like \"UTC\", \"Europe/Berlin\" "
                   "or \"America/Sao_Paulo\"");
      return;
    }
    config_.timezone = *s;
  }

  void LoadSection(const std::string& name, const toml::node& n) {
    const toml::table* t = ExpectTable(n, name, "[" + name + "]");
    if (!t) return;
    const std::vector<std::string>* allowed = nullptr;
    for (const auto& [section, keys] : kSections) {
      if (section == name) allowed = &keys;
    }
    for (auto [key, value] : InFileOrder(*t)) {
      const std::string k(key->str());
      const std::string path = name + "." + k;
      if (std::find(allowed->begin(), allowed->end(), k) == allowed->end()) {
        UnknownKey(*key, "in [" + name + "]", *allowed);
      } else if (path == "http.listen") {
        LoadListen(*value);
      } else if (path == "http.max_body") {
        LoadSize(*value, path, 1ull << 10, 1ull << 30, "1KiB..1GiB", config_.http.max_body);
      } else if (path == "auth.ingest_tokens") {
        LoadTokens(*value);
      } else if (path == "stream.fsync") {
        LoadFsync(*value);
      } else if (path == "stream.fsync_interval") {
        LoadDuration(*value, path, std::chrono::milliseconds(1), std::chrono::hours(1), "1ms..1h",
                     config_.stream.fsync_interval);
      } else if (path == "stream.segment_size") {
        LoadSize(*value, path, 1ull << 20, 16ull << 30, "1MiB..16GiB", config_.stream.segment_size);
      } else if (path == "stream.retention") {
        LoadSeconds(*value, path, std::chrono::seconds(0), std::chrono::seconds::max(),
                    "0 (keep forever) or any duration", config_.stream.retention);
      } else if (path == "stream.min_free") {
        LoadSize(*value, path, 0, UINT64_MAX, "0 or more", config_.stream.min_free);
      } else if (path == "stream.idempotency_window") {
        LoadSeconds(*value, path, std::chrono::minutes(1), std::chrono::hours(30 * 24), "1m..30d",
                    config_.stream.idempotency_window);
      } else if (path == "storage.flush_rows") {
        LoadInteger(*value, path, 1, 100'000'000, config_.storage.flush_rows);
      } else if (path == "storage.flush_interval") {
        LoadDuration(*value, path, std::chrono::milliseconds(10), std::chrono::hours(1), "10ms..1h",
                     config_.storage.flush_interval);
      } else if (path == "storage.zstd_level") {
        int64_t level = config_.storage.zstd_level;
        LoadInteger(*value, path, 1, 19, level);
        config_.storage.zstd_level = static_cast<int>(level);
      } else if (path == "storage.compact_interval") {
        LoadDuration(*value, path, std::chrono::milliseconds(0), std::chrono::hours(24),
                     "0 (never) or up to 24h", config_.storage.compact_interval);
        if (auto d = config_.storage.compact_interval; d > d.zero() && d.count() < 10) {
          Error(*value, path + ": at least \"10ms\" (or \"0\" to never compact)");
        }
      } else if (path == "storage.compact_min_files") {
        LoadInteger(*value, path, 2, 100000, config_.storage.compact_min_files);
      } else if (path == "query.memory_limit") {
        LoadSize(*value, path, 0, 1ull << 40, "0 (unlimited) or up to 1TiB",
                 config_.query.memory_limit);
        if (auto m = config_.query.memory_limit; m > 0 && m < (1ull << 20)) {
          Error(*value, path + ": at least \"1MiB\" (or 0 for no limit)");
        }
      } else if (path == "query.timeout") {
        LoadDuration(*value, path, std::chrono::milliseconds(0), std::chrono::hours(24),
                     "0 (no limit) or up to 24h", config_.query.timeout);
      }
    }
  }

  void LoadListen(const toml::node& n) {
    const std::string* s = ExpectString(n, "http.listen", "\"127.0.0.1:8080\"");
    if (!s) return;
    Result<std::pair<std::string, uint16_t>> r = ParseListen(*s);
    if (!r.ok()) {
      Error(n, "http.listen: " + r.status().message());
      return;
    }
    config_.http.listen_host = r->first;
    config_.http.listen_port = r->second;
  }

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
                const std::string& range, uint64_t& out) {
    uint64_t bytes = 0;
    std::string shown;
    if (const auto* i = n.as_integer()) {
      if (i->get() < 0) {
        Error(n, path + ": " + std::to_string(i->get()) + " is negative; sizes must be 0 or more");
        return;
      }
      bytes = static_cast<uint64_t>(i->get());
      shown = std::to_string(bytes) + " bytes";
    } else if (const auto* s = n.as_string()) {
      Result<uint64_t> r = ParseSize(s->get());
      if (!r.ok()) {
        Error(n, path + ": " + r.status().message());
        return;
      }
      bytes = *r;
      shown = Quote(s->get());
    } else {
      Error(n, path + ": must be a size like \"16MiB\" (or a whole number of bytes), not " +
                   Describe(n));
      return;
    }
    if (bytes < min || bytes > max) {
      Error(n, path + ": " + shown + " is out of range; allowed: " + range);
      return;
    }
    out = bytes;
  }

  // Durations must be strings ("10s"); a bare TOML number has no unit.
  bool ParseDurationNode(const toml::node& n, const std::string& path,
                         std::chrono::milliseconds& out) {
    if (const auto* s = n.as_string()) {
      Result<std::chrono::milliseconds> r = ParseDuration(s->get());
      if (!r.ok()) {
        Error(n, path + ": " + r.status().message());
        return false;
      }
      out = *r;
      return true;
    }
    if (const auto* i = n.as_integer()) {
      Error(n, path + ": durations are strings with a unit; write \"" + std::to_string(i->get()) +
                   "s\" (or ms, m, h, d, w) in quotes");
      return false;
    }
    Error(n, path + ": must be a duration string like \"10s\", not " + Describe(n));
    return false;
  }

  void LoadDuration(const toml::node& n, const std::string& path, std::chrono::milliseconds min,
                    std::chrono::milliseconds max, const std::string& range,
                    std::chrono::milliseconds& out) {
    std::chrono::milliseconds d{};
    if (!ParseDurationNode(n, path, d)) return;
    if (d < min || d > max) {
      Error(n, path + ": " + Quote(n.as_string()->get()) + " is out of range; allowed: " + range);
      return;
    }
    out = d;
  }

  void LoadSeconds(const toml::node& n, const std::string& path, std::chrono::seconds min,
                   std::chrono::seconds max, const std::string& range, std::chrono::seconds& out) {
    std::chrono::milliseconds d{};
    if (!ParseDurationNode(n, path, d)) return;
    const std::string shown = Quote(n.as_string()->get());
    if (d.count() % 1000 != 0) {
      Error(n, path + ": " + shown + " is not a whole number of seconds; use s, m, h, d or w");
      return;
    }
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(d);
    if (secs < min || secs > max) {
      Error(n, path + ": " + shown + " is out of range; allowed: " + range);
      return;
    }
    out = secs;
  }

  void LoadFsync(const toml::node& n) {
    const std::string* s = ExpectString(n, "stream.fsync", "\"group\"");
    if (!s) return;
    if (std::find(kFsyncModes.begin(), kFsyncModes.end(), *s) == kFsyncModes.end()) {
      Error(n, "stream.fsync: " + Quote(*s) + " is not an fsync mode" +
                   DidYouMean(*s, kFsyncModes) + " (modes: group, interval, off)");
      return;
    }
    config_.stream.fsync = *s;
  }

  void LoadTokens(const toml::node& n) {
    const toml::array* a = n.as_array();
    if (!a) {
      Error(n, "auth.ingest_tokens: must be an array of strings, like [\"" + std::string(16, 'x') +
                   "\"], not " + Describe(n));
      return;
    }
    std::vector<std::string> tokens;
    bool ok = true;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = *a->get(i);
      const std::string path = "auth.ingest_tokens[" + std::to_string(i) + "]";
      const auto* s = e.as_string();
      if (!s) {
        Error(e, path + ": must be a string, not " + Describe(e));
        ok = false;
        continue;
      }
      const std::string& t = s->get();
      bool printable = true;
      for (char c : t) printable = printable && c > ' ' && c < 0x7f;
      if (t.size() < 16) {
        Error(e, path + ": the token is " + std::to_string(t.size()) +
                     " characters; tokens need at least 16 (e.g. from `openssl rand -hex 24`)");
        ok = false;
      } else if (!printable) {
        Error(e, path + ": tokens may only hold printable ASCII without spaces");
        ok = false;
      }
      tokens.push_back(t);
    }
    if (ok) config_.auth.ingest_tokens = std::move(tokens);
  }

  void LoadTables(const toml::node& n) {
    const toml::table* tables = ExpectTable(n, "tables", "[tables.orders]");
    if (!tables) return;
    for (auto [key, value] : InFileOrder(*tables)) LoadTable(*key, *value);
  }

  void LoadTable(const toml::key& key, const toml::node& n) {
    const std::string name(key.str());
    const std::string path = "tables." + name;
    bool ok = true;
    if (!name.empty() && name.front() == '_') {
      Error(PosOf(key.source()), path + ": table names starting with \"_\" are reserved for " +
                                     "tillpipe's own tables (like _rejected); choose a name "
                                     "that starts with a letter");
      ok = false;
    } else if (!ValidName(name, false)) {
      std::string hint = SanitizedName(name);
      Error(PosOf(key.source()),
            path + ": " + Quote(name) +
                " is not a valid table name; use lowercase letters, digits and _, start with a "
                "letter, at most 64 bytes" +
                (hint.empty() || hint == name ? "" : " (e.g. " + Quote(hint) + ")"));
      ok = false;
    }
    const toml::table* t = ExpectTable(n, path, "[" + path + "]");
    if (!t) return;

    TableSpec spec;
    spec.name = name;
    std::vector<std::string> column_names;  // every written name, even ones with bad types
    std::vector<bool> column_typed;         // their types parsed (index in column_names)
    const toml::node* time_node = nullptr;
    const toml::node* on_filter_node = nullptr;
    bool has_columns_key = false;
    std::vector<std::string> misspelt;
    for (auto [k, v] : InFileOrder(*t)) {
      if (k->str() == "time") {
        time_node = v;
      } else if (k->str() == "on_new_fields") {
        const std::string* mode = ExpectString(*v, path + ".on_new_fields", "\"add_columns\"");
        if (!mode) {
          ok = false;
        } else if (*mode == "add_columns") {
          spec.on_new_fields = OnNewFields::kAddColumns;
        } else if (*mode == "ignore") {
          spec.on_new_fields = OnNewFields::kIgnore;
        } else if (*mode == "reject") {
          spec.on_new_fields = OnNewFields::kReject;
        } else {
          Error(*v, path + ".on_new_fields: " + Quote(*mode) + " is not a mode" +
                        DidYouMean(*mode, kOnNewFields) +
                        " (add_columns: new JSON fields become new nullable columns; ignore: "
                        "they are dropped; reject: such records go to _rejected)");
          ok = false;
        }
      } else if (k->str() == "where") {
        const std::string* where = LoadSql(*v, path + ".where", "\"total >= 0\"");
        if (where) spec.where = *where;
        ok = ok && where;
      } else if (k->str() == "on_filter") {
        const std::string* mode = ExpectString(*v, path + ".on_filter", "\"drop\"");
        if (!mode) {
          ok = false;
        } else if (*mode == "drop" || *mode == "reject") {
          on_filter_node = v;
          spec.on_filter = *mode == "drop" ? OnFilter::kDrop : OnFilter::kReject;
        } else {
          Error(*v, path + ".on_filter: " + Quote(*mode) + " is not a mode" +
                        DidYouMean(*mode, kOnFilter) +
                        " (drop: rows where rejects are counted and not kept; reject: they go "
                        "to _rejected)");
          ok = false;
        }
      } else if (k->str() == "retention") {
        LoadSeconds(*v, path + ".retention", std::chrono::seconds(0), std::chrono::seconds::max(),
                    "0 (keep forever) or a duration of whole days like \"400d\"",
                    spec.retention);
        if (spec.retention.count() % 86400 != 0) {
          Error(*v, path + ".retention: drops whole days, so use days or weeks, like \"90d\"");
          ok = false;
        }
      } else if (k->str() == "columns") {
        has_columns_key = true;
        const toml::table* cols = ExpectTable(*v, path + ".columns", "[" + path + ".columns]");
        if (!cols) {
          ok = false;
          continue;
        }
        for (auto [ck, cv] : InFileOrder(*cols)) {
          std::optional<ColumnSpec> col = LoadColumn(path + ".columns", *ck, *cv);
          column_names.emplace_back(ck->str());
          column_typed.push_back(col.has_value());
          if (col) {
            spec.columns.push_back(std::move(*col));
          } else {
            ok = false;
          }
        }
        if (cols->empty()) {
          Error(*v, path +
                        ".columns: a table needs at least one column; add lines like "
                        "order_id = \"string\"");
          ok = false;
        }
      } else {
        // A misspelt "time" or "columns" is reported once, not also as missing.
        misspelt.push_back(UnknownKey(*k, "in [" + path + "]", kTableKeys));
        ok = false;
      }
    }
    auto was_misspelt = [&](const char* key) {
      return std::find(misspelt.begin(), misspelt.end(), key) != misspelt.end();
    };
    if (on_filter_node && !t->contains("where") && !was_misspelt("where")) {
      Error(*on_filter_node, path + ".on_filter: has nothing to act on; set where = \"...\" in [" +
                                 path + "] to the condition rows must meet");
      ok = false;
    }
    if (!has_columns_key && !was_misspelt("columns")) {
      Error(*t, path + ": has no columns; add a [" + path +
                    ".columns] section with lines like order_id = \"string\"");
      ok = false;
    }

    // The time column: required, names a timestamp or date column.
    std::vector<std::string> time_candidates;
    for (const ColumnSpec& c : spec.columns) {
      if (c.kind == TypeKind::kTimestamp || c.kind == TypeKind::kDate) {
        time_candidates.push_back(c.name);
      }
    }
    if (!time_node) {
      ok = false;
      if (!was_misspelt("time")) {
        std::string example = time_candidates.empty() ? "purchased_at" : time_candidates.front();
        Error(*t, path +
                      ": missing key \"time\"; set it to the table's timestamp or date "
                      "column, like time = " +
                      Quote(example));
      }
    } else if (const std::string* tc =
                   ExpectString(*time_node, path + ".time", "\"purchased_at\"")) {
      auto it = std::find(column_names.begin(), column_names.end(), *tc);
      if (it == column_names.end()) {
        if (!column_names.empty()) {
          Error(*time_node, path + ".time: " + Quote(*tc) + " is not a column of " + name +
                                DidYouMean(*tc, column_names) +
                                " (columns are: " + JoinList(column_names) + ")");
        }  // else: the missing columns were reported above
        ok = false;
      } else if (column_typed[static_cast<size_t>(it - column_names.begin())]) {
        const ColumnSpec* c = nullptr;
        for (const ColumnSpec& col : spec.columns) {
          if (col.name == *tc) c = &col;
        }
        if (c->kind != TypeKind::kTimestamp && c->kind != TypeKind::kDate) {
          Error(*time_node,
                path + ".time: column " + Quote(*tc) + " is " + c->TypeName() +
                    "; the time column must be a timestamp or date" +
                    (time_candidates.empty()
                         ? std::string("")
                         : " (timestamp/date columns: " + JoinList(time_candidates) + ")"));
          ok = false;
        } else if (c->nullable) {
          Error(*time_node, path + ".time: column " + Quote(*tc) +
                                " is nullable, but every row needs a time to pick its day "
                                "partition; drop nullable = true from it (or give it a default)");
          ok = false;
        } else {
          spec.time_column = *tc;
        }
      } else {
        ok = false;  // its type error was reported
      }
    } else {
      ok = false;
    }
    if (ok) config_.tables.push_back(std::move(spec));
  }

  std::optional<ColumnSpec> LoadColumn(const std::string& table_path, const toml::key& key,
                                       const toml::node& n) {
    const std::string name(key.str());
    const std::string path = table_path + "." + name;
    bool ok = true;
    if (!ValidName(name, true)) {
      std::string hint = SanitizedName(name);
      Error(PosOf(key.source()),
            path + ": " + Quote(name) +
                " is not a valid column name; use lowercase letters, digits and _, start with a "
                "letter or _, at most 64 bytes" +
                (hint.empty() || hint == name ? "" : " (e.g. " + Quote(hint) + ")"));
      ok = false;
    }
    ColumnSpec col;
    col.name = name;
    const toml::node* type_node = nullptr;
    const toml::node* default_node = nullptr;
    const toml::node* from_node = nullptr;
    if (n.is_string()) {
      type_node = &n;
    } else if (const toml::table* t = n.as_table()) {
      for (auto [k, v] : InFileOrder(*t)) {
        if (k->str() == "type") {
          type_node = v;
        } else if (k->str() == "nullable") {
          if (const auto* b = v->as_boolean()) {
            col.nullable = b->get();
          } else {
            Error(*v, path + ".nullable: must be true or false, not " + Describe(*v));
            ok = false;
          }
        } else if (k->str() == "default") {
          default_node = v;
        } else if (k->str() == "expr") {
          const std::string* expr =
              LoadSql(*v, path + ".expr", "\"lower(city)\"");
          if (expr) col.expr = *expr;
          ok = ok && expr;
        } else if (k->str() == "from") {
          from_node = v;
          const std::string* from = ExpectString(*v, path + ".from", "\"customer.city\"");
          if (!from) {
            ok = false;
          } else if (from->empty() || from->front() == '.' || from->back() == '.' ||
                     from->find("..") != std::string::npos) {
            Error(*v, path + ".from: " + Quote(*from) +
                          " is not a JSON path; name the field, with dots for nested objects, "
                          "e.g. \"customer.city\"");
            ok = false;
          } else {
            col.from = *from;
          }
        } else {
          UnknownKey(*k, "in " + path, kColumnKeys);
          ok = false;
        }
      }
      if (!type_node) {
        Error(n, path + ": missing key \"type\"; write { type = \"string\", nullable = true }");
        return std::nullopt;
      }
    } else {
      Error(n, path +
                   ": must be a type name like \"string\" or a table like "
                   "{ type = \"string\", nullable = true }, not " +
                   Describe(n));
      return std::nullopt;
    }
    const std::string* type = ExpectString(*type_node, path + ".type", "\"string\"");
    if (!type) return std::nullopt;
    std::string problem;
    if (!config_internal::ParseType(*type, col, problem)) {
      Error(*type_node, path + ": " + problem);
      return std::nullopt;
    }
    if (!col.expr.empty() && (from_node || default_node)) {
      Error(from_node ? *from_node : *default_node,
            path + (from_node ? ".from" : ".default") +
                ": a column with expr is computed, not read from the record; drop " +
                (from_node ? "from" : "default (use coalesce(..., value) in the expression)"));
      return std::nullopt;
    }
    if (default_node && !LoadDefault(path, *default_node, col)) ok = false;
    if (!ok) return std::nullopt;
    return col;
  }

  // `default = ...`: any TOML scalar, kept as JSON text and checked by
  // decoding it exactly as a record's value would be.
  bool LoadDefault(const std::string& path, const toml::node& n, ColumnSpec& col) {
    nlohmann::json value;
    if (const auto* s = n.as_string()) {
      value = s->get();
    } else if (const auto* i = n.as_integer()) {
      value = i->get();
    } else if (const auto* f = n.as_floating_point()) {
      value = f->get();
    } else if (const auto* b = n.as_boolean()) {
      value = b->get();
    } else {
      Error(n, path + ".default: must be a string, number or true/false, not " + Describe(n));
      return false;
    }
    col.default_json = value.dump();
    std::string problem = config_internal::DefaultProblem(col);
    if (!problem.empty()) {
      Error(n, path + ".default: " + problem);
      return false;
    }
    return true;
  }

  // A non-empty SQL text at `path` (where, expr), remembered with its node
  // for CheckTransforms; null (reported) otherwise.
  const std::string* LoadSql(const toml::node& n, const std::string& path, const char* example) {
    const std::string* text = ExpectString(n, path, example);
    if (text && text->empty()) {
      Error(n, path + ": is empty; write SQL like " + example);
      return nullptr;
    }
    if (text) sql_nodes_[path] = &n;
    return text;
  }

  // The tables' SQL (where, expr) bound against their columns, once the
  // whole file (with its timezone) is read; errors at the expression's key.
  void CheckTransforms() {
    for (const TableSpec& t : config_.tables) {
      const std::string path = "tables." + t.name;
      for (const TransformProblem& p : Transform::Check(TransformOf(t, config_.timezone))) {
        const std::string key =
            p.column < 0 ? path + ".where"
                         : path + ".columns." + t.columns[static_cast<size_t>(p.column)].name +
                               ".expr";
        auto it = sql_nodes_.find(key);
        Pos pos = it != sql_nodes_.end() ? PosOf(it->second->source()) : Pos{};
        Error(pos, key + ": " + p.message);
      }
    }
  }

  std::string file_;
  Config config_;
  std::vector<ConfigError> errors_;
  std::map<std::string, const toml::node*> sql_nodes_;  // "tables.T.where" -> its node
};

}  // namespace

ConfigLoad LoadConfigText(std::string_view text, std::string source_name) {
  return Loader(std::move(source_name)).Run(text);
}

ConfigLoad LoadConfigFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    ConfigLoad out;
    out.errors.push_back({path.string(), 0, 0, "is a directory; pass the path of a .toml file"});
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigLoad out;
    out.errors.push_back(
        {path.string(), 0, 0, std::string("cannot read the config file: ") + std::strerror(errno)});
    return out;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return LoadConfigText(buf.str(), path.string());
}

ConfigLoad LoadDefaultConfig() { return LoadConfigText(DefaultConfigText(), "<embedded default>"); }

}  // namespace tp::app
