// The materializer: the stream consumer that turns raw records into typed
// rows in date-partitioned Parquet part files, exactly once.
//
// It reads the log from the offset committed in the catalog, decodes each
// record with its table's RecordDecoder into a per-table, per-day tail (the
// day is the store-local day of the table's time column), and flushes the
// tails to part files when enough rows are buffered, when flush_interval
// has passed, or at shutdown. Flushes run on a thread of their own, so
// decoding goes on while the previous rows are written (at most one flush in
// flight). A flush writes and fsyncs every part file
// first, then registers all of them and advances the offset in ONE catalog
// transaction: after a crash the catalog names exactly the files that hold
// the records before its offset, and anything written after it is an
// unregistered file that Open() deletes before replaying from the log.
//
// Each log batch's rows then go through the table's transformation
// (derived columns, `where`; app/transform.h) before any reader sees them.
//
// Records that cannot be decoded or transformed go to the `_rejected` table
// with their table, offset, field, reason and raw JSON; rows a table's
// `where` filters are counted (and rejected too with on_filter = "reject");
// nothing is dropped silently.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/transform.h"
#include "storage/catalog.h"
#include "storage/column.h"
#include "storage/types.h"
#include "stream/log.h"
#include "stream/status.h"

namespace tp::app {

// A table as the config declares it. The materializer decodes into the
// declared columns plus those schema evolution added before (kept in the
// catalog), see PlanColumns in app/table_schema.h.
struct MaterializedTable {
  std::string name;
  storage::Schema schema;
  std::vector<std::string> paths;     // JSON path per column; empty = the column name
  std::vector<std::string> defaults;  // JSON default per column; empty (or missing) = none
  std::string time_column;            // a timestamp or date column of the schema
  OnNewFields on_new_fields = OnNewFields::kAddColumns;
  // Derived columns and `where` (app/transform.h): its schema is `schema`,
  // exprs[i] computes column i; none when empty.
  TransformSpec transform;
  OnFilter on_filter = OnFilter::kDrop;
};

struct MaterializerOptions {
  std::filesystem::path data_dir;
  std::string timezone = "UTC";
  std::vector<MaterializedTable> tables;
  uint64_t flush_rows = 250000;  // buffered rows (all tables) that trigger a flush
  std::chrono::milliseconds flush_interval{10000};
  int zstd_level = 3;
  std::string consumer = "materializer";  // name in the catalog and the log
  // Called from the materializer's threads, one call at a time.
  std::function<void(std::string_view)> info_log;
};

struct MaterializerStats {
  uint64_t next_offset = 0;       // first log offset not yet in a committed file
  uint64_t decoded_offset = 0;    // first log offset not yet decoded (queryable up to here)
  int64_t decoded_append_us = 0;  // append time of the last record decoded (0 = none yet)
  uint64_t buffered_rows = 0;     // decoded, waiting for the next flush
  uint64_t rows_written = 0;      // since open
  uint64_t rows_rejected = 0;     // since open
  // The same by (table, reject_code: app/record_decoder.h), since open.
  std::map<std::pair<std::string, std::string>, uint64_t> rejected_by;
  uint64_t rows_filtered = 0;  // rows a table's `where` did not accept, since open
  std::map<std::string, uint64_t> filtered_by_table;  // the same per table
  uint64_t files_written = 0;                         // since open
  uint64_t columns_added = 0;                         // by schema evolution, since open
  uint64_t flushes = 0;
  int64_t last_flush_us = 0;  // wall clock of the last successful flush
};

// Rows of one table decoded but not yet in committed part files, as handed
// to Materializer::ReadTail: columns in `schema` (the table's schema when
// they were decoded) and the store-local day of each row (days since epoch).
struct TailChunk {
  const storage::Schema* schema;
  const std::vector<storage::Column>* columns;
  const std::vector<int32_t>* row_day;
};

class Materializer {
 public:
  static constexpr const char* kRejectedTable = "_rejected";

  // Registers the tables' schemas in the catalog, removes part files the
  // catalog does not know (left by a crash mid-flush) and finds where to
  // resume in the log. `log` and `catalog` must outlive the materializer.
  static Result<std::unique_ptr<Materializer>> Open(MaterializerOptions options, stream::Log* log,
                                                    storage::Catalog* catalog);
  ~Materializer();  // Stop()s

  // Reads every durable record after the current position into the tails,
  // flushing whenever flush_rows is reached. Then flushes if `force`, or if
  // flush_interval has passed since the last flush.
  Status Poll(bool force);

  // Runs Poll in a background thread every `period` until Stop(), which
  // does a final Poll(force = true).
  void Start(std::chrono::milliseconds period = std::chrono::milliseconds(200));
  Status Stop();

  // Calls `fn` with the rows of `table` that are decoded but not in
  // committed files yet (the in-memory tail, also what a flush is writing),
  // under the lock flush commits take: catalog files listed inside `fn` and
  // these rows are disjoint, and together hold every row decoded so far, so
  // a query sees rows as soon as they are decoded. `fn` must not call back
  // into the materializer; keep it short (decoding waits). NotFound for an
  // unknown table.
  Status ReadTail(std::string_view table,
                  const std::function<void(const std::vector<TailChunk>&)>& fn) const;

  MaterializerStats Stats() const;

  // A config reload: starts decoding into `tables` (those not known yet),
  // from the next log batch on. Waits until the decoding thread took them
  // (between two batches); Busy after `timeout`, when they still apply later.
  // The error of a table that cannot be set up (the others are added).
  Status AddTables(std::vector<MaterializedTable> tables,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The schema of the _rejected table.
  static storage::Schema RejectedSchema();

  struct Impl;

 private:
  explicit Materializer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::app
