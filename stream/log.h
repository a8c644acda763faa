// The durable append log: one log for all tables, in segment files under
// `dir`, as described in stream/FORMAT.md.
//
// Offsets number records (not bytes), start at 0, and are dense: a batch of
// N records holding base offset B covers offsets B .. B+N-1, and the next
// batch starts at B+N.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream/histogram.h"
#include "stream/status.h"

namespace tp::stream {

enum class FsyncMode {
  kGroup,     // acknowledge after fdatasync; concurrent appends share one sync
  kInterval,  // acknowledge after write(); fdatasync every fsync_interval
  kOff,       // never fdatasync; the OS writes back when it likes
};

struct LogOptions {
  std::filesystem::path dir;  // data_dir/stream; created if missing
  FsyncMode fsync = FsyncMode::kGroup;
  std::chrono::milliseconds fsync_interval{1000};
  uint64_t segment_size = 128ull << 20;             // roll when a segment passes this
  std::chrono::seconds retention{7 * 24 * 3600};    // 0 = keep forever
  uint64_t min_free = 1ull << 30;                   // disk guard threshold, bytes
  std::chrono::seconds idempotency_window{24 * 3600};
  uint64_t max_pending_bytes = 256ull << 20;        // backlog guard: Busy above this
  std::chrono::milliseconds housekeeping_interval{1000};  // disk probe, retention, checkpoint
  // Returns free bytes on the file system holding `dir`. Tests replace it;
  // the default uses statvfs.
  std::function<uint64_t(const std::filesystem::path&)> free_space_probe;
  // Where the log says what it did (recovery truncation, retention). May be
  // empty. Called from Open's thread, the writer and housekeeping threads.
  std::function<void(std::string_view)> info_log;
};

// Encodes records into the payload of one batch. Used off the writer thread
// so that copying and checksumming run in parallel with other requests.
class BatchBuilder {
 public:
  void Add(std::string_view record);
  uint32_t count() const { return count_; }
  size_t bytes() const { return buf_.size(); }
  // The encoded records and their CRC32C; leaves the builder empty.
  std::string Finish(uint32_t* payload_crc);

 private:
  std::string buf_;
  uint32_t count_ = 0;
};

struct AppendRequest {
  std::string table;            // 1..255 bytes
  std::string idempotency_key;  // empty = none; at most 255 bytes
  uint64_t body_hash = 0;       // hash of the request body, checked on key reuse
  uint32_t record_count = 0;    // from BatchBuilder::count()
  uint32_t payload_crc = 0;     // from BatchBuilder::Finish()
  std::string payload;          // from BatchBuilder::Finish()
};

struct AppendResult {
  Status status;  // OK, NoSpace (disk guard / ENOSPC), Busy (backlog guard),
                  // Conflict (key reused with another table or body), IOError
  uint64_t first_offset = 0;
  uint64_t last_offset = 0;
  uint32_t accepted = 0;
  bool duplicate = false;  // answered from the idempotency memory; nothing appended
};

// One batch as read back from the log. `records` point into storage owned by
// the reader and stay valid until the next call to Next().
struct Batch {
  uint64_t base_offset = 0;
  int64_t append_time_us = 0;
  std::string table;
  std::string idempotency_key;
  std::vector<std::string_view> records;
};

class LogReader {
 public:
  virtual ~LogReader() = default;
  // Fills *out with the next batch at or after the start offset and returns
  // true, or returns false at the durable end of the log. A batch that
  // straddles the start offset is returned whole: callers skip records with
  // offset < start themselves.
  virtual Result<bool> Next(Batch* out) = 0;
};

struct ConsumerInfo {
  std::string name;
  uint64_t offset = 0;  // next offset the consumer will read
  uint64_t lag = 0;     // end_offset - offset
};

struct LogStats {
  uint64_t start_offset = 0;  // first offset still held (after retention)
  uint64_t end_offset = 0;    // next offset to be assigned; all below are durable
  uint64_t segments = 0;
  uint64_t bytes = 0;         // bytes in all segment files
  uint64_t appended_records = 0;  // since open
  uint64_t appended_batches = 0;  // since open
  uint64_t syncs = 0;             // fdatasync calls since open
  uint64_t pending_bytes = 0;     // queued, not yet written
  uint64_t free_bytes = 0;        // last disk probe
  bool disk_low = false;          // free_bytes < min_free
  uint64_t idempotency_keys = 0;  // keys remembered
};

// One segment file as Log::Segments() lists it.
struct SegmentSummary {
  uint64_t base_offset = 0;   // first record
  uint64_t end_offset = 0;    // one past its last record
  uint64_t bytes = 0;         // durable bytes
  int64_t last_append_us = 0; // newest batch's append time; 0 when empty
  bool active = false;        // the segment appends go to (never deleted by retention)
};

// What recovery found and did on Open().
struct RecoveryReport {
  uint64_t verified_batches = 0;
  uint64_t truncated_bytes = 0;          // torn tail cut off
  uint64_t rebuilt_indexes = 0;
  std::vector<std::string> messages;     // one line per action, also sent to info_log
};

class Log {
 public:
  // Opens or creates the log and recovers it: verifies every batch after the
  // last checkpoint, truncates a torn tail (and says exactly what was cut),
  // rebuilds missing indexes, reloads idempotency keys. Corruption that is
  // not a torn tail (valid data after a bad batch, or any bad batch in a
  // sealed segment) returns Status::Corruption naming the segment and byte
  // position and pointing to `tillpipe check`; nothing is modified then.
  static Result<std::unique_ptr<Log>> Open(LogOptions options);

  ~Log();  // Close()s
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Queues a batch. `done` runs exactly once, on the writer thread, when the
  // batch is durable per the fsync mode (or has failed, or was a duplicate).
  // Requests refused up front (invalid, log closed, NoSpace from the disk
  // guard, Busy from the backlog guard) are answered at once, on the calling
  // thread, before Append returns. Callers must not block in `done`.
  void Append(AppendRequest request, std::function<void(AppendResult)> done);
  AppendResult AppendSync(AppendRequest request);  // Append and wait

  // Reads durable batches starting at `from_offset` (clamped to start_offset).
  Result<std::unique_ptr<LogReader>> NewReader(uint64_t from_offset) const;

  // Named consumer offsets, stored durably (survive kill -9 once returned).
  Status CommitConsumer(const std::string& name, uint64_t next_offset);
  std::vector<ConsumerInfo> Consumers() const;

  LogStats Stats() const;
  // The segments, oldest first.
  std::vector<SegmentSummary> Segments() const;
  // How long the writer's fdatasync calls took.
  const LatencyHistogram& fsync_seconds() const;
  const RecoveryReport& recovery_report() const;

  // Deletes whole sealed segments whose newest batch is older than
  // now - retention and whose records every consumer has passed. Runs from
  // housekeeping; public for tests. Returns the number of segments deleted.
  Result<int> EnforceRetention(std::chrono::system_clock::time_point now);

  // Stops accepting appends, finishes queued ones, syncs, writes a
  // checkpoint and closes files. Idempotent.
  void Close();

 private:
  struct Impl;
  explicit Log(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What `tillpipe check` reports for the log: every batch's CRC and framing,
// offset continuity across segments, index consistency. Read-only.
struct CheckReport {
  uint64_t segments = 0;
  uint64_t batches = 0;
  uint64_t records = 0;
  std::vector<std::string> problems;  // empty = healthy
};
Result<CheckReport> CheckLog(const std::filesystem::path& dir);

}  // namespace tp::stream
