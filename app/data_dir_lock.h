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
  // A shared lock for a reader of a stopped server's files, taken without
  // writing anything (no directory or LOCK file is created, no pid
  // written). Busy while a server holds the lock (its message names the
  // pid); while it is held, no server can start on the directory. nullptr
  // (OK) when the directory has no LOCK file: no server ever ran on it.
  static Result<std::unique_ptr<DataDirLock>> AcquireShared(const std::filesystem::path& dir);
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tp::app
