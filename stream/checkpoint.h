// The `checkpoint` file: a position up to which the log is known durable and
// verified, so recovery only re-verifies what lies after it.
//
// Format (36 bytes, little-endian): u32 magic "TPCK", u32 version 1,
// u64 segment_base, u64 position, u64 next_offset, u32 CRC32C of the
// preceding 32 bytes. Replaced atomically (temp file, fsync, rename, fsync dir).
#pragma once

#include <cstdint>
#include <filesystem>

#include "stream/status.h"

namespace tp::stream {

struct Checkpoint {
  uint64_t segment_base = 0;  // segment holding `position`
  uint64_t position = 0;      // bytes of that segment that are durable and whole
  uint64_t next_offset = 0;   // base offset of the batch at `position`
};

inline constexpr const char* kCheckpointFile = "checkpoint";

// NotFound if there is none; Corruption if it fails its checks.
Status ReadCheckpoint(const std::filesystem::path& dir, Checkpoint* out);
Status WriteCheckpoint(const std::filesystem::path& dir, const Checkpoint& cp);

}  // namespace tp::stream
