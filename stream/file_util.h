// Small POSIX file helpers for stream/: error statuses that name the file,
// full reads and writes, atomic replacement, and file naming.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stream/status.h"

namespace tp::stream {

// Owns a file descriptor; closes it on destruction.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() { Reset(); }
  FileHandle(FileHandle&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileHandle& operator=(FileHandle&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// A Status for errno `err` from `op` on `path`: NoSpace for ENOSPC/EDQUOT,
// NotFound for ENOENT, IOError otherwise.
Status PosixError(const std::string& op, const std::filesystem::path& path, int err);

Status OpenFile(const std::filesystem::path& path, int flags, FileHandle* out);
// Reads exactly n bytes at offset, or fewer only at end of file (*got says).
Status PReadFull(int fd, const std::filesystem::path& path, uint64_t offset, char* dst, size_t n,
                 size_t* got);
// Writes all iovecs at offset, continuing after short writes. iov is modified.
Status PWriteVFull(int fd, const std::filesystem::path& path, uint64_t offset, struct iovec* iov,
                   int iovcnt);
Status WriteAll(int fd, const std::filesystem::path& path, const char* data, size_t n);
Status SyncDir(const std::filesystem::path& dir);
Status FileSize(int fd, const std::filesystem::path& path, uint64_t* size);

// Reads a whole (small) file. NotFound if it does not exist.
Status ReadSmallFile(const std::filesystem::path& path, std::string* out);
// Replaces `path` atomically and durably: writes path.tmp, fsyncs it, renames
// it over path and fsyncs the directory.
Status WriteFileAtomic(const std::filesystem::path& path, const std::string& contents);

// "00000000000000000123.log" style names.
std::string SegmentFileName(uint64_t base_offset);
std::string IndexFileName(uint64_t base_offset);
// Parses a segment file name; false if `name` is not one.
bool ParseSegmentFileName(const std::string& name, uint64_t* base_offset);
// Base offsets of all segment files in dir, ascending.
Status ListSegments(const std::filesystem::path& dir, std::vector<uint64_t>* bases);

// "412 MiB", "1 GiB", "1.5 GiB", "800 B".
std::string FormatBytes(uint64_t n);

int64_t NowMicros();  // wall clock, UTC micros

}  // namespace tp::stream
