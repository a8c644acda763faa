// Idempotency keys: which request (key) produced which offsets, so a retried
// request is answered with the original offsets instead of being appended
// again. Keys live in batch headers (so they are as durable as the data);
// this table is the in-memory view, plus a snapshot file that spares Open a
// scan of the whole window.
//
// Snapshot file `idempotency.snap` (little-endian):
//   u32 magic "TPIS", u32 version 1,
//   u64 segment_base, u64 position, u64 next_offset   (log position covered)
//   u64 entry_count, then per entry in insertion order:
//     u8 key_len, key, u8 table_len, table, u64 body_hash, u64 first_offset,
//     u32 count, i64 append_time_us
//   u32 CRC32C of everything before it.
// Replaced atomically (temp file, fsync, rename, fsync dir).
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stream/checkpoint.h"
#include "stream/status.h"

namespace tp::stream {

struct IdempotencyEntry {
  std::string table;
  uint64_t body_hash = 0;
  uint64_t first = 0;  // first offset of the original batch
  uint32_t count = 0;  // records in it
  int64_t append_time_us = 0;
  uint64_t last() const { return first + count - 1; }
};

inline constexpr const char* kIdempotencySnapshotFile = "idempotency.snap";

// Not thread-safe: the Log guards it with a mutex.
class IdempotencyTable {
 public:
  const IdempotencyEntry* Find(std::string_view key) const;
  // Adds a key that is not present. Keys are kept in insertion order.
  void Insert(const std::string& key, IdempotencyEntry e);
  // Removes the most recently inserted key, which must be `key` (used to undo
  // the keys of a batch that failed to be written).
  void RemoveNewest(const std::string& key);
  // Forgets keys appended before cutoff_us, then the oldest beyond max_keys.
  // Returns how many were removed.
  size_t Expire(int64_t cutoff_us, size_t max_keys);
  size_t size() const { return map_.size(); }

  // Encodes the entries whose batches lie wholly below pos.next_offset.
  std::string EncodeSnapshot(const Checkpoint& pos) const;
  // Replaces the contents with a snapshot's; *pos gets the position it covers.
  // NotFound if missing, Corruption if damaged.
  Status LoadSnapshot(const std::filesystem::path& file, Checkpoint* pos);

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, IdempotencyEntry, StringHash, std::equal_to<>> map_;
  std::deque<std::string> order_;  // keys, oldest first
};

}  // namespace tp::stream
