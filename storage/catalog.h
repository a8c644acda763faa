// The catalog: `data_dir/catalog.sqlite`, a SQLite database that records the
// tables, their schema versions, every live Parquet part file and consumer
// offsets in the log. Its schema, PRAGMAs, migration rule and transaction
// guarantees are written down in storage/CATALOG.md.
//
// The exactly-once hinge is Commit(): part files become live in the same
// transaction that advances the materializer's offset, so after a crash the
// catalog says exactly which records are in which files. A file that stops
// being live (compaction, retention) is retired in the same transaction and
// listed by RetiredFiles() until it is deleted; files on disk that the
// catalog lists neither as live nor as retired are leftovers to delete.
//
// Concurrency: one writer process (the materializer and compactor, serialized
// by SQLite's write lock) and any number of readers, in this process or
// others (status, queries, `tillpipe check`, backup). The database is in WAL
// mode, so a reader sees the last committed state as of its statement (or of
// its read transaction for calls that read more than once) and never waits
// for or fails because of a writer. A writer waits up to busy_timeout for
// another writer, then gets Status::Busy.
//
// Thread safety: every public method may be called from any thread; calls on
// one Catalog are serialized by its mutex (one SQLite connection each).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage {

namespace catalog_internal {
class Db;
}

// One live part file of a table.
struct FileEntry {
  int64_t id = 0;  // assigned by Commit(); never reused, also after removal
  std::string table;
  std::string day;   // "YYYY-MM-DD", the store-local partition day
  std::string path;  // relative to data_dir: "tables/orders/date=2026-11-21/part-000123.parquet"
  uint64_t rows = 0;
  uint64_t bytes = 0;  // file size
  // Range of the table's time column in the file, µs since the epoch (a date
  // column's day counts as its 00:00 UTC).
  int64_t min_time_us = 0, max_time_us = 0;
  uint64_t checksum = 0;   // XXH3-64 of the whole file
  int schema_version = 0;  // the version the file was written with
  int64_t created_us = 0;  // 0 in Commit() means "now"
  // Bytes of the records' JSON text the file's rows were decoded from (0 =
  // not known): raw_bytes / bytes is the file's compression ratio.
  uint64_t raw_bytes = 0;
  bool operator==(const FileEntry&) const = default;
};

// A file that stopped being live (compaction replaced it, or retention
// dropped its day) and may still be on disk: readers that listed it before
// the change may still be reading it. The catalog remembers it until the
// reaper has deleted the file (storage/file_snapshots.h), so after a crash
// nothing on disk is unaccounted for.
struct RetiredFile {
  int64_t seq = 0;      // retirement order: increases with every retirement, never reused
  int64_t file_id = 0;  // its FileEntry::id while it was live
  std::string table, day, path;
  uint64_t rows = 0, bytes = 0;
  std::string reason;      // "replaced" (Commit removed it) or "dropped" (DropDaysBefore)
  int64_t retired_us = 0;  // when, µs since the epoch (wall clock)
};

// Live files as of one committed state, with that state's retirement mark:
// every file retired before the state has RetiredFile::seq <= retire_mark,
// every file retired later (possibly one listed here) has seq > retire_mark.
struct FileListing {
  std::vector<FileEntry> files;
  int64_t retire_mark = 0;
};

// A table and its latest schema.
struct TableEntry {
  std::string name;
  int schema_version = 0;
  Schema schema;
  std::string time_column;
};

// Live files of one table and day, summed.
struct DayStats {
  std::string table, day;
  uint64_t rows = 0, files = 0, bytes = 0;
  int64_t min_time_us = 0, max_time_us = 0;
  uint64_t raw_bytes = 0;  // 0 unless every file of the day knows its raw bytes
};

// An API token as the catalog keeps it (never the secret itself).
struct TokenEntry {
  int64_t id = 0;
  std::string name;
  std::string scope;   // "ingest" | "read"
  std::string sha256;  // hex SHA-256 of the secret
  int64_t created_us = 0;
  std::optional<int64_t> revoked_us;
};

