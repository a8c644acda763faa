// Compaction: merges the small part files of one table and day into one new
// file (or a few, each at most about target_file_bytes), and swaps them in
// the catalog in one commit.
//
// The materializer writes a part file per table and day at every flush, so
// a busy day collects hundreds of small files; queries then pay a footer
// read and tiny column chunks per file. Compaction reads the day's files row
// group by row group, in id order (so rows keep the order they were
// written in), maps every column by NAME onto the table's latest schema
// (a column a file lacks reads as NULL; an older, narrower type is widened
// with AppendCast), and streams the rows into the new file in batches of
// about batch_rows rows, so memory stays bounded by a batch and one input
// row group, whatever the size of the day.
//
// Crash safety, in this order: write the new file(s) under a name nothing
// else uses ("compact-<first id>-<last id>[-<n>].parquet"), fdatasync, fsync
// the directory, then ONE Catalog::Commit(added = new files, removed = old
// ids, no offset). Before that commit a crash leaves an unlisted file that
// the next start deletes; after it, the old files are retired (listed in the
// catalog as awaiting deletion) and the reaper deletes them once no reader
// needs them (storage/file_snapshots.h). The compactor never deletes an old
// file itself. If retention or another compaction removed one of the old
// files meanwhile, the commit fails with Conflict: the new file is deleted
// and nothing changed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "stream/status.h"

namespace tp::storage {

struct CompactionPolicy {
  // A day of today (or later, store-local) is compacted once it has this
  // many live files; values below 2 count as 2.
  uint64_t min_files = 8;
  // Files at least half this size are "big": a leading run of them in a day
  // is left alone (a day that is already one big file is not rewritten).
  uint64_t target_file_bytes = 512ull << 20;
};

// One unit of work: live files of one table and day, in id order.
struct CompactionJob {
  std::string table, day;
  std::vector<FileEntry> files;
};

// Which days of one table to compact, given its live files ordered by day
// and id (Catalog::Files(table)) and the current store-local day `today`
// ("YYYY-MM-DD"). Per day, in id order:
//   - a leading run of big files (>= target_file_bytes / 2) is skipped;
//   - today and later (the day is still filling up): a leading file bigger
//     than all files after it together is skipped too, so a growing day is
//     merged like a binary counter (each row rewritten O(log n) times, not
//     once per compaction), then the rest is compacted when it has at least
//     min_files files;
//   - days before today: the rest is compacted when it has at least 2 files,
//     so a finished day ends as one file (or a few big ones).
// Only a suffix of a day's files (by id) is ever merged, so the merged file,
// which gets the highest id, keeps the day's rows in their order.
std::vector<CompactionJob> PickCompactions(const std::vector<FileEntry>& files,
                                           const std::string& today,
                                           const CompactionPolicy& policy);

struct CompactionOptions {
  uint64_t target_file_bytes = 512ull << 20;  // a new output file starts past this (estimated)
  size_t batch_rows = 128 * 1024;             // rows per WriteColumns call (one row group)
  int zstd_level = 3;
  std::string created_by = "tillpipe";
  // Checked between row groups: when it becomes true the compaction stops,
  // deletes what it wrote and returns Status::Busy("... cancelled").
  const std::atomic<bool>* cancel = nullptr;
  // Called once the new files are durable, just before the commit; tests
  // use it to change the catalog at the worst moment.
  std::function<void()> before_commit;
};

struct CompactionResult {
  std::string table, day;
  uint64_t files_in = 0, files_out = 0;
  uint64_t rows = 0;
  uint64_t bytes_in = 0, bytes_out = 0;
  std::vector<FileEntry> added;  // as committed, with their ids
  double seconds = 0;
};

// Merges `job.files` (live files of job.table on job.day, in id order, at
// least one) into new files and commits the swap. The files must stay on
// disk while this runs: hold a TableSnapshot that lists them.
//   Conflict: one of the files was no longer live at the commit; the new
//     files were deleted, the catalog is unchanged.
//   Busy: options.cancel was set; nothing was committed.
//   Corruption / InvalidArgument / IOError / NoSpace: naming the file,
//     table and day; nothing was committed and the new files were deleted.
Result<CompactionResult> CompactDay(Catalog& catalog, const std::filesystem::path& data_dir,
                                    const CompactionJob& job, const CompactionOptions& options);

}  // namespace tp::storage
