// The background task that keeps the tables tidy: every interval it drops
// days older than each table's retention, compacts days with many small
// part files (storage/compactor.h), and deletes retired files that no reader
// needs any more (storage/file_snapshots.h).
//
// Everything it changes goes through one catalog commit per step, so a
// kill -9 at any moment leaves either the old files or the new ones live,
// never both and never neither; files it leaves behind are either listed as
// retired (deleted by the next pass, also after a restart) or unlisted
// (deleted by the materializer at the next start).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "storage/catalog.h"
#include "storage/file_snapshots.h"
#include "stream/status.h"

namespace date {
class time_zone;
}

namespace tp::app {

struct CompactionServiceOptions {
  std::filesystem::path data_dir;
  std::string timezone = "UTC";               // IANA; "today" is the store-local day
  std::chrono::milliseconds interval{60000};  // between passes; 0 = Start() runs nothing
  uint64_t min_files = 8;                     // see storage::CompactionPolicy
  uint64_t target_file_bytes = 512ull << 20;
  int zstd_level = 3;
  // Per table: whole store-local days older than this are dropped; a table
  // that is absent or has 0 keeps everything. _rejected is never dropped.
  std::map<std::string, std::chrono::seconds, std::less<>> retention;
  std::function<void(std::string_view)> info_log;
  // The wall clock, µs since the epoch; tests set it to pin "today".
  std::function<int64_t()> now_us;
};

struct CompactionStats {
  uint64_t passes = 0;
  uint64_t compactions = 0;      // committed merges
  uint64_t files_compacted = 0;  // files they replaced
  uint64_t files_written = 0;    // files they wrote
  uint64_t bytes_read = 0, bytes_written = 0;
  uint64_t conflicts = 0;  // merges that lost a race with retention (harmless)
  uint64_t errors = 0;     // merges, drops or deletions that failed (retried)
  uint64_t days_dropped = 0, files_dropped = 0, rows_dropped = 0;
  uint64_t files_deleted = 0;            // retired files removed from disk
  uint64_t files_awaiting_deletion = 0;  // retired files still on disk after the last pass
  int64_t last_pass_us = 0;              // wall clock of the last finished pass
};

class CompactionService {
 public:
  // `catalog` and `snapshots` must outlive the service. InvalidArgument for
  // an unknown time zone.
  static Result<std::unique_ptr<CompactionService>> Create(CompactionServiceOptions options,
                                                           storage::Catalog* catalog,
                                                           storage::FileSnapshots* snapshots);
  ~CompactionService();  // Stop()s

  // One pass: retention, then compaction of every table (one day at a
  // time), then reaping. Failures of single days are logged, counted and
  // retried by the next pass; the returned status is the first of them.
  Status RunOnce();

  // Runs a pass every `interval` in a background thread (the first one
  // interval after Start) until Stop(), which interrupts a running
  // compaction between row groups (its output is deleted) and joins.
  void Start();
  void Stop();

  // A table a config reload added: its retention applies from the next pass.
  void AddRetention(const std::string& table, std::chrono::seconds retention);

  // The current store-local day, "YYYY-MM-DD".
  std::string Today() const;
  CompactionStats Stats() const;

 private:
  CompactionService(CompactionServiceOptions options, storage::Catalog* catalog,
                    storage::FileSnapshots* snapshots, const date::time_zone* zone);
  void Info(const std::string& line) const;
  // Logs `error` for `key` unless it is the one logged last time for it, so
  // a lasting problem does not fill the log every interval.
  void Report(const std::string& key, const std::string& error);
  int64_t NowMicros() const;
  Status ApplyRetention(const std::string& today);
  Status CompactTables(const std::string& today);
  Status Reap();

  const CompactionServiceOptions options_;
  storage::Catalog* const catalog_;
  storage::FileSnapshots* const snapshots_;
  const date::time_zone* const zone_;  // nullptr = UTC

  std::atomic<bool> stopping_{false};
  std::mutex run_mu_;
  std::condition_variable run_cv_;
  std::thread thread_;
  std::mutex pass_mu_;  // one pass at a time (RunOnce from a test and the thread)

  std::mutex retention_mu_;
  // options_.retention and the tables added since.
  std::map<std::string, std::chrono::seconds, std::less<>> retention_;  // GUARDED_BY(retention_mu_)

  mutable std::mutex stats_mu_;
  CompactionStats stats_;                           // GUARDED_BY(stats_mu_)
  std::map<std::string, std::string> last_errors_;  // GUARDED_BY(pass_mu_)
};

}  // namespace tp::app