// A record of _rejected that was appended to the log again (re-processed).
struct ReprocessedEntry {
  uint64_t log_offset = 0;  // its offset in the log, as _rejected has it
  std::string table;
  std::string reason_code;  // why it had been rejected ("" when unknown)
  uint64_t new_offset = 0;  // where it was appended again
  int64_t at_us = 0;
};

struct CatalogOptions {
  int busy_timeout_ms = 5000;  // how long a write waits for another writer
  // Opens the catalog without changing anything on disk: the file must
  // exist; nothing is created, migrated or switched to WAL; every write
  // fails. A catalog of an older format is refused (InvalidArgument: start
  // the server once to migrate it). Only for a catalog no process writes
  // (a stopped server's, e.g. `tillpipe query --data-dir`): when its -wal
  // file is absent or empty the database is opened immutable, so SQLite
  // creates no -wal or -shm file either; a -wal that still holds commits (a
  // server that was killed) is read, which may create the -shm index.
  bool read_only = false;
};

class Catalog {
 public:
  // The schema version (PRAGMA user_version) this binary creates and
  // understands; older catalogs are migrated forward on Open().
  static constexpr int kFormatVersion = 5;
  // PRAGMA application_id of a tillpipe catalog: "TPCA".
  static constexpr int32_t kApplicationId = 0x54504341;

  // Opens the database at `file`, creating it if missing (the directory must
  // exist), in WAL mode with synchronous=FULL and foreign keys on, and
  // migrates it to kFormatVersion. Refuses, naming the file: a file that is
  // not a SQLite database (Corruption), a SQLite database that is not a
  // tillpipe catalog, and a catalog written by a newer tillpipe
  // (InvalidArgument). See CatalogOptions::read_only for opening without
  // writing.
  static Result<std::unique_ptr<Catalog>> Open(const std::filesystem::path& file,
                                               const CatalogOptions& options = {});
  // The schema version of the catalog in `file`, read without changing it
  // (for a stopped server's: decides whether opening it will migrate).
  // Refuses files that are not a catalog, as Open() does.
  static Result<int> FormatVersionOf(const std::filesystem::path& file);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // --- tables and schema versions ---

  // Registers `schema` (with its time column) as a new version of `table`
  // when it differs from the latest one, creating the table at version 1.
  // Returns the current version. Table names are [A-Za-z_][A-Za-z0-9_]{0,63};
  // the time column must be a field of type timestamp or date; field names
  // must be unique and non-empty.
  Result<int> EnsureSchema(const std::string& table, const std::string& time_column,
                           const Schema& schema);
  // Every table with its latest schema, by name.
  Result<std::vector<TableEntry>> Tables();
  // One table with its latest schema; NotFound if unknown.
  Result<TableEntry> Table(const std::string& table);
  // Any version of a table's schema; NotFound if there is none. With
  // `created_us`, also when that version was added (µs since the epoch).
  Result<Schema> SchemaVersion(const std::string& table, int version, int64_t* created_us = nullptr);

  // --- files and offsets ---

  // In ONE transaction: retires the live files `removed` (by id: they leave
  // the live files and become RetiredFiles, reason "replaced"), adds `added`,
  // and, when `next_offset` is set, moves consumer `consumer`'s offset to it
  // (with nullopt, `consumer` is ignored and may be ""; compaction commits
  // that way). Either all of it is durable when this returns OK, or none of
  // it happened. Returns the ids given to `added`, in order.
  //   InvalidArgument: a malformed entry (unknown table or schema version,
  //     bad day, absolute path or "..", duplicate path, a path of a retired
  //     file awaiting deletion, min > max time), a value above INT64_MAX, a
  //     bad consumer name, or an offset below the consumer's committed one
  //     (offsets never go backwards).
  //   Conflict: a removed id that is not live (e.g. retention dropped its
  //     day while a compaction ran).
  //   Busy: another writer held the lock for longer than busy_timeout.
  Result<std::vector<int64_t>> Commit(const std::vector<FileEntry>& added,
                                      const std::vector<int64_t>& removed,
                                      const std::string& consumer,
                                      std::optional<uint64_t> next_offset);
  // The committed offset (the next record to consume), or nullopt if the
  // consumer never committed.
  Result<std::optional<uint64_t>> ConsumerOffset(const std::string& consumer);

