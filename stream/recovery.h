// Recovery on Open: find the segments, verify what the checkpoint does not
// vouch for, cut a torn tail, rebuild damaged indexes. See FORMAT.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "stream/log.h"
#include "stream/segment.h"
#include "stream/status.h"

namespace tp::stream {

struct RecoveredLog {
  std::vector<SegmentInfo> segments;  // ascending; the last is the active one
  uint64_t next_offset = 0;           // offset the next batch gets
  RecoveryReport report;
};

// Recovers the log in `dir` (which must exist). Verification runs first and
// changes nothing; only when the whole log is acceptable are the repairs
// (torn-tail cut, empty-segment removal, index rewrites) applied. Returns
// Corruption, with the log untouched, when the damage is not a torn tail.
Status RecoverLog(const std::filesystem::path& dir, RecoveredLog* out);

// Corruption status for a bad batch: names the segment, the byte position
// and the offsets affected, and points to `tillpipe check`.
Status CorruptionAt(const std::filesystem::path& dir, uint64_t segment_base, uint64_t position,
                    uint64_t first_offset, const std::string& offsets_note, const std::string& why);

}  // namespace tp::stream
