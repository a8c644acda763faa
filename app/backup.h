// `tillpipe backup` and `tillpipe restore`: one .tar.zst file holding a
// consistent point in time of a data directory, also taken while a server
// runs and ingests on it.
//
// What a backup holds (BACKUP.md in this folder has the format):
//   catalog.sqlite      a snapshot of the catalog (one SQLite read transaction)
//   tables/...parquet   the live part files that snapshot names (immutable)
//   stream/*.log        the log segments from the one holding the snapshot's
//                       materialized offset to the end, cut at the last
//                       complete batch: the records not in the tables yet
//   admin.passwd ...    the other files at the top of the data directory
//   config/tillpipe.toml  the config, when the backup was given one
//   MANIFEST.json       last: versions, time, offsets, and every file's size
//                       and XXH3-128 checksum
// A restore verifies every checksum before writing anything, writes into a
// new directory beside the target, runs `tillpipe check` on it, and only then
// moves it into place; the server replays the log records on its first start.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/backup_archive.h"
#include "stream/status.h"

namespace tp::app {

inline constexpr int kBackupFormat = 1;
inline constexpr const char* kManifestName = "MANIFEST.json";

struct ManifestFile {
  std::string path;  // in the archive, = relative to the data dir
  FileDigest digest;
};

struct Manifest {
  int backup_format = kBackupFormat;
  int catalog_format = 0;  // the catalog's schema version in the archive
  std::string tillpipe_version;
  std::string created_at;  // UTC ISO-8601
  std::string source_data_dir;
  // "snapshot" (consistent cut of a live or stopped server) or "directory"
  // (a copy of a stopped data directory as it lies: the pre-migration backup).
  std::string mode;
  bool server_was_running = false;
  uint64_t materialized_offset = 0;  // the catalog's materializer offset
  uint64_t stream_start = 0;         // first offset of the log segments held
  uint64_t stream_end = 0;           // offset after the last record held
  std::string config;                // "config/tillpipe.toml", or "" without one
  std::vector<ManifestFile> files;   // every entry but the manifest, in order

  std::string ToJson() const;
  static Result<Manifest> FromJson(std::string_view text);
};

struct BackupOptions {
  std::filesystem::path data_dir;
  std::filesystem::path to;                          // the .tar.zst to create
  std::optional<std::filesystem::path> config_file;  // stored as config/tillpipe.toml
  bool quiet = false;                                // no progress on stderr
  int zstd_level = 3;
  // "snapshot", or "directory" for a stopped data directory copied as it
  // lies (used before a catalog migration; the caller holds the lock).
  std::string mode = "snapshot";
  // Instead of `to`: the archive goes to `sink` as it is made (the admin
  // page's download). Bytes sent cannot be taken back, so only what comes
  // before the first byte (the snapshot) is tried again.
  ArchiveWriter::Sink sink;
  // Where the catalog snapshot and the log tail are staged (a hidden
  // directory removed afterwards); default: beside `to`. In the data
  // directory's file system the part files are hard-linked there, so
  // compaction can delete them meanwhile.
  std::filesystem::path stage_in;
  // The caller is the server that holds the data directory's lock.
  bool in_server = false;
};

// Writes the backup; returns its manifest. Messages name the file and the fix.
Result<Manifest> CreateBackup(const BackupOptions& options);

// Removes staging directories a backup that was killed left in `dir`.
void RemoveStaleBackupStages(const std::filesystem::path& dir);

// The time now in UTC: "2026-11-23T09:30:00Z", or "20261123T093000Z" for
// file names.
std::string UtcTimestamp(bool for_file_name = false);

struct RestoreOptions {
  std::filesystem::path from;
  std::filesystem::path data_dir;  // empty with verify_only
  bool verify_only = false;
  bool force = false;  // replace a non-empty data_dir
  bool quiet = false;
};

// Verifies (and unless verify_only, restores) a backup; returns its manifest.
Result<Manifest> RestoreBackup(const RestoreOptions& options);

// The CLI commands: exit 0, 1 on failure, 2 on bad usage.
int RunBackup(const BackupOptions& options);
int RunRestore(const RestoreOptions& options);

}  // namespace tp::app
