// Internal to the catalog (include only from storage/catalog*.cpp): one
// SQLite connection with cached prepared statements, transactions as scoped
// objects, and errors that carry SQLite's message and the database file.
//
// Not thread-safe: the Catalog serializes all use of a Db with its mutex.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "stream/status.h"

namespace tp::storage::catalog_internal {

// Wall-clock microseconds since the epoch (UTC), for the *_us columns.
inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Db;

// A cached prepared statement in use. Bind parameters (1-based), Step through
// rows, read columns (0-based). Destruction resets the statement and clears
// its bindings, so the cache can hand it out again.
class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Bind(int index, int64_t v);
  Stmt& Bind(int index, std::string_view v);

  // True with a row to read, false when done; an error names `what`.
  Result<bool> Step(std::string_view what);
  // Steps to completion, for statements without results.
  Status Run(std::string_view what);

  int64_t Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating if missing) the database file; does not read it yet.
  // `read_only`: opens an existing file without writing (see
  // CatalogOptions::read_only), immutable when its -wal file is absent or
  // empty.
  static Result<std::unique_ptr<Db>> Open(const std::filesystem::path& file, int busy_timeout_ms,
                                          bool read_only = false);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // The Status for SQLite result code `rc` of the last call on this
  // connection: "catalog FILE: WHAT: <sqlite message>", with the code mapped
  // (BUSY -> Busy, FULL -> NoSpace, CORRUPT/NOTADB -> Corruption,
  // CONSTRAINT -> InvalidArgument, others -> IOError).
  Status Error(int rc, std::string_view what) const;
  // "catalog FILE: WHAT", the prefix of every message about this database.
  std::string Where(std::string_view what) const;

  // Runs SQL text of one or more statements that return no rows.
  Status Exec(const char* sql, std::string_view what);
  // The cached statement for `sql`, prepared on first use.
  Result<Stmt> Prepare(std::string_view sql);
  // Single-value helpers for PRAGMAs and counts.
  Result<int64_t> QueryInt(const char* sql, std::string_view what);
  Result<std::string> QueryText(const char* sql, std::string_view what);

  // Copies every page of this database into `dest` with SQLite's online
  // backup API (https://www.sqlite.org/backup.html). All pages go in one
  // step, inside one read transaction of this connection: the copy is one
  // committed state, and writers on other connections (WAL) go on meanwhile.
  Status BackupInto(Db* dest, std::string_view what);

  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  const std::filesystem::path& file() const { return file_; }

 private:
  Db(std::filesystem::path file, sqlite3* db) : file_(std::move(file)), db_(db) {}
  std::filesystem::path file_;
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// The SQL that takes a catalog from format version `from` to from + 1
// (storage/catalog_migrations.cpp); 0 <= from < Catalog::kFormatVersion.
const char* MigrationStep(int from);

// A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so
// the busy timeout applies at the start, not at the first write). Rolls back
// on destruction unless Commit() succeeded.
class WriteTxn {
 public:
  explicit WriteTxn(Db* db) : db_(db) {}
  ~WriteTxn();
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  Status Begin();
  Status Commit();

 private:
  Db* db_;
  bool open_ = false;
};

// A read transaction: every statement inside sees one snapshot.
class ReadTxn {
 public:
  explicit ReadTxn(Db* db) : db_(db) {}
  ~ReadTxn();
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  Status Begin();

 private:
  Db* db_;
  bool open_ = false;
};

}  // namespace tp::storage::catalog_internal
