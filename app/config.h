// tillpipe's configuration: one TOML file (or the embedded default).
//
// Loading never stops at the first problem: every error is collected with
// the place it was found (FILE:LINE:COL) so `tillpipe validate` can print
// them all at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/types.h"
#include "stream/status.h"

namespace tp::app {

// Column types are storage's (storage/types.h); the config names them.
using TypeKind = storage::TypeId;

struct ColumnSpec {
  std::string name;
  TypeKind kind = TypeKind::kString;
  int precision = 0;  // decimal only, 1..18
  int scale = 0;      // decimal only, 0..precision
  bool nullable = false;
  std::string from;   // JSON path the column reads ("customer.city"); empty = the column's name
  // The value used when the record lacks the field (or has JSON null), as
  // JSON text ("0", "\"web\"", "true"); empty = no default.
  std::string default_json;
  // A derived column: computed from the row by this SQL expression
  // (app/transform.h) instead of read from the record; empty = read.
  std::string expr;
  std::string TypeName() const;  // canonical: "decimal(12,2)", "timestamp", ...
  storage::LogicalType Type() const;
  bool operator==(const ColumnSpec&) const = default;
};

// What the materializer does with a JSON field that is not a column.
enum class OnNewFields {
  kAddColumns,  // add a nullable column of the inferred type (a new schema version)
  kIgnore,      // drop the field, keep the record
  kReject,      // send the record to _rejected
};

// What happens to a row the table's `where` does not accept.
enum class OnFilter {
  kDrop,    // counted (tillpipe_materializer_rows_filtered_total), not kept
  kReject,  // sent to _rejected with the reason
};

struct TableSpec {
  std::string name;         // [a-z_][a-z0-9_]*, at most 64 bytes; not starting with '_'
  std::string time_column;  // names a column of kind timestamp (or date)
  std::vector<ColumnSpec> columns;  // in the order they are written in the file
  OnNewFields on_new_fields = OnNewFields::kAddColumns;
  std::string where;  // SQL predicate a row must pass to be kept; empty = all rows
  OnFilter on_filter = OnFilter::kDrop;
  // Whole store-local days older than this are dropped; 0 = keep forever.
  std::chrono::seconds retention{0};
  bool operator==(const TableSpec&) const = default;
};

// A dashboard panel: one SQL query drawn as a chart.
struct PanelSpec {
  std::string title;
  std::string sql;
  std::string chart = "table";         // line | bar | table | number
  std::chrono::seconds refresh{60};    // how often the page re-runs it
  bool operator==(const PanelSpec&) const = default;
};

// `[[dashboards]]`; the page may save an edited copy to the catalog, which
// then wins (app/dashboards.h).
struct DashboardSpec {
  std::string name;  // [a-z0-9_-]{1,64}, in the page's address
  std::string title;
  std::vector<PanelSpec> panels;
  bool operator==(const DashboardSpec&) const = default;
};

struct Config {
  std::string source;  // the file path, or "<embedded default>"
  std::filesystem::path data_dir = "./tillpipe-data";
  std::string timezone = "UTC";  // IANA name

  struct Http {
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 8080;  // 0 = any free port
    uint64_t max_body = 16ull << 20;
  } http;

  struct Auth {
    std::vector<std::string> ingest_tokens;  // empty = ingest needs no token
    // The admin password's yescrypt hash, written by `tillpipe passwd`; a
    // relative path is under data_dir (see AdminPasswordFile()).
    std::filesystem::path admin_password_file = "admin.passwd";
  } auth;

  struct Stream {
    std::string fsync = "group";  // group | interval | off
    std::chrono::milliseconds fsync_interval{1000};
    uint64_t segment_size = 128ull << 20;
    std::chrono::seconds retention{7 * 24 * 3600};  // 0 = forever
    uint64_t min_free = 1ull << 30;
    std::chrono::seconds idempotency_window{24 * 3600};
    bool operator==(const Stream&) const = default;
  } stream;

  struct Storage {
    uint64_t flush_rows = 250000;  // buffered rows (all tables) that trigger writing part files
    std::chrono::milliseconds flush_interval{10000};  // ... or this long after the last write
    int zstd_level = 3;
    // How often the background compactor looks for days to merge; 0 = never.
    std::chrono::milliseconds compact_interval{60000};
    // A day is compacted once it has this many live part files (days before
    // the current store-local day already at 2).
    uint64_t compact_min_files = 8;
    bool operator==(const Storage&) const = default;
  } storage;

  struct Query {
    // Memory one SQL query may use (its hash tables, sorts and results); 0 = unlimited.
    uint64_t memory_limit = 256ull << 20;
    // A query running longer is stopped; 0 = no limit.
    std::chrono::milliseconds timeout{60000};
  } query;

  std::vector<TableSpec> tables;
  std::vector<DashboardSpec> dashboards;

  const TableSpec* FindTable(std::string_view name) const;
  // auth.admin_password_file, resolved against data_dir.
  std::filesystem::path AdminPasswordFile() const { return data_dir / auth.admin_password_file; }
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when the error has no place in the file
  int column = 0;
  std::string message;
  std::string ToString() const;  // "FILE:LINE:COL: message" (or "FILE: message")
};

struct ConfigLoad {
  std::optional<Config> config;  // set only when errors is empty
  std::vector<ConfigError> errors;
};

// Parses and checks syntax, unknown keys (with a did-you-mean), types and
// value ranges. Does not touch the file system beyond reading the file.
ConfigLoad LoadConfigFile(const std::filesystem::path& path);
ConfigLoad LoadConfigText(std::string_view text, std::string source_name);

// The embedded default config: the eight retail tables, timezone UTC,
// listen 127.0.0.1:8080, data in ./tillpipe-data.
std::string_view DefaultConfigText();
ConfigLoad LoadDefaultConfig();

// Environment checks `validate` runs after a clean parse: data_dir can be
// created and written, the time zone exists. Errors point at the key's place
// when known.
std::vector<ConfigError> CheckEnvironment(const Config& config, std::string_view text);

// "128MiB", "1GB", "512KiB", "4096" (bytes). Units: B, KB/MB/GB/TB (powers of
// 1000), KiB/MiB/GiB/TiB (powers of 1024).
Result<uint64_t> ParseSize(std::string_view text);
// "250ms", "10s", "5m", "2h", "30d", "1w"; "0" means zero.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
// "127.0.0.1:8080", "localhost:80", "[::1]:8080" -> {host, port}; an IPv6
// host comes back without its brackets ("::1"). Port 0..65535.
Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view text);

}  // namespace tp::app
