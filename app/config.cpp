// Loading and checking tillpipe.toml: syntax, unknown keys, types, ranges and
// table schemas (the tables in config_tables.cpp). Every problem becomes a
// ConfigError with its FILE:LINE:COL; loading never stops at the first one.
#include "app/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "app/config_loader.h"
#include "app/config_schema.h"
#include "app/config_suggest.h"

namespace tp::app {

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

namespace config_internal {

ConfigLoad Loader::Run(std::string_view text) {
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
    } else if (k == "dashboards") {
      LoadDashboards(*node);
    } else {
      UnknownKey(*key, "at the top level", kRootKeys);
    }
  }
  CheckTransforms();
  return Finish();
}

void Loader::Error(Pos pos, std::string message) {
  errors_.push_back(ConfigError{file_, pos.line, pos.column, std::move(message)});
}

void Loader::Error(const toml::node& at, std::string message) {
  Error(PosOf(at.source()), std::move(message));
}

ConfigLoad Loader::Finish() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  ConfigLoad out;
  if (errors_.empty()) out.config = std::move(config_);
  out.errors = std::move(errors_);
  return out;
}

std::string Loader::UnknownKey(const toml::key& key, std::string_view where,
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

const toml::table* Loader::ExpectTable(const toml::node& n, const std::string& path,
                               const std::string& example) {
  if (const toml::table* t = n.as_table()) return t;
  Error(n, path + ": must be a table, like " + example + ", not " + Describe(n));
  return nullptr;
}

const std::string* Loader::ExpectString(const toml::node& n, const std::string& path,
                                const std::string& example) {
  if (const auto* s = n.as_string()) return &s->get();
  Error(n, path + ": must be a string, like " + example + ", not " + Describe(n));
  return nullptr;
}

void Loader::LoadDataDir(const toml::node& n) {
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

void Loader::LoadTimezone(const toml::node& n) {
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

void Loader::LoadSection(const std::string& name, const toml::node& n) {
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
    } else if (path == "auth.admin_password_file") {
      if (const std::string* f = ExpectString(*value, path, "\"admin.passwd\"")) {
        if (f->empty() || f->find('\0') != std::string::npos) {
          Error(*value, path + ": must be a file name or path, like \"admin.passwd\" (under data_dir) "
                        "or \"/etc/tillpipe/admin.passwd\"");
        } else {
          config_.auth.admin_password_file = *f;
        }
      }
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

void Loader::LoadListen(const toml::node& n) {
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

void Loader::LoadSize(const toml::node& n, const std::string& path, uint64_t min, uint64_t max,
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

bool Loader::ParseDurationNode(const toml::node& n, const std::string& path,
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

void Loader::LoadDuration(const toml::node& n, const std::string& path, std::chrono::milliseconds min,
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

void Loader::LoadSeconds(const toml::node& n, const std::string& path, std::chrono::seconds min,
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

void Loader::LoadFsync(const toml::node& n) {
  const std::string* s = ExpectString(n, "stream.fsync", "\"group\"");
  if (!s) return;
  if (std::find(kFsyncModes.begin(), kFsyncModes.end(), *s) == kFsyncModes.end()) {
    Error(n, "stream.fsync: " + Quote(*s) + " is not an fsync mode" +
                 DidYouMean(*s, kFsyncModes) + " (modes: group, interval, off)");
    return;
  }
  config_.stream.fsync = *s;
}

void Loader::LoadTokens(const toml::node& n) {
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

}  // namespace config_internal

using config_internal::Loader;

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
