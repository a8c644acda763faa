// Spill files: rows a query cannot hold in memory, written to a temporary
// file and read back in order. The file is anonymous (O_TMPFILE, or
// unlinked right after it is created), so nothing is left behind when the
// query ends, fails or the process dies.
//
// Format (private to one query, never read by another build): per chunk a
// header of two uint32 (rows, payload bytes), then per column: one byte
// (1 = a validity byte per row follows), the validity, then the values in
// their physical form; strings as a uint32 length per row, then the bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/sql/vector.h"
#include "stream/status.h"

namespace tp::storage::sql {

class SpillFile {
 public:
  // A new empty file in `dir` (created if missing).
  static Result<std::unique_ptr<SpillFile>> Create(const std::filesystem::path& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends rows [0, c.size) of `c` (buffered).
  Status Append(const Chunk& c);
  // Writes what is buffered; then Read may start (from the beginning).
  Status Finish();
  // The next chunk written (columns of `types`), or out->size == 0 at the end.
  Status Read(const std::vector<SqlType>& types, Chunk* out);

  uint64_t bytes_written() const { return written_ + buffer_.size(); }
  // Bytes held in memory (the write buffer).
  size_t buffer_bytes() const { return buffer_.capacity(); }

 private:
  SpillFile(int fd, std::filesystem::path dir) : fd_(fd), dir_(std::move(dir)) {}
  Status Flush();
  int fd_;
  std::filesystem::path dir_;  // for messages
  std::string buffer_;
  uint64_t written_ = 0;
  uint64_t read_pos_ = 0;
};

// Rows split into kParts spill files by the top bits of a hash of their
// keys (HashRows in the executor), so rows with equal keys (a group, the
// two sides of a join) land in the same part. One writer thread per
// instance; files are created on first use.
class SpillPartitions {
 public:
  static constexpr int kBits = 6;
  static constexpr size_t kParts = size_t{1} << kBits;
  static size_t PartOf(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kBits)); }

  SpillPartitions(std::filesystem::path dir, std::atomic<uint64_t>* spilled)
      : dir_(std::move(dir)), spilled_(spilled) {}
  // Writes rows rows[0..count) (all `n` rows when rows is null) of `cols`
  // (n rows each) to the parts of their hashes[row].
  Status Write(const std::vector<const Vector*>& cols, size_t n, const uint64_t* hashes,
               const uint32_t* rows, size_t count);
  // Flushes every file; Read may start.
  Status Finish();
  // Part p's file, or null when no row went there.
  SpillFile* part(size_t p) { return files_.empty() ? nullptr : files_[p].get(); }
  // Drops part p's file (and its disk space).
  void Drop(size_t p) {
    if (!files_.empty()) files_[p].reset();
  }

 private:
  std::filesystem::path dir_;
  std::atomic<uint64_t>* spilled_;
  std::vector<std::unique_ptr<SpillFile>> files_;
  std::vector<std::vector<uint32_t>> rows_of_;  // per part, scratch
  Chunk out_;                                   // scratch
};

}  // namespace tp::storage::sql
