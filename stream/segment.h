// One segment file: its in-memory description, its sparse index, and the
// scans that walk its batches (see stream/FORMAT.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "stream/batch_format.h"
#include "stream/status.h"

namespace tp::stream {

// Sparse index entry: the batch whose base offset is base + offset_delta
// starts at byte `position` of the segment.
struct IndexEntry {
  uint32_t offset_delta = 0;
  uint32_t position = 0;
  bool operator==(const IndexEntry&) const = default;
};

// A batch gets an index entry when it is the first in its segment or starts
// at least this many bytes after the batch of the previous entry. The rule is
// deterministic, so the index of a segment can be recomputed and compared.
inline constexpr uint64_t kIndexInterval = 4096;

inline bool NeedsIndexEntry(const std::vector<IndexEntry>& index, uint64_t position) {
  return index.empty() || position >= uint64_t{index.back().position} + kIndexInterval;
}

// Segments never grow past this, so index positions fit in 32 bits.
inline constexpr uint64_t kMaxSegmentSize = 1ull << 31;

struct SegmentInfo {
  uint64_t base = 0;           // offset of the first record
  uint64_t size = 0;           // bytes of complete batches (durable ones, for readers)
  uint64_t end_offset = 0;     // base + records in the segment
  int64_t last_append_us = 0;  // newest batch's append time; 0 when empty
  std::vector<IndexEntry> index;
};

// Index of the batch to start from when looking for `offset` in a segment
// with base `base`: the last entry at or below it (entries must be non-empty).
size_t FindIndexEntry(const std::vector<IndexEntry>& index, uint64_t base, uint64_t offset);

// Reads an index file. NotFound if missing; a trailing partial entry is dropped.
Status ReadIndexFile(const std::filesystem::path& path, std::vector<IndexEntry>* out);
// Replaces an index file's contents (plain write, not synced: the index is a
// cache that recovery checks and rebuilds).
Status WriteIndexFile(const std::filesystem::path& path, const std::vector<IndexEntry>& index);
void EncodeIndexEntries(const IndexEntry* e, size_t n, std::string* out);
// Structural check: first entry (0,0), strictly increasing, spacing per the
// rule above, every position below `segment_size`.
bool IndexLooksConsistent(const std::vector<IndexEntry>& index, uint64_t segment_size);

// Serves byte ranges of a file through a read-ahead buffer, never reading at
// or past `limit`. Not thread-safe.
class BufferedFile {
 public:
  BufferedFile(int fd, std::filesystem::path path, uint64_t limit, size_t chunk = 1 << 20)
      : fd_(fd), path_(std::move(path)), limit_(limit), chunk_(chunk) {}
  // Makes up to n bytes at pos available at *data; *avail < n only at limit.
  Status Peek(uint64_t pos, size_t n, const char** data, size_t* avail);
  void set_limit(uint64_t limit);
  uint64_t limit() const { return limit_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  int fd_;
  std::filesystem::path path_;
  uint64_t limit_;
  size_t chunk_;
  std::string buf_;
  uint64_t buf_pos_ = 0;
  size_t buf_len_ = 0;
};

// Walks the batches of [start, limit) of a segment. With verify_payload every
// payload CRC and record framing is checked; otherwise only headers are read.
// Each batch must have base offset == expected_base (then expected_base moves
// past it). Stops at the first bad batch.
struct ScanResult {
  uint64_t end_pos = 0;        // byte after the last good batch
  uint64_t next_offset = 0;    // end offset of the last good batch (or expected_base)
  int64_t last_append_us = 0;  // max append time seen
  uint64_t batches = 0;
  uint64_t records = 0;
  bool clean = true;        // false: stopped at a bad batch at end_pos
  bool incomplete = false;  // the bad batch runs past limit (a torn write?)
  std::string problem;      // why it stopped
};
using BatchVisitor = std::function<void(const BatchHeader&, uint64_t position)>;
Status ScanBatches(BufferedFile* file, uint64_t start, uint64_t expected_base, bool verify_payload,
                   std::vector<IndexEntry>* index, uint64_t segment_base, const BatchVisitor& visit,
                   ScanResult* result);

// Looks for a byte position in (from, limit) holding a header with a valid
// header CRC and a base offset in [min_base, min_base + limit - from].
// Returns the position found in *found (true) or false.
Status FindNextValidHeader(BufferedFile* file, uint64_t from, uint64_t min_base, bool* found,
                           uint64_t* found_pos, BatchHeader* found_header);

}  // namespace tp::stream
