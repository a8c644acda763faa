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
  std::string read_buffer_;
};

}  // namespace tp::storage::sql
