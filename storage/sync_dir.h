// fsync of a directory: makes the creation, rename or removal of the names
// in it durable (a file's own fsync does not cover its directory entry).
#pragma once

#include <filesystem>

#include "stream/status.h"

namespace tp::storage {

// IOError naming the directory when it cannot be opened or synced.
Status SyncDir(const std::filesystem::path& dir);

}  // namespace tp::storage
