// Reader snapshots of live part files, and deferred deletion of files that
// compaction or retention retired.
//
// Compaction and retention never delete a file themselves: their catalog
// commit moves it from the live files to the retired files (see Catalog::
// Commit, DropDaysBefore), so the swap and "this file is to be deleted" are
// one atomic, crash-safe step. The reaper (Reap) deletes a retired file once
//   1. no snapshot acquired before the retirement is still alive (an
//      in-process reader, e.g. the SQL engine, that listed the file), and
//   2. an optional grace period has passed since the retirement (0 by
//      default, see FileSnapshotsOptions::grace).
// Then it forgets the file in the catalog. After a crash the catalog still
// lists every file awaiting deletion; the next process reaps them.
//
// How "acquired before the retirement" is decided without races: a snapshot
// lists the live files together with the catalog's retirement mark of the
// same committed state (Catalog::ListFiles). A file it lists can only be
// retired later, so its RetiredFile::seq is above the snapshot's mark; a
// file retired with seq <= every live snapshot's mark is in none of them.
// Listing and registering a snapshot happen under the registry's mutex, and
// Reap reads the retired files before it looks at the live marks, so a
// snapshot is never half-registered while Reap decides.
//
//   FileSnapshots snapshots(&catalog, data_dir);
//   auto snap = snapshots.Acquire("orders", "2026-11-01", "2026-11-30");
//   for (const FileEntry& f : snap->files()) { /* open data_dir / f.path */ }
//   // ~TableSnapshot (or Release()) lets the reaper delete what it pinned.
//
// Thread safety: every method of FileSnapshots may be called from any thread.
// A TableSnapshot is used by one thread at a time and must not outlive the
// FileSnapshots that made it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "stream/status.h"

namespace tp::storage {

class FileSnapshots;

// The live files of a table (or all tables) as of one committed catalog
// state. While it lives, none of these files is deleted from disk.
class TableSnapshot {
 public:
  TableSnapshot() = default;
  TableSnapshot(TableSnapshot&& other) noexcept;
  TableSnapshot& operator=(TableSnapshot&& other) noexcept;
  TableSnapshot(const TableSnapshot&) = delete;
  TableSnapshot& operator=(const TableSnapshot&) = delete;
  ~TableSnapshot() { Release(); }

  // Ordered by table, day, id (as Catalog::Files).
  const std::vector<FileEntry>& files() const { return files_; }
  int64_t retire_mark() const { return mark_; }
  bool held() const { return owner_ != nullptr; }
  // Unpins the files now; files() stays readable as a list.
  void Release();

 private:
  friend class FileSnapshots;
  FileSnapshots* owner_ = nullptr;
  std::multiset<int64_t>::iterator pin_;
  std::vector<FileEntry> files_;
  int64_t mark_ = 0;
};

struct FileSnapshotsOptions {
  // How long a retired file stays on disk at least, counted from
  // RetiredFile::retired_us. 0 by default: a retired file left in its date=
  // directory would be read TWICE by anyone globbing tables/<t>/*/*.parquet
  // (DuckDB, Spark), next to the compacted file that holds its rows. A
  // reader in another process that has the file open keeps reading it after
  // the delete (POSIX); one that listed it but had not opened it yet gets
  // "file not found" and retries: an error, never a wrong total.
  std::chrono::milliseconds grace{0};
};

struct ReapResult {
  uint64_t deleted = 0;  // files deleted (or found already gone) and forgotten
  uint64_t bytes_deleted = 0;
  uint64_t pinned = 0;              // kept: a live snapshot may be reading them
  uint64_t in_grace = 0;            // kept: the grace period has not passed
  std::vector<std::string> errors;  // files that could not be deleted (kept, retried next time)
};

class FileSnapshots {
 public:
  // `catalog` must outlive this object; `data_dir` is what the catalog's
  // paths are relative to.
  FileSnapshots(Catalog* catalog, std::filesystem::path data_dir,
                FileSnapshotsOptions options = {});
  ~FileSnapshots();
  FileSnapshots(const FileSnapshots&) = delete;
  FileSnapshots& operator=(const FileSnapshots&) = delete;

  // Lists the live files of `table` (every table if empty) between the days
  // (inclusive; empty = unbounded) and pins them until the snapshot is
  // released. Errors are the catalog's.
  Result<TableSnapshot> Acquire(const std::string& table = "", const std::string& from_day = "",
                                const std::string& to_day = "");

  // Deletes the retired files that may go (see the top of this file) and
  // forgets them in the catalog; `now_us` (µs since the epoch, default the
  // wall clock) is for tests. A file that is already gone counts as deleted.
  // The directory is fsynced before the catalog forgets a file, so a crash
  // never leaves an unlisted file behind. An emptied date=... directory of a
  // dropped day is removed. Only a catalog error fails the call.
  Result<ReapResult> Reap(std::optional<int64_t> now_us = std::nullopt);

  // Snapshots alive now.
  size_t live_snapshots() const;
  const FileSnapshotsOptions& options() const { return options_; }

 private:
  friend class TableSnapshot;
  void Unpin(std::multiset<int64_t>::iterator pin);

  Catalog* const catalog_;
  const std::filesystem::path data_dir_;
  const FileSnapshotsOptions options_;
  mutable std::mutex mu_;
  std::multiset<int64_t> marks_;  // GUARDED_BY(mu_): retire_mark of every live snapshot
};

}  // namespace tp::storage
