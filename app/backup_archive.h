// The .tar.zst files of `tillpipe backup`: a writer and a reader over
// libarchive (pax tar, zstd filter) that checksum every entry's bytes as they
// pass (XXH3-128), so the manifest can name each file's size and checksum and
// a restore can prove it got the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "stream/status.h"

struct archive;

namespace tp::app {

// Size and XXH3-128 (32 lowercase hex digits, canonical big-endian) of bytes.
struct FileDigest {
  uint64_t size = 0;
  std::string xxh3_128;
  bool operator==(const FileDigest&) const = default;
};

// Streaming XXH3-128.
class Digester {
 public:
  Digester();
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  void Update(const void* data, size_t n);
  FileDigest Finish() const;

 private:
  void* state_;  // XXH3_state_t
  uint64_t size_ = 0;
};

class ArchiveWriter {
 public:
  // Where a streamed archive's bytes go as they are made (a download); an
  // error ends the archive with that error.
  using Sink = std::function<Status(std::string_view bytes)>;

  // Creates `file` (which must not exist) for writing; nothing is visible
  // under that name until Finish().
  static Result<std::unique_ptr<ArchiveWriter>> Create(const std::filesystem::path& file, int zstd_level);
  // Writes the archive to `sink` instead; `label` names it in errors.
  static Result<std::unique_ptr<ArchiveWriter>> ToSink(Sink sink, std::string label, int zstd_level);
  ~ArchiveWriter();  // without Finish(): removes the partial file

  // Adds the regular file `source` as entry `name`, read once from start to
  // the size it had when opened. NotFound when the file is gone (a retired
  // part file deleted under a live backup: the caller starts over). `progress`
  // gets byte counts as they are written.
  Result<FileDigest> AddFile(const std::string& name, const std::filesystem::path& source,
                             const std::function<void(uint64_t)>& progress = {});
  Result<FileDigest> AddBytes(const std::string& name, std::string_view bytes);
  // Writes the end of the archive; a file is fsynced and renamed into place.
  Status Finish();
  uint64_t bytes_written() const;

 private:
  ArchiveWriter() = default;
  Status Header(const std::string& name, uint64_t size);
  Status Write(const std::string& name, const char* data, size_t n);
  Status Error(std::string_view what) const;
  Status SetUp(int zstd_level);
  static ssize_t SinkWrite(struct archive*, void* self, const void* data, size_t n);

  std::filesystem::path file_, partial_;
  int fd_ = -1;
  Sink sink_;
  Status sink_status_;  // the sink's error, when it failed
  struct archive* a_ = nullptr;
  bool finished_ = false;
};

// One entry of an archive being read.
struct ArchiveEntry {
  std::string name;
  uint64_t size = 0;
  bool regular = false;  // a regular file (anything else is refused by restore)
};

class ArchiveReader {
 public:
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::filesystem::path& file);
  ~ArchiveReader();

  // The next entry's header; false at the end. Errors name the archive, the
  // entry read before and what libarchive or zstd said.
  Result<bool> Next(ArchiveEntry* entry);
  // Reads the current entry's bytes, in chunks, into `sink` (may be empty);
  // returns their digest. A damaged archive fails here naming the entry.
  Result<FileDigest> ReadData(const std::function<Status(const char*, size_t)>& sink);

 private:
  ArchiveReader() = default;
  Status Error(std::string_view what) const;

  std::filesystem::path file_;
  struct archive* a_ = nullptr;
  std::string current_;
};

}  // namespace tp::app
