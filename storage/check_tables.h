// What `tillpipe check` verifies of the tables: the catalog's own
// integrity, and every live part file against its catalog entry (present,
// same size, same XXH3-64 checksum, a readable footer with the same row
// count), plus part files the catalog does not name (left by an interrupted
// flush or compaction; the next start removes them). Files the catalog lists
// as retired (replaced by compaction or dropped by retention, kept a while
// for readers) are not problems: they are counted as awaiting deletion.
// Read-only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "storage/catalog.h"

namespace tp::storage {

struct TablesCheckReport {
  uint64_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::vector<std::string> problems;  // empty = healthy
  uint64_t awaiting_deletion = 0;     // retired files still on disk
  std::vector<std::string> notes;     // one line per retired file still on disk
};

TablesCheckReport CheckTables(const std::filesystem::path& data_dir, Catalog& catalog);

// XXH3-64 of a whole file, as the Parquet writer records it.
Result<uint64_t> FileChecksum(const std::filesystem::path& file);

}  // namespace tp::storage
