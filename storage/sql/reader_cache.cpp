#include "storage/sql/reader_cache.h"

#include <unordered_set>
#include <utility>

namespace tp::storage::sql {

Result<std::shared_ptr<const parquet::ParquetReader>> ReaderCache::Get(
    const std::filesystem::path& data_dir, const FileEntry& entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(entry.id);
    if (it != by_id_.end() && it->second->path == entry.path) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->reader;
    }
  }
  auto r = parquet::ParquetReader::Open(data_dir / entry.path);
  if (!r.ok()) return r.status();
  std::shared_ptr<const parquet::ParquetReader> reader = std::move(*r);
  if (capacity_ == 0) return reader;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(entry.id);
  if (it != by_id_.end()) {  // another thread opened it meanwhile, or a stale path
    lru_.erase(it->second);
    by_id_.erase(it);
  }
  lru_.push_front(Entry{entry.id, entry.table, entry.day, entry.path, reader});
  by_id_[entry.id] = lru_.begin();
  while (lru_.size() > capacity_) {
    by_id_.erase(lru_.back().id);
    lru_.pop_back();
  }
  return reader;
}

void ReaderCache::Retain(const std::string& table, const std::string& from_day,
                         const std::string& to_day, const std::vector<FileEntry>& live) {
  std::unordered_set<int64_t> ids;
  for (const auto& f : live) ids.insert(f.id);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    const bool in_range = it->table == table && (from_day.empty() || it->day >= from_day) &&
                          (to_day.empty() || it->day <= to_day);
    if (in_range && ids.count(it->id) == 0) {
      by_id_.erase(it->id);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t ReaderCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace tp::storage::sql
