// Private to stream/: the state behind Log, shared by log.cpp (public API,
// housekeeping, retention), log_writer.cpp (the writer thread) and
// log_reader.cpp (readers).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stream/checkpoint.h"
#include "stream/consumer_offsets.h"
#include "stream/file_util.h"
#include "stream/histogram.h"
#include "stream/idempotency.h"
#include "stream/log.h"
#include "stream/segment.h"

namespace tp::stream {

// What readers may see: the segments and how much of each is durable.
// Outlives the Log if a reader still holds it.
struct LogShared {
  std::filesystem::path dir;
  mutable std::mutex mu;
  std::vector<SegmentInfo> segments;  // GUARDED_BY(mu); ascending, never empty
  uint64_t end_offset = 0;            // GUARDED_BY(mu); all below are durable
};

Result<std::unique_ptr<LogReader>> NewLogReader(std::shared_ptr<LogShared> shared,
                                                uint64_t from_offset);

// Keys are capped at this many; the oldest are forgotten first.
inline constexpr size_t kMaxIdempotencyKeys = 2'000'000;

struct Log::Impl {
  // One queued append.
  struct Pending {
    AppendRequest req;
    std::function<void(AppendResult)> done;
    uint64_t bytes = 0;  // counted against max_pending_bytes
  };

  explicit Impl(LogOptions o)
      : opt(std::move(o)),
        consumers(opt.dir / "consumers"),
        shared(std::make_shared<LogShared>()) {}

  void Info(const std::string& msg) const {
    if (opt.info_log) opt.info_log(msg);
  }

  // ---- log.cpp ----
  Status LoadIdempotency();
  void Start();
  void HousekeepingLoop();
  void ProbeDisk();
  std::string DiskLowMessage() const;
  Result<int> EnforceRetention(std::chrono::system_clock::time_point now);
  void Close();

  // ---- log_writer.cpp (writer thread only, unless noted) ----
  void Append(AppendRequest request, std::function<void(AppendResult)> done);  // any thread
  void WriterLoop();
  void ProcessGroup(std::vector<Pending>* group);
  Status WriteRun(std::vector<Pending>* group, size_t k, size_t e, int64_t now_us);
  Status Roll(uint64_t new_base);
  Status SyncActive();
  // fdatasync of the active segment, counted and timed (writer thread).
  Status SyncSegment();
  void NoteDurable();
  void WriteCheckpointIfChanged();             // any thread
  void WriteSnapshotIfChanged(bool at_close);  // any thread

  const LogOptions opt;
  uint64_t segment_limit = 0;  // opt.segment_size capped at kMaxSegmentSize
  RecoveryReport report;
  ConsumerOffsets consumers;
  std::shared_ptr<LogShared> shared;

  // Queue between Append and the writer.
  mutable std::mutex mu;
  std::condition_variable writer_cv;
  std::vector<Pending> queue;  // GUARDED_BY(mu)
  uint64_t pending_bytes = 0;  // GUARDED_BY(mu)
  bool closing = false;        // GUARDED_BY(mu)
  Status sticky_error;         // GUARDED_BY(mu); set when the log cannot continue safely

  std::atomic<bool> disk_low{false};
  std::atomic<uint64_t> free_bytes{0};
  std::atomic<uint64_t> appended_records{0};
  std::atomic<uint64_t> appended_batches{0};
  std::atomic<uint64_t> syncs{0};
  LatencyHistogram fsync_seconds{LatencyHistogram::kDiskBounds};

  // Writer-thread state.
  FileHandle seg_fd;
  FileHandle idx_fd;
  std::filesystem::path seg_path;
  uint64_t active_base = 0;
  uint64_t written_size = 0;  // bytes written to the active segment
  uint64_t next_offset = 0;   // offset the next batch gets
  int64_t active_last_append_us = 0;
  std::vector<IndexEntry> active_index;
  std::vector<IndexEntry> unpublished_index;  // entries written but not yet published
  bool dirty = false;                         // written but not fdatasync'ed
  std::chrono::steady_clock::time_point last_sync;
  uint64_t written_offset = 0;  // end offset of the data written to the active segment
  // Per-group scratch, reused to avoid allocations.
  struct Item {
    enum Kind { kNew, kDupDone, kDupInGroup, kFailed } kind = kNew;
    AppendResult result;
    size_t ref = 0;         // kDupInGroup: index of the original in the group
    uint64_t position = 0;  // kNew: byte position in its segment
    size_t header_at = 0;   // kNew: header bytes in header_arena
    size_t header_len = 0;
  };
  std::vector<Item> items;
  std::vector<size_t> new_items;  // indexes into items of kNew, in offset order
  std::string header_arena;
  std::string index_scratch;
  std::vector<struct iovec> iov;

  // Last fdatasync'ed position, for checkpoints and snapshots.
  std::mutex durable_mu;
  Checkpoint durable;        // GUARDED_BY(durable_mu)
  uint64_t durable_seq = 0;  // GUARDED_BY(durable_mu); bumps on every change

  // Idempotency keys; the writer inserts, housekeeping expires and snapshots.
  mutable std::mutex idem_mu;
  IdempotencyTable idem;      // GUARDED_BY(idem_mu)
  uint64_t idem_changes = 0;  // GUARDED_BY(idem_mu)

  // Checkpoint and snapshot files: written by the writer (roll), housekeeping
  // and Close.
  std::mutex files_mu;
  uint64_t checkpoint_seq_written = UINT64_MAX;    // GUARDED_BY(files_mu)
  uint64_t snapshot_changes_written = UINT64_MAX;  // GUARDED_BY(files_mu)
  Checkpoint snapshot_pos_written;                 // GUARDED_BY(files_mu)

  std::mutex retention_mu;  // one EnforceRetention at a time

  std::thread writer;
  std::thread housekeeper;
  std::mutex hk_mu;
  std::condition_variable hk_cv;
  bool hk_stop = false;  // GUARDED_BY(hk_mu)

  std::mutex close_mu;
  bool closed = false;  // GUARDED_BY(close_mu)
};

}  // namespace tp::stream
