// An exclusive lock on a data directory (flock on DIR/LOCK) so two servers
// never write the same log. Released when the object dies or the process
// exits, even by kill -9.
#pragma once

#include <filesystem>
#include <memory>

#include "stream/status.h"

namespace tp::app {

class DataDirLock {
 public:
  // Creates the directory if needed and takes the lock, or says who holds it.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::filesystem::path& dir);
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tp::app
