// Durable named consumer offsets: one file per consumer,
// `<dir>/consumers/<name>.offset`.
//
// File format (24 bytes, little-endian): u32 magic "TPCO", u32 version 1,
// u64 next_offset, u32 CRC32C of the preceding 16 bytes, u32 zero.
// Each commit replaces the file atomically (temp, fsync, rename, fsync dir).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "stream/status.h"

namespace tp::stream {

// [A-Za-z0-9_.-]{1,64}, and not "." or "..".
bool IsValidConsumerName(const std::string& name);

class ConsumerOffsets {
 public:
  explicit ConsumerOffsets(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Loads every consumer file. A damaged file is kept as offset 0 (which
  // holds back retention, the safe choice) and described in *messages.
  Status Load(std::vector<std::string>* messages);

  // Validates the name and stores the offset durably before returning.
  Status Commit(const std::string& name, uint64_t next_offset);

  std::map<std::string, uint64_t> Snapshot() const;
  // Smallest committed offset, or UINT64_MAX when there are no consumers.
  uint64_t MinOffset() const;

 private:
  std::filesystem::path dir_;  // <log dir>/consumers
  mutable std::mutex mu_;
  std::mutex commit_mu_;                     // serializes file replacement
  std::map<std::string, uint64_t> offsets_;  // GUARDED_BY(mu_)
};

}  // namespace tp::stream
