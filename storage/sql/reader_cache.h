// Open Parquet readers kept between queries. A part file never changes once
// the catalog lists it (a file id is never reused), so its footer, schema and
// statistics can be read once: a query over a table of hundreds of one-day
// files would otherwise spend most of its time in open() and footer reads.
//
// A cached reader holds the file open. Files that compaction or retention
// retire are dropped from the cache by the next query of their table and day
// range (Retain), and the least recently used readers go when the cache is
// full, so a deleted file's space is not held for long.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/catalog.h"
#include "storage/parquet/parquet_reader.h"
#include "stream/status.h"

namespace tp::storage::sql {

class ReaderCache {
 public:
  // `capacity` readers at most (each holds a file descriptor); 0 disables.
  explicit ReaderCache(size_t capacity) : capacity_(capacity) {}

  // The reader of live file `entry` under `data_dir`, opened now or before.
  Result<std::shared_ptr<const parquet::ParquetReader>> Get(const std::filesystem::path& data_dir,
                                                            const FileEntry& entry);
  // Drops readers of `table` for days in [from_day, to_day] ("" = unbounded)
  // whose file is not in `live` (retired since it was cached).
  void Retain(const std::string& table, const std::string& from_day, const std::string& to_day,
              const std::vector<FileEntry>& live);
  size_t size() const;

 private:
  struct Entry {
    int64_t id;
    std::string table, day, path;
    std::shared_ptr<const parquet::ParquetReader> reader;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // GUARDED_BY(mu_): most recent first
  std::unordered_map<int64_t, std::list<Entry>::iterator> by_id_;  // GUARDED_BY(mu_)
};

}  // namespace tp::storage::sql
