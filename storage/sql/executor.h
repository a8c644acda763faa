// The executor: runs a logical plan (plan.h) over a snapshot of the tables.
//
// Plans run as pipelines. A pipeline is a chain of streaming operators
// (scan -> filter -> project -> join probe -> limit) pulled a chunk at a
// time; every thread runs its own copy of the chain, and the chain's scan
// hands out files to the threads one at a time (morsels), so all cores scan
// at once. Operators that need all their input first (aggregate, sort,
// window, the build side of a join) are pipeline breakers: each thread
// feeds its own partial state (a hash table, a run of rows) and the
// partials are merged when the pipeline is drained; their output is then
// the source of the next pipeline.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sql/engine.h"
#include "storage/sql/expression.h"
#include "storage/sql/plan.h"
#include "storage/sql/reader_cache.h"

namespace tp::storage::sql {

// The rows of one table as of the query's start: live files (pinned) plus
// a copy of the in-memory tail, restricted to the scan's days.
struct TableData {
  std::vector<FileEntry> files;
  TableSnapshot pin;  // keeps `files` on disk while the query runs
  // Tail rows copied at the query's start: chunks of the scan's columns and
  // types (any number of rows each).
  std::vector<Chunk> tail;
  uint64_t files_pruned = 0;  // by the day range, before listing
  ReaderCache* readers = nullptr;  // null: open every file anew
};

// What every operator of one query shares: limits, statistics, errors.
class QueryContext {
 public:
  QueryContext(EvalContext eval, QueryLimits limits, const std::atomic<bool>* cancel, int threads,
               std::filesystem::path data_dir, std::filesystem::path spill_dir = {});

  const EvalContext& eval() const { return eval_; }
  int threads() const { return threads_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // Where operators write what does not fit in memory; empty: nowhere (a
  // query over its memory limit fails).
  const std::filesystem::path& spill_dir() const { return spill_dir_; }
  // True when an operator should spill rather than grow: the query may
  // spill and holds more than a third of its memory limit (the rest is for
  // reading the spilled rows back, a part per thread, and the result).
  bool ShouldSpill() const {
    return !spill_dir_.empty() && limits_.memory_bytes > 0 &&
           memory_.load(std::memory_order_relaxed) > limits_.memory_bytes / 3;
  }

  // OK, or why the query must stop: cancelled, past its time limit, or an
  // error another thread hit.
  Status Check() const;
  // Accounts `bytes` more held by the query; InvalidArgument past the limit.
  Status Reserve(size_t bytes);
  void Release(size_t bytes);
  size_t peak_memory() const { return peak_.load(); }
  // Records the first error so other threads stop too.
  void Fail(const Status& s);

  std::atomic<uint64_t> rows_scanned{0}, bytes_scanned{0}, files_scanned{0}, files_skipped{0},
      row_groups_scanned{0}, row_groups_skipped{0}, tail_rows{0}, spilled_bytes{0};

 private:
  EvalContext eval_;
  QueryLimits limits_;
  const std::atomic<bool>* cancel_;
  int threads_;
  std::filesystem::path data_dir_;
  std::filesystem::path spill_dir_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<size_t> memory_{0}, peak_{0};
  mutable std::mutex mu_;
  Status error_;  // GUARDED_BY(mu_)
  std::atomic<bool> failed_{false};
};

// Runs `plan` and returns its rows in order. `data` has one entry per scan
// node of the plan (system tables excepted), keyed by the node.
Result<std::vector<Chunk>> Execute(PlanNode* plan, QueryContext* ctx,
                                   std::map<const PlanNode*, TableData>* data);

}  // namespace tp::storage::sql
