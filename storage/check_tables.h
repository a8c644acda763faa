// What `tillpipe check` verifies of the tables: the catalog's own
// integrity, and every live part file against its catalog entry (present,
// same size, same XXH3-64 checksum, a readable footer with the same row
// count), plus part files the catalog does not
// name (left by an interrupted flush; the next start removes them).
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
};

TablesCheckReport CheckTables(const std::filesystem::path& data_dir, Catalog& catalog);

// XXH3-64 of a whole file, as the Parquet writer records it.
Result<uint64_t> FileChecksum(const std::filesystem::path& file);

}  // namespace tp::storage
