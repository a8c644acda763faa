// The SQL engine's front door: runs one SELECT over the tables of a data
// directory and returns its rows.
//
//   QueryEngine engine(options);              // catalog, snapshots, tail, time zone
//   QueryError err;
//   auto r = engine.Query("SELECT count(*) FROM orders", {}, &err);
//   if (!r.ok()) { /* r.status().message(), err.position */ }
//
// Each query reads one consistent snapshot taken at its start: the live
// Parquet files of the tables it names (pinned against deletion by
// compaction and retention) plus the rows the materializer has decoded but
// not yet flushed (TailSource), so a row is visible once it is decoded.
// Stages: parse (parser.h) -> bind (binder.h) -> plan -> execute on all
// cores. docs/sql.md lists what is supported.
//
// Thread safety: Query may be called from several threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/catalog.h"
#include "storage/column.h"
#include "storage/file_snapshots.h"
#include "storage/sql/value.h"
#include "storage/sql/vector.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage::sql {

class TimeZone;

// Rows of a table decoded but not yet in committed files (the
// materializer's tail): columns in `schema`, and the store-local day of
// each row (days since the epoch).
struct TailPart {
  const Schema* schema = nullptr;
  const std::vector<Column>* columns = nullptr;
  const std::vector<int32_t>* row_day = nullptr;
};

// Where the tail comes from: the running server's materializer.
class TailSource {
 public:
  virtual ~TailSource() = default;
  // Calls `fn` with the tail of `table` while commits of new files are
  // held back, so files listed inside `fn` and these rows are disjoint and
  // complete. NotFound for a table it does not materialize.
  virtual Status ReadTail(const std::string& table,
                          const std::function<void(const std::vector<TailPart>&)>& fn) = 0;
};

struct QueryLimits {
  size_t memory_bytes = size_t{256} << 20;  // per query; 0 = unlimited
  std::chrono::milliseconds timeout{60000};  // 0 = none
};

struct EngineOptions {
  std::filesystem::path data_dir;        // the catalog's paths are relative to it
  std::string timezone = "UTC";          // the store's time zone
  Catalog* catalog = nullptr;            // required
  FileSnapshots* snapshots = nullptr;    // null: read without pinning (stopped server)
  TailSource* tail = nullptr;            // null: files only
  QueryLimits limits;                    // defaults for every query
  int threads = 0;                       // 0 = one per core
  // Where a query over a third of its memory limit writes what does not fit
  // (GROUP BY with many groups, a join with a big build side); empty:
  // nowhere, such a query fails at the limit. Files there are anonymous
  // and vanish with the query.
  std::filesystem::path spill_dir;
};

struct QueryOptions {
  std::optional<QueryLimits> limits;          // unset: the engine's
  const std::atomic<bool>* cancel = nullptr;  // set to true to stop the query
};

struct QueryStats {
  uint64_t rows_scanned = 0;        // rows read from files and the tail
  uint64_t bytes_scanned = 0;       // compressed Parquet bytes read
  uint64_t files_scanned = 0;
  uint64_t files_skipped = 0;       // pruned by partition day or file time range
  uint64_t row_groups_scanned = 0;
  uint64_t row_groups_skipped = 0;  // skipped by statistics
  uint64_t tail_rows = 0;           // of rows_scanned, from the in-memory tail
  uint64_t rows_returned = 0;
  size_t peak_memory_bytes = 0;
  uint64_t spilled_bytes = 0;       // written to spill files
  double elapsed_ms = 0;
};

struct ResultColumn {
  std::string name;
  SqlType type;
};

struct QueryResult {
  std::vector<ResultColumn> columns;
  std::vector<Chunk> chunks;  // the rows, in order
  size_t rows = 0;
  QueryStats stats;
  std::string timezone;  // the store's: how TIMESTAMP values are shown
};

// Where a query failed: `position` is a 0-based byte offset into the SQL
// text when the error points at one.
struct QueryError {
  std::string message;
  std::optional<size_t> position;
};

// 1-based character (UTF-8 code point) position of a byte offset, as the
// HTTP API and the CLI report it (PostgreSQL's convention).
size_t CharacterPosition(std::string_view sql, size_t byte_offset);

// The text form of one result value, as the CLI table and CSV outputs show
// it (DuckDB's): NULL as `null_text`, TIMESTAMP in the store's time zone.
std::string FormatValue(const Vector& v, size_t row, const TimeZone& zone,
                        std::string_view null_text = "NULL");

class QueryEngine {
 public:
  // InvalidArgument for an unknown time zone.
  static Result<std::unique_ptr<QueryEngine>> Open(EngineOptions options);
  ~QueryEngine();

  // Runs one SELECT. Errors: InvalidArgument for a query that does not
  // parse or bind (with *error's position), a value that cannot be computed,
  // or a limit hit ("query needs more than 256 MB of memory; ..."); Busy
  // when cancelled; IOError/Corruption for files that cannot be read.
  Result<QueryResult> Query(std::string_view sql, const QueryOptions& options = {},
                            QueryError* error = nullptr);

  const TimeZone& zone() const;
  const EngineOptions& options() const;

 private:
  struct Impl;
  explicit QueryEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::storage::sql