  // Live files ordered by table, day, id. Empty `table` means every table;
  // `from_day` and `to_day` ("YYYY-MM-DD", inclusive) bound the days when not
  // empty.
  Result<std::vector<FileEntry>> Files(const std::string& table = "",
                                       const std::string& from_day = "",
                                       const std::string& to_day = "");
  // Files() plus the retirement mark of the same committed state (one read
  // transaction): what an in-process reader pins (storage/file_snapshots.h).
  Result<FileListing> ListFiles(const std::string& table = "", const std::string& from_day = "",
                                const std::string& to_day = "");
  // Per table and day (all tables if `table` is empty): rows, files, bytes,
  // time range of the live files, ordered by table and day.
  Result<std::vector<DayStats>> Days(const std::string& table = "");

  // Retention: in one transaction retires every live file of `table` whose
  // day is before `day` (reason "dropped") and returns them. The files stay
  // on disk, listed by RetiredFiles(), until the reaper deletes them.
  Result<std::vector<FileEntry>> DropDaysBefore(const std::string& table, const std::string& day);

  // --- retired files (awaiting deletion) ---

  // Every retired file not yet forgotten, by seq.
  Result<std::vector<RetiredFile>> RetiredFiles();
  // Forgets retired files (by seq) after their files were deleted from disk,
  // in one transaction. Unknown seqs are ignored.
  Status ForgetRetired(const std::vector<int64_t>& seqs);

  // --- what the admin page saves (storage/catalog_admin.cpp) ---

  // Dashboards saved from the page: name -> spec JSON (app/dashboards.h), by name.
  Result<std::vector<std::pair<std::string, std::string>>> Dashboards();
  // Creates or replaces one.
  Status PutDashboard(const std::string& name, const std::string& spec_json);
  // Removes one; false when there was none.
  Result<bool> DeleteDashboard(const std::string& name);

  // API tokens, newest first, revoked ones included.
  Result<std::vector<TokenEntry>> Tokens();
  // Adds a token by the SHA-256 of its secret; returns its id.
  Result<int64_t> AddToken(const std::string& name, const std::string& scope,
                           const std::string& sha256_hex);
  // Marks a token revoked; false when no live token has that id.
  Result<bool> RevokeToken(int64_t id);

  // Re-processed records of _rejected among `log_offsets`, by offset.
  Result<std::vector<ReprocessedEntry>> Reprocessed(const std::vector<uint64_t>& log_offsets);
  // How many were re-processed, by table and reason code.
  Result<std::map<std::pair<std::string, std::string>, uint64_t>> ReprocessedCounts();
  // Records re-processed records, in one transaction; at_us is set here.
  // InvalidArgument (nothing recorded) when one of them was recorded before.
  Status AddReprocessed(const std::vector<ReprocessedEntry>& entries);

  // Writes a consistent copy of the catalog (as of one snapshot) to `dest`,
  // which must not exist, while writers go on: for `tillpipe backup`. The copy
  // is made with SQLite's online backup API and opens as a catalog like the
  // original (one file, no WAL).
  Status SnapshotTo(const std::filesystem::path& dest);

  // SQLite's integrity_check and foreign_key_check: empty when all is well,
  // else one line per problem (for `tillpipe check`).
  Result<std::vector<std::string>> IntegrityCheck();

 private:
  Catalog(std::filesystem::path file, std::unique_ptr<catalog_internal::Db> db);
  Status Migrate();
  Status CheckReadOnly();

  const std::filesystem::path file_;
  std::mutex mu_;
  std::unique_ptr<catalog_internal::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace tp::storage
