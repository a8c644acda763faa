// Spill files: rows a query cannot hold in memory, written to a temporary
// file and read back in order. The file is anonymous (O_TMPFILE, or
// unlinked right after it is created), so nothing is left behind when the
// query ends, fails or the process dies.
//
// Format (private to one query, never read by another build): per chunk a
// header of two uint32 (rows, payload bytes), then per column: one byte
// (1 = a validity byte per row follows), the validity, then the values in
// their physical form; strings as a uint32 length per row, then the bytes.
//
// Appended rows are staged column by column and written as one chunk per
// ~32 KB: a caller that splits its batches 128 ways (SpillPartitions) would
// otherwise write, and read back, chunks of a few dozen rows, each costing
// its own allocations. Many SpillFiles may share one file on disk (a
// SpillDisk): each writes its chunks at the disk's end and keeps their
// offsets, so 128 parts cost one file descriptor, not 128 files to create.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/vector.h"
#include "stream/status.h"

namespace tp::storage::sql {

// One anonymous file in a directory, written at its end and read at
// offsets (thread-safe).
class SpillDisk {
 public:
  // A new empty file in `dir` (created if missing).
  static Result<std::shared_ptr<SpillDisk>> Create(const std::filesystem::path& dir);
  ~SpillDisk();
  SpillDisk(const SpillDisk&) = delete;
  SpillDisk& operator=(const SpillDisk&) = delete;

  // Writes `bytes` at the end; *offset = where.
  Status Append(const std::string& bytes, uint64_t* offset);
  Status ReadAt(uint64_t offset, char* out, size_t bytes);

 private:
  SpillDisk(int fd, std::filesystem::path dir) : fd_(fd), dir_(std::move(dir)) {}
  int fd_;
  std::filesystem::path dir_;  // for messages
  std::atomic<uint64_t> end_{0};
};

class SpillFile {
 public:
  // A new empty file in `dir` (created if missing), on a disk of its own.
  static Result<std::unique_ptr<SpillFile>> Create(const std::filesystem::path& dir);
  // A new empty file whose chunks go to `disk`.
  explicit SpillFile(std::shared_ptr<SpillDisk> disk) : disk_(std::move(disk)) {}
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends rows [0, c.size) of `c` (buffered; every call with the same
  // column types).
  Status Append(const Chunk& c);
  // Appends rows rows[0..count) of `cols` (rows 0..count when null).
  Status Append(const std::vector<const Vector*>& cols, const uint32_t* rows, size_t count);
  // Writes what is buffered; then Read may start (from the beginning).
  Status Finish();
  // The next chunk written (columns of `types`), or out->size == 0 at the end.
  Status Read(const std::vector<SqlType>& types, Chunk* out);

  uint64_t bytes_written() const { return written_ + staged_bytes_; }

 private:
  // One column's staged rows, in the file's layout.
  struct Staged {
    std::string validity, values, lengths;  // lengths: strings only
    bool any_null = false;
  };
  // Writes the staged rows as one chunk.
  Status Flush();
  std::shared_ptr<SpillDisk> disk_;
  std::vector<std::pair<uint64_t, uint32_t>> chunks_;  // offset and size on the disk
  size_t next_chunk_ = 0;                              // to read
  std::vector<Staged> staged_;
  size_t staged_rows_ = 0;
  size_t staged_bytes_ = 0;
  std::string buffer_;  // a chunk being framed
  uint64_t written_ = 0;
};

// Rows split into kParts spill files by the top bits of a hash of their
// keys (HashRows in the executor), so rows with equal keys (a group, the
// two sides of a join) land in the same part. One writer thread per
// instance; the parts share one SpillDisk, created on the first write.
class SpillPartitions {
 public:
  static constexpr int kBits = 7;
  static constexpr size_t kParts = size_t{1} << kBits;
  static size_t PartOf(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kBits)); }

  SpillPartitions(std::filesystem::path dir, std::atomic<uint64_t>* spilled)
      : dir_(std::move(dir)), spilled_(spilled) {}
  SpillPartitions(const SpillPartitions&) = delete;
  SpillPartitions& operator=(const SpillPartitions&) = delete;
  // Writes rows rows[0..count) (all `n` rows when rows is null) of `cols`
  // (n rows each) to the parts of their hashes[row].
  Status Write(const std::vector<const Vector*>& cols, size_t n, const uint64_t* hashes,
               const uint32_t* rows, size_t count);
  // Flushes every file; Read may start.
  Status Finish();
  // Part p's file, or null when no row went there.
  SpillFile* part(size_t p) { return files_.empty() ? nullptr : files_[p].get(); }
  // Drops part p's file (callable from any thread). Its disk space comes
  // back with the others' when this is destroyed: punching a hole per
  // chunk made a query spilling 7.5 GB take 117 s instead of 30 (ext4
  // mounted with discard).
  void Drop(size_t p) {
    if (!files_.empty()) files_[p].reset();
  }

 private:
  std::filesystem::path dir_;
  std::atomic<uint64_t>* spilled_;
  std::vector<std::unique_ptr<SpillFile>> files_;
  std::vector<std::vector<uint32_t>> rows_of_;  // per part, scratch
};

}  // namespace tp::storage::sql
