// Internal to the materializer's two source files: materializer.cpp
// (open, decode, schema evolution, the public API) and materializer_flush.cpp
// (writing part files and committing them, on the flusher thread).
#pragma once

#include <date/tz.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/materializer.h"
#include "app/record_decoder.h"
#include "storage/value_parse.h"

namespace tp::app {
namespace materializer_internal {

using storage::Column;

// Rows decoded for one table since the last flush, in log order, with the
// store-local day of each.
struct TableState {
  std::string name;
  std::string time_column;
  OnNewFields on_new_fields = OnNewFields::kAddColumns;
  std::vector<DecoderColumn> columns;  // what `decoder` decodes; `schema` is their fields
  storage::Schema schema;
  int time_index = -1;
  int schema_version = 0;
  std::unique_ptr<RecordDecoder> decoder;  // null for _rejected
  std::unique_ptr<Transform> transform;    // null: no derived columns, no `where`
  std::string where;                       // its text, for reasons
  OnFilter on_filter = OnFilter::kDrop;
  std::vector<Column> rows;
  std::vector<int32_t> row_day;
  std::vector<uint32_t> row_raw;  // bytes of each row's JSON record
};

// One table's rows handed to the flusher: immutable until committed.
struct FlushTable {
  std::string name;
  storage::Schema schema;
  int schema_version = 0;
  int time_index = -1;
  std::vector<Column> rows;
  std::vector<int32_t> row_day;
  std::vector<uint32_t> row_raw;
};

// Everything decoded up to (not including) log offset `next_offset` that is
// not in committed files yet.
struct FlushJob {
  std::vector<FlushTable> tables;
  uint64_t next_offset = 0;
  uint64_t rows = 0;  // in tables other than _rejected
};

}  // namespace materializer_internal

using materializer_internal::FlushJob;
using materializer_internal::FlushTable;
using materializer_internal::TableState;

struct Materializer::Impl {
  MaterializerOptions opt;
  stream::Log* log = nullptr;
  storage::Catalog* catalog = nullptr;
  const date::time_zone* zone = nullptr;  // nullptr = UTC

  std::map<std::string, TableState, std::less<>> tables;
  TableState rejected;

  // Decoding state: touched only by the thread that calls Poll (the tails
  // also under view_mu, for readers).
  std::unique_ptr<stream::LogReader> reader;
  uint64_t next_offset = 0;       // after the last record in the tails
  uint64_t buffered = 0;          // rows in the tails
  uint64_t submitted_offset = 0;  // next_offset of the last job handed to the flusher
  // Rows of the current log batch (of one table, `pending_table`) decoded
  // but not transformed yet: the last pending.size() rows of its tail.
  struct PendingRow {
    uint64_t offset;
    std::string_view record;  // into the batch
    int64_t ingested_us;
  };
  std::vector<PendingRow> pending;
  TableState* pending_table = nullptr;
  std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();

  // Flushing runs on its own thread so decoding the next rows overlaps
  // writing the last ones (two cores). At most one job is in flight.
  // Lock order: view_mu, then job_mu.
  mutable std::mutex view_mu;  // tails and `job` as readers see them; flush commits
  mutable std::mutex job_mu;
  std::condition_variable job_cv;
  std::unique_ptr<FlushJob> job;  // GUARDED_BY(job_mu); set until committed
  bool job_pending = false;       // GUARDED_BY(job_mu): the flusher should (re)run `job`
  Status job_status;              // GUARDED_BY(job_mu): of the last attempt
  bool flusher_exit = false;      // GUARDED_BY(job_mu)
  std::thread flusher;
  uint64_t flush_seq = 0;  // flusher thread only
  // Directories whose entries (and parents') a committed flush synced
  // (flusher thread only).
  std::set<std::filesystem::path> durable_dirs;

  mutable std::mutex stats_mu;
  MaterializerStats stats;  // GUARDED_BY(stats_mu)

  // Tables added by a config reload (AddTables), adopted by the decoding
  // thread between batches, so no record after the call decodes without them.
  std::mutex add_mu;
  std::condition_variable add_cv;
  std::vector<MaterializedTable> to_add;  // GUARDED_BY(add_mu)
  uint64_t add_requested = 0;             // GUARDED_BY(add_mu)
  uint64_t add_done = 0;                  // GUARDED_BY(add_mu)
  Status add_status;                      // GUARDED_BY(add_mu) of the last adoption
  std::atomic<bool> add_pending{false};
  // Decoding thread: takes the tables of AddTables into `tables`.
  void AdoptTables();
  // The state of a configured table: its columns (declared plus those schema
  // evolution added before), decoder and transformation.
  Result<TableState> MakeTable(const MaterializedTable& spec);

  std::mutex run_mu;
  std::condition_variable run_cv;
  bool stopping = false;  // GUARDED_BY(run_mu)
  std::thread thread;

  mutable std::mutex info_mu;  // info_log is called from the decoding and the flusher thread
  void Info(const std::string& s) const {
    if (!opt.info_log) return;
    std::lock_guard lock(info_mu);
    opt.info_log(s);
  }
  int32_t LocalDay(int64_t micros) const {
    if (zone == nullptr) return static_cast<int32_t>(storage::FloorDiv(micros, 86400LL * 1000000));
    auto local = zone->to_local(
        date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(micros)));
    return static_cast<int32_t>(date::floor<date::days>(local).time_since_epoch().count());
  }
  // `code` is one of reject_code.
  void Reject(std::string_view table, uint64_t offset, const char* code, const std::string& field,
              const std::string& reason, std::string_view record, int64_t ingested_us);
  Status Process(std::string_view table, uint64_t offset, std::string_view record,
                 int64_t ingested_us);
  // Runs the pending rows through their table's transformation: computes
  // derived columns and days, drops the rows `where` filters, rejects the
  // rows that fail.
  void TransformPending();
  // Schema evolution: registers the table's new columns (or a widened one)
  // as a new schema version, then decodes with the new schema. `problem`
  // gets why the record cannot add its fields (it is then rejected).
  Status AddColumns(TableState& t, const std::vector<NewField>& fields, uint64_t offset,
                    std::string* problem_field, std::string* problem);
  Status Widen(TableState& t, int column, uint64_t offset);
  Status NewVersion(TableState& t);
  // Decoding side: hands the tails to the flusher (waiting for the job in
  // flight first), and waits until nothing is in flight.
  Status Submit();
  Status Drain();
  // Flusher side.
  void FlusherLoop();
  Status WriteJob(const FlushJob& job);
  Status WriteTable(const FlushTable& t, uint64_t next_offset,
                    std::vector<storage::FileEntry>* files,
                    std::vector<std::filesystem::path>* written,
                    std::set<std::filesystem::path>* dirs_to_sync);
};

}  // namespace tp::app
